package io.minidp.engines.process;

import io.minidp.common.app.PlatformException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** An engine started by a test: its output appended to a log file, stopped by a signal, killed if it lingers. */
public final class LocalProcess {

    private final Process process;

    private LocalProcess(Process process) {
        this.process = process;
    }

    public static LocalProcess start(String name, List<String> command, Path log) {
        return start(name, command, Map.of(), log);
    }

    /** Starts {@code command} with {@code env} added to this process's environment. */
    public static LocalProcess start(String name, List<String> command, Map<String, String> env, Path log) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            return new LocalProcess(pb.start());
        } catch (IOException e) {
            throw new PlatformException("Cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code command} and waits until {@code ready} holds, polling; kills it and fails,
     * pointing at its log, if it exits first or is not ready within {@code timeout}.
     */
    public static LocalProcess startReady(String name, List<String> command, Map<String, String> env, Path log,
                                          Duration timeout, BooleanSupplier ready) {
        LocalProcess p = start(name, command, env, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.stop("KILL");
                throw new PlatformException(name + " did not start within " + timeout.toSeconds() + " s; see " + log);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.stop("KILL");
                throw new PlatformException("Interrupted while waiting for " + name, e);
            }
        }
        return p;
    }

    /** Waits up to {@code timeout} for the process to end; its exit code, or -1 if it still runs. */
    public int waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends {@code signal} (INT, TERM, KILL) and waits up to 30 s before killing it. */
    public void stop(String signal) {
        if (!process.isAlive()) {
            return;
        }
        Commands.run(List.of("kill", "-s", signal, Long.toString(process.pid())), null, 10);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
