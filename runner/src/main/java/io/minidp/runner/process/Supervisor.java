package io.minidp.runner.process;

import io.minidp.common.app.PlatformException;
import io.minidp.engines.process.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Starts services as background processes that outlive the runner, and finds them again later
 * from files in the run folder: {@code <service>.pid} (pid and start time, so a reused pid is not
 * mistaken for ours) and {@code <service>.exit} (the exit code, written by a small shell that
 * waits for the service). Each service gets a session of its own, so closing the terminal that
 * ran {@code ./platform up} does not stop it.
 */
public final class Supervisor {

    private static final String WRAPPER =
            "\"$@\" </dev/null & echo \"$!\" > \"$0.pid.tmp\"; wait \"$!\"; echo \"$?\" > \"$0.exit\"";

    private final Path runDir;

    public Supervisor(Path runDir) {
        this.runDir = runDir;
    }

    public void start(String service, List<String> command, Map<String, String> env, Path workDir, Path logFile) {
        try {
            Files.createDirectories(runDir);
            Files.createDirectories(logFile.getParent());
            Path base = runDir.resolve(service);
            Files.deleteIfExists(exitFile(service));
            Files.deleteIfExists(pidFile(service));
            Files.deleteIfExists(stoppedFile(service));
            Files.deleteIfExists(Path.of(base + ".pid.tmp"));
            List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c", WRAPPER, base.toString()));
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().clear();
            pb.environment().putAll(env);
            Process shell = pb.start();
            long pid = awaitPid(service, Path.of(base + ".pid.tmp"));
            Files.writeString(pidFile(service), identity(pid) + " " + identity(shell.pid()) + "\n");
        } catch (IOException e) {
            throw new PlatformException("Cannot start " + service + ": " + e.getMessage(), e);
        }
    }

    public ProcessState state(String service) {
        long[] ids = readPidFile(service);
        if (ids == null) {
            return ProcessState.NOT_STARTED;
        }
        if (alive(ids[0], ids[1])) {
            return new ProcessState(OptionalLong.of(ids[0]), OptionalInt.empty(), false);
        }
        boolean stopped = Files.exists(stoppedFile(service));
        try {
            Path exit = exitFile(service);
            if (Files.exists(exit)) {
                return new ProcessState(OptionalLong.empty(),
                        OptionalInt.of(Integer.parseInt(Files.readString(exit).strip())), stopped);
            }
        } catch (IOException | NumberFormatException e) {
            // Read as not yet written.
        }
        if (alive(ids[2], ids[3])) {
            // The service has ended and its shell is writing the exit code: still counts as running.
            return new ProcessState(OptionalLong.of(ids[0]), OptionalInt.empty(), false);
        }
        // Gone without an exit code: killed together with its waiting shell (as by kill -9 of the group).
        return new ProcessState(OptionalLong.empty(), OptionalInt.of(137), stopped);
    }

    /** Waits up to {@code timeout} for the service to exit; returns its exit code, or empty if still running. */
    public OptionalInt awaitExit(String service, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ProcessState s = state(service);
            if (!s.running()) {
                return s.exitCode();
            }
            if (System.nanoTime() > deadline) {
                return OptionalInt.empty();
            }
            pause(100);
        }
    }

    /** Sends {@code signal}, waits for the exit, and kills the process if it outstays {@code grace}. */
    public void stop(String service, String signal, Duration grace) {
        ProcessState s = state(service);
        if (!s.running()) {
            return;
        }
        OptionalLong pid = s.pid();
        try {
            Files.writeString(stoppedFile(service), signal + "\n");
        } catch (IOException e) {
            throw new PlatformException("Cannot write to " + runDir + ": " + e.getMessage(), e);
        }
        Commands.run(List.of("kill", "-s", signal, Long.toString(pid.getAsLong())), null, 10);
        if (awaitExit(service, grace).isEmpty()) {
            ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroyForcibly);
            awaitExit(service, Duration.ofSeconds(10));
        }
    }

    /** {@code pid startMillis}: the start time tells our process from a later one that got the same pid. */
    private static String identity(long pid) {
        long started = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Instant::toEpochMilli).orElse(0L);
        return pid + " " + started;
    }

    private static boolean alive(long pid, long startedMillis) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> startedMillis == 0 || h.info().startInstant().map(Instant::toEpochMilli).orElse(0L) == startedMillis)
                .orElse(false);
    }

    /** {service pid, its start, shell pid, its start}, or null when the service was never started. */
    private long[] readPidFile(String service) {
        try {
            Path file = pidFile(service);
            if (!Files.exists(file)) {
                return null;
            }
            String[] parts = Files.readString(file, StandardCharsets.UTF_8).strip().split(" ");
            long[] ids = new long[4];
            for (int i = 0; i < 4; i++) {
                ids[i] = Long.parseLong(parts[i]);
            }
            return ids;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private long awaitPid(String service, Path tmp) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(tmp)) {
                String text = Files.readString(tmp).strip();
                if (!text.isEmpty()) {
                    Files.delete(tmp);
                    return Long.parseLong(text);
                }
            }
            pause(20);
        }
        throw new PlatformException("Cannot start " + service + ": its process did not report a pid within 10 s."
                + " Check that 'setsid' and 'sh' are installed.");
    }

    private Path pidFile(String service) {
        return runDir.resolve(service + ".pid");
    }

    private Path stoppedFile(String service) {
        return runDir.resolve(service + ".stopped");
    }

    private Path exitFile(String service) {
        return runDir.resolve(service + ".exit");
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted", e);
        }
    }
}
