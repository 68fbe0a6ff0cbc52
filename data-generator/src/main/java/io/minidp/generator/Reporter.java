package io.minidp.generator;

import io.minidp.generator.events.EventKind;
import io.minidp.generator.run.Stats;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs, every few seconds, events per second by kind over the last interval, and the totals. */
final class Reporter {

    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);

    private final Stats stats;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reporter");
        t.setDaemon(true);
        return t;
    });
    private Map<EventKind, Long> last;
    private long lastNanos;

    Reporter(Stats stats, Duration interval) {
        this.stats = stats;
        this.interval = interval;
    }

    void start() {
        last = stats.committedByKind();
        lastNanos = System.nanoTime();
        timer.scheduleAtFixedRate(this::report, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        timer.shutdownNow();
    }

    private void report() {
        Map<EventKind, Long> now = stats.committedByKind();
        long nanos = System.nanoTime();
        double seconds = (nanos - lastNanos) / 1e9;
        Map<EventKind, Long> delta = new EnumMap<>(EventKind.class);
        long total = 0;
        for (EventKind k : EventKind.values()) {
            long d = now.get(k) - last.get(k);
            delta.put(k, Math.round(d / seconds));
            total += d;
        }
        LOG.info("{} events/s ({}); totals: {} committed, {} rejected; by kind: {}", Math.round(total / seconds),
                describe(delta), stats.committedTotal(), stats.rejectedTotal(), describe(now));
        last = now;
        lastNanos = nanos;
    }

    static String describe(Map<EventKind, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey().id() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
