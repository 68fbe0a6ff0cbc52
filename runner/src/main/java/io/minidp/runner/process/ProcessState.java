package io.minidp.runner.process;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What the runner knows of one service's process: running (with pid), waiting to be started again
 * after a crash, exited (with code, and whether the runner stopped it), or never started; and how
 * often the platform has restarted it since it was last started.
 */
public record ProcessState(OptionalLong pid, OptionalInt exitCode, boolean stoppedByRunner, boolean restarting,
                           Optional<Restarts> restarts) {

    /** The platform restarted the service {@code count} times, the last after it exited with {@code lastExitCode}. */
    public record Restarts(int count, int lastExitCode, Instant lastAt) {}

    public static final ProcessState NOT_STARTED =
            new ProcessState(OptionalLong.empty(), OptionalInt.empty(), false, false, Optional.empty());

    public boolean running() {
        return pid.isPresent();
    }

    /** Running, or about to run again: either way its supervising shell lives, and nobody must start another copy. */
    public boolean supervised() {
        return running() || restarting;
    }

    public boolean exited() {
        return !supervised() && exitCode.isPresent();
    }
}
