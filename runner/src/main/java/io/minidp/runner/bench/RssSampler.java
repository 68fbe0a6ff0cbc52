package io.minidp.runner.bench;

import io.minidp.runner.process.Supervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Samples the resident memory of every service once a second: each service's whole process tree
 * (PostgreSQL's backends count as PostgreSQL), the peak of each, and the peak of their sum: the
 * memory the platform needed at its busiest moment.
 */
final class RssSampler implements AutoCloseable {

    private final Supervisor supervisor;
    private final Collection<String> services;
    private final Map<String, Long> peakKb = new LinkedHashMap<>();
    private long peakTotalKb;
    private final Thread thread;
    private volatile boolean running = true;

    RssSampler(Supervisor supervisor, Collection<String> services) {
        this.supervisor = supervisor;
        this.services = List.copyOf(services);
        services.forEach(s -> peakKb.put(s, 0L));
        this.thread = new Thread(this::loop, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sample() {
        long total = 0;
        for (String s : services) {
            var pid = supervisor.state(s).pid();
            if (pid.isEmpty()) {
                continue;
            }
            long kb = ProcessHandle.of(pid.getAsLong())
                    .map(h -> Stream.concat(Stream.of(h), h.descendants()).mapToLong(p -> rssKb(p.pid())).sum())
                    .orElse(0L);
            peakKb.merge(s, kb, Math::max);
            total += kb;
        }
        peakTotalKb = Math.max(peakTotalKb, total);
    }

    /** VmRSS of one process in kB; 0 once it is gone. */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone between listing and reading.
        }
        return 0;
    }

    synchronized Map<String, Long> peakKbByService() {
        return new LinkedHashMap<>(peakKb);
    }

    synchronized long peakTotalKb() {
        return peakTotalKb;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
