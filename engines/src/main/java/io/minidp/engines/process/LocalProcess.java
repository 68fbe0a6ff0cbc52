package io.minidp.engines.process;

import io.minidp.common.app.PlatformException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
