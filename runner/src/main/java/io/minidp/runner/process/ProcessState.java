package io.minidp.runner.process;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What the runner knows of one service's process: running (with pid), exited (with code, and
 * whether the runner stopped it), or never started.
 */
public record ProcessState(OptionalLong pid, OptionalInt exitCode, boolean stoppedByRunner) {

    public static final ProcessState NOT_STARTED = new ProcessState(OptionalLong.empty(), OptionalInt.empty(), false);

    public boolean running() {
        return pid.isPresent();
    }

    public boolean exited() {
        return !running() && exitCode.isPresent();
    }
}
