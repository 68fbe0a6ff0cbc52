package io.minidp.generator.run;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Bounded exponential backoff with jitter: the n-th wait of a streak is drawn from the upper half
 * of {@code min(max, initial * 2^(n-1))}, so writers that failed together do not all come back at
 * the same instant, and no wait is shorter than half the nominal one.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private final DoubleSupplier random;
    private int attempt;

    Backoff(long initialMillis, long maxMillis) {
        this(initialMillis, maxMillis, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** {@code random} gives values in [0, 1); tests pass a fixed one. */
    Backoff(long initialMillis, long maxMillis, DoubleSupplier random) {
        if (initialMillis < 1 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("Backoff needs 1 <= initial <= max, got " + initialMillis + " and " + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** The next wait in milliseconds; each call counts as one more failed attempt. */
    long next() {
        long nominal = initialMillis << Math.min(attempt, 30);
        nominal = nominal <= 0 || nominal > maxMillis ? maxMillis : nominal;
        attempt++;
        long half = nominal / 2;
        return nominal - half + (long) (random.getAsDouble() * (half + 1));
    }

    /** How many waits this streak has had. */
    int attempts() {
        return attempt;
    }

    /** The trouble is over: the next streak starts from the initial wait. */
    void reset() {
        attempt = 0;
    }
}
