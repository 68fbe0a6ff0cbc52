package io.minidp.runner.process;

import io.minidp.common.app.PlatformException;
import io.minidp.engines.process.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Starts services as background processes that outlive the runner, and finds them again later
 * from files in the run folder. Each service runs under a small shell of its own session (so
 * closing the terminal that ran {@code ./platform up} does not stop it) that waits for it and,
 * for a long-running service, starts it again when it fails, as compose's
 * {@code restart: on-failure} does: after 1 s, doubling to 30 s while it keeps failing within a
 * minute of its start. The shell is the supervisor because it is already there, waiting for the
 * process: no daemon of its own to start, watch or restart, and it works after {@code up} returns.
 *
 * <p>Files: {@code <service>.pid} (the shell's pid and start, so a reused pid is not mistaken
 * for ours: see {@link Start}), {@code <service>.child} (the service's current pid and start,
 * rewritten by the shell at each start, absent while it waits to restart), {@code <service>.exit} (the exit code, once the shell
 * is done), {@code <service>.restarts} (count, last exit code, time) and {@code <service>.stopped}
 * (the runner stopped it: the shell must not restart it).
 */
public final class Supervisor {

    private static final String WRAPPER = """
            base="$0"; policy="$1"; shift; name="${base##*/}"; delay=1; n=0
            ticks() { read -r s 2>/dev/null < "/proc/$1/stat" || return 0; set -- ${s##*) }; echo " ticks:${20}"; }
            while :; do
              if [ -n "${READY_FILE:-}" ]; then rm -f "$READY_FILE"; fi
              "$@" </dev/null &
              child=$!
              echo "$child$(ticks "$child")" > "$base.child.tmp" && mv -f "$base.child.tmp" "$base.child"
              began=$(date +%s)
              wait "$child"; code=$?
              if [ "$policy" != on-failure ] || [ "$code" -eq 0 ] || [ -e "$base.stopped" ]; then
                echo "$code" > "$base.exit.tmp" && mv -f "$base.exit.tmp" "$base.exit"; exit 0
              fi
              rm -f "$base.child"
              if [ $(( $(date +%s) - began )) -ge 60 ]; then delay=1; fi
              n=$((n + 1))
              echo "$n $code $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$base.restarts.tmp" && mv -f "$base.restarts.tmp" "$base.restarts"
              echo "platform: $name exited with code $code; starting it again in $delay s (restart $n; ./platform down $name stops it)"
              i=0
              while [ "$i" -lt "$delay" ] && [ ! -e "$base.stopped" ]; do sleep 1; i=$((i + 1)); done
              if [ -e "$base.stopped" ]; then
                echo "$code" > "$base.exit.tmp" && mv -f "$base.exit.tmp" "$base.exit"; exit 0
              fi
              delay=$((delay * 2)); if [ "$delay" -gt 30 ]; then delay=30; fi
            done
            """;

    /**
     * How far a process's start instant may lie from the one written down for it and still be
     * ours: the JVM derives start instants from the boot time, which it knows to the second only.
     */
    private static final long SAME_START_MILLIS = 3_000;

    /** Whether the shell starts a failed service again. */
    public enum Restart { NO, ON_FAILURE }

    private record Identity(long pid, Start start) {}

    /**
     * When a process started, to tell it from a later one given the same pid. Where the kernel has
     * {@code /proc}, its start in clock ticks since boot ({@code ticks:N}): fixed for the process's
     * life whatever the wall clock does. The start instant the JVM gives is derived from the boot
     * time, which moves when a machine is suspended and resumed or its clock is stepped: after a
     * laptop slept, every running service then looked dead to {@code status} and {@code down}.
     * Elsewhere, and in files older runners wrote, the start instant in milliseconds.
     */
    record Start(boolean ticks, long value) {

        static Start parse(String text) {
            return text.startsWith("ticks:") ? new Start(true, Long.parseLong(text.substring(6)))
                    : new Start(false, Long.parseLong(text));
        }

        /** The start of {@code pid} measured as this one was; empty when the process is gone. */
        Optional<Start> of(long pid) {
            if (ticks) {
                return procTicks(pid).stream().mapToObj(t -> new Start(true, t)).findFirst();
            }
            return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(i -> new Start(false, i.toEpochMilli()));
        }

        /** Whether {@code now}, measured the same way, is the same start (0 ms: unknown, taken as the same). */
        boolean same(Start now) {
            return ticks ? value == now.value : value == 0 || Math.abs(value - now.value) <= SAME_START_MILLIS;
        }

        @Override
        public String toString() {
            return ticks ? "ticks:" + value : Long.toString(value);
        }
    }

    /** Field 22 of {@code /proc/<pid>/stat}, the start in clock ticks since boot; empty without /proc or process. */
    static OptionalLong procTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name, in parentheses, may hold spaces: count the fields after it (state is the 3rd).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalLong.of(Long.parseLong(fields[19]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private final Path runDir;

    public Supervisor(Path runDir) {
        this.runDir = runDir;
    }

    public void start(String service, List<String> command, Map<String, String> env, Path workDir, Path logFile,
                      Restart restart) {
        try {
            Files.createDirectories(runDir);
            Files.createDirectories(logFile.getParent());
            for (String suffix : List.of(".exit", ".pid", ".child", ".stopped", ".restarts")) {
                Files.deleteIfExists(runDir.resolve(service + suffix));
            }
            List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c", WRAPPER, runDir.resolve(service).toString(),
                    restart == Restart.ON_FAILURE ? "on-failure" : "no"));
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().clear();
            pb.environment().putAll(env);
            Process shell = pb.start();
            Files.writeString(pidFile(service), identity(shell.pid()) + "\n");
            awaitChild(service, shell);
        } catch (IOException e) {
            throw new PlatformException("Cannot start " + service + ": " + e.getMessage(), e);
        }
    }

    public ProcessState state(String service) {
        Identity shell = readPidFile(service);
        if (shell == null) {
            return ProcessState.NOT_STARTED;
        }
        boolean stopped = Files.exists(stoppedFile(service));
        Optional<ProcessState.Restarts> restarts = readRestarts(service);
        Optional<Identity> child = readChild(service);
        if (child.isPresent() && ours(child.get(), shell)) {
            return running(child.get().pid(), restarts);
        }
        boolean shellAlive = alive(shell);
        if (shellAlive && child.isEmpty()) {
            return new ProcessState(OptionalLong.empty(), OptionalInt.empty(), false, true, restarts);
        }
        OptionalInt exit = readExit(service);
        if (exit.isPresent()) {
            return new ProcessState(OptionalLong.empty(), exit, stopped, false, restarts);
        }
        if (shellAlive) {
            // The service has ended and its shell is deciding what next: still counts as running.
            return running(child.map(Identity::pid).orElse(0L), restarts);
        }
        // Gone without an exit code: killed together with its shell (as by kill -9 of the group).
        return new ProcessState(OptionalLong.empty(), OptionalInt.of(137), stopped, false, restarts);
    }

    private static ProcessState running(long pid, Optional<ProcessState.Restarts> restarts) {
        return new ProcessState(OptionalLong.of(pid), OptionalInt.empty(), false, false, restarts);
    }

    /** Waits up to {@code timeout} for the service to end for good; returns its exit code, or empty if still supervised. */
    public OptionalInt awaitExit(String service, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ProcessState s = state(service);
            if (!s.supervised()) {
                return s.exitCode();
            }
            if (System.nanoTime() > deadline) {
                return OptionalInt.empty();
            }
            pause(100);
        }
    }

    /**
     * Stops the service for good: tells its shell not to restart it, sends {@code signal} (also to a
     * copy the shell was just starting), and kills the process if it outstays {@code grace}.
     */
    public void stop(String service, String signal, Duration grace) {
        if (!state(service).supervised()) {
            return;
        }
        try {
            Files.writeString(stoppedFile(service), signal + "\n");
        } catch (IOException e) {
            throw new PlatformException("Cannot write " + stoppedFile(service) + ": " + e.getMessage()
                    + ". Check that " + runDir + " is writable.", e);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        long signalled = -1;
        while (true) {
            ProcessState s = state(service);
            if (!s.supervised()) {
                return;
            }
            long pid = s.pid().orElse(-1);
            if (pid > 0 && pid != signalled) {
                signal(pid, signal);
                signalled = pid;
            }
            if (System.nanoTime() > deadline) {
                if (pid > 0) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
                awaitExit(service, Duration.ofSeconds(10));
                return;
            }
            pause(100);
        }
    }

    /** A process that ended just before its signal is not an error: stopping it was the point. */
    private static void signal(long pid, String signal) {
        try {
            Commands.run(List.of("kill", "-s", signal, Long.toString(pid)), null, 10);
        } catch (PlatformException e) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw e;
            }
        }
    }

    /** {@code pid start} ({@link Start}): the start tells our process from a later one that got the same pid. */
    private static String identity(long pid) {
        return pid + " " + new Start(procTicks(pid).isPresent(), 0).of(pid).orElse(new Start(false, 0));
    }

    private static boolean alive(Identity id) {
        return ProcessHandle.of(id.pid()).filter(ProcessHandle::isAlive).isPresent()
                && id.start().of(id.pid()).map(id.start()::same).orElse(false);
    }

    /**
     * Whether the pid the shell wrote down is still our service: a child of our living shell; or,
     * if the shell was killed alone, a process that started when the pid was written down.
     */
    private static boolean ours(Identity child, Identity shell) {
        Optional<ProcessHandle> h = ProcessHandle.of(child.pid()).filter(ProcessHandle::isAlive);
        if (h.isEmpty()) {
            return false;
        }
        if (alive(shell)) {
            return h.get().parent().map(p -> p.pid() == shell.pid()).orElse(false);
        }
        return alive(child);
    }

    /**
     * The shell's identity, or null when the pid file is missing: the service was never started.
     * Any other problem with the file is an error: guessing "never started" could start a second
     * copy of a running service. Reads the older four-number file too (service, its start, shell, its start).
     */
    Identity readPidFile(String service) {
        Path file = pidFile(service);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new PlatformException("Cannot read " + file + " (" + e.getMessage() + "), so whether " + service
                    + " runs is unknown. Make the file readable; or, if no " + service + " process runs (ps -ef),"
                    + " delete the file.", e);
        }
        String[] parts = text.split(" ");
        try {
            if (parts.length == 2) {
                return new Identity(Long.parseLong(parts[0]), Start.parse(parts[1]));
            }
            if (parts.length == 4) {
                return new Identity(Long.parseLong(parts[2]), Start.parse(parts[3]));
            }
        } catch (NumberFormatException e) {
            // Falls through to the error.
        }
        throw new PlatformException(file + " holds '" + text + "', not the '<pid> <start time>' the runner writes,"
                + " so whether " + service + " runs is unknown. If a " + service + " process runs (ps -ef), stop it"
                + " (kill <pid>); then delete the file and run ./platform up again.");
    }

    private Optional<Identity> readChild(String service) {
        Path file = runDir.resolve(service + ".child");
        try {
            // "pid ticks:N"; a shell without /proc, or a child gone before it looked, writes the pid
            // alone, and the file's time then stands for the start.
            String[] parts = Files.readString(file).strip().split(" ");
            Start start = parts.length > 1 ? Start.parse(parts[1]) : new Start(false, Files.getLastModifiedTime(file).toMillis());
            return Optional.of(new Identity(Long.parseLong(parts[0]), start));
        } catch (NoSuchFileException e) {
            return legacyChild(service);
        } catch (IOException | NumberFormatException e) {
            // Written by mv, so whole or absent; anything else is read as absent.
            return Optional.empty();
        }
    }

    /** An older pid file names the service's own pid and start first. */
    private Optional<Identity> legacyChild(String service) {
        try {
            String[] parts = Files.readString(pidFile(service)).strip().split(" ");
            return parts.length == 4 ? Optional.of(new Identity(Long.parseLong(parts[0]), Start.parse(parts[1])))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private OptionalInt readExit(String service) {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(exitFile(service)).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private Optional<ProcessState.Restarts> readRestarts(String service) {
        try {
            String[] parts = Files.readString(runDir.resolve(service + ".restarts")).strip().split(" ");
            return Optional.of(new ProcessState.Restarts(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                    Instant.parse(parts[2])));
        } catch (IOException | RuntimeException e) {
            // Absent until the first restart; written by mv, so never half.
            return Optional.empty();
        }
    }

    private void awaitChild(String service, Process shell) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            // A child that failed at once may be gone before the first look, its shell waiting to
            // start it again: the restart count says it started.
            if (Files.exists(runDir.resolve(service + ".child")) || Files.exists(exitFile(service))
                    || Files.exists(runDir.resolve(service + ".restarts"))) {
                return;
            }
            if (!shell.isAlive() && !Files.exists(exitFile(service))) {
                throw new PlatformException("Cannot start " + service + ": its shell ended at once (exit code "
                        + shell.exitValue() + "). Check that 'setsid' and 'sh' are installed.");
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
