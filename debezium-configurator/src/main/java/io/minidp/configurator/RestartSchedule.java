package io.minidp.configurator;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the watchdog may restart a failed connector: at once the first time, then after a wait
 * that doubles with each restart of the same failure streak, up to a maximum. A streak ends once
 * the connector has stayed RUNNING for {@code stableAfter} since its last restart, so a connector
 * that fails again much later is restarted at once again.
 */
final class RestartSchedule {

    private final Duration first;
    private final Duration max;
    private final Duration stableAfter;
    private int streak;
    private Instant notBefore;
    private Instant runningSince;

    RestartSchedule(Duration first, Duration max, Duration stableAfter) {
        this.first = first;
        this.max = max;
        this.stableAfter = stableAfter;
    }

    /** Whether a failed connector may be restarted now. */
    boolean due(Instant now) {
        return notBefore == null || !now.isBefore(notBefore);
    }

    /** Records a restart at {@code now}; returns how long the next one must wait if this one does not help. */
    Duration restarted(Instant now) {
        Duration wait = first.multipliedBy(1L << Math.min(streak, 20));
        if (wait.compareTo(max) > 0) {
            wait = max;
        }
        streak++;
        notBefore = now.plus(wait);
        runningSince = null;
        return wait;
    }

    /** The connector and its tasks run; true when that ends the failure streak. */
    boolean running(Instant now) {
        if (streak == 0) {
            return false;
        }
        if (runningSince == null) {
            runningSince = now;
        }
        if (Duration.between(runningSince, now).compareTo(stableAfter) >= 0) {
            streak = 0;
            notBefore = null;
            runningSince = null;
            return true;
        }
        return false;
    }

    /** Anything but RUNNING: the connector has not yet proved itself since the last restart. */
    void notRunning() {
        runningSince = null;
    }

    int streak() {
        return streak;
    }

    Optional<Instant> notBefore() {
        return Optional.ofNullable(notBefore);
    }
}
