package io.minidp.generator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static List<Long> waits(Backoff b, int n) {
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            waits.add(b.next());
        }
        return waits;
    }

    @Test
    void waitsDoubleFromTheInitialUpToTheMaximumWithTheLeastJitter() {
        assertThat(waits(new Backoff(100, 1000, () -> 0.0), 7)).containsExactly(50L, 100L, 200L, 400L, 500L, 500L, 500L);
    }

    @Test
    void theMostJitterGivesTheNominalWait() {
        assertThat(waits(new Backoff(100, 1000, () -> 0.999_999), 6)).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    }

    @Test
    void jitterSpreadsEachWaitOverTheUpperHalfOfItsNominalValue() {
        Backoff b = new Backoff(20, 5000);
        long nominal = 20;
        for (int i = 0; i < 20; i++) {
            assertThat(b.next()).as("wait %d", i + 1).isBetween(nominal / 2, nominal);
            nominal = Math.min(nominal * 2, 5000);
        }
        assertThat(b.attempts()).isEqualTo(20);
    }

    @Test
    void aResetStartsTheNextStreakFromTheInitialWait() {
        Backoff b = new Backoff(100, 1000, () -> 0.0);
        waits(b, 5);
        b.reset();
        assertThat(b.attempts()).isZero();
        assertThat(b.next()).isEqualTo(50);
    }

    @Test
    void aLongStreakNeverOverflowsPastTheMaximum() {
        assertThat(waits(new Backoff(1, 5000, () -> 0.999_999), 100).get(99)).isEqualTo(5000);
    }

    @Test
    void boundsOutOfOrderAreRefused() {
        assertThatThrownBy(() -> new Backoff(100, 50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Backoff needs 1 <= initial <= max, got 100 and 50");
    }
}
