package io.minidp.configurator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartScheduleTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static RestartSchedule schedule() {
        return new RestartSchedule(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    @Test
    void theFirstFailureIsRestartedAtOnceThenTheWaitsDoubleUpToTheMaximum() {
        RestartSchedule s = schedule();
        assertThat(s.due(T0)).isTrue();
        assertThat(s.restarted(T0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.restarted(T0.plusSeconds(5))).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.restarted(T0.plusSeconds(15))).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.restarted(T0.plusSeconds(35))).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.restarted(T0.plusSeconds(65))).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.streak()).isEqualTo(5);
    }

    @Test
    void aRestartIsNotDueBeforeItsWaitIsOver() {
        RestartSchedule s = schedule();
        s.restarted(T0);
        assertThat(s.due(T0.plusSeconds(4))).isFalse();
        assertThat(s.due(T0.plusSeconds(5))).isTrue();
        assertThat(s.notBefore()).hasValue(T0.plusSeconds(5));
    }

    @Test
    void runningForTheStableTimeEndsTheStreakSoTheNextFailureIsRestartedAtOnce() {
        RestartSchedule s = schedule();
        s.restarted(T0);
        s.restarted(T0.plusSeconds(5));
        assertThat(s.running(T0.plusSeconds(10))).isFalse();
        assertThat(s.running(T0.plusSeconds(69))).isFalse();
        assertThat(s.running(T0.plusSeconds(70))).isTrue();
        assertThat(s.streak()).isZero();
        assertThat(s.due(T0.plusSeconds(71))).isTrue();
        assertThat(s.restarted(T0.plusSeconds(71))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aFailureWhileProvingItselfStartsTheStableTimeAgain() {
        RestartSchedule s = schedule();
        s.restarted(T0);
        s.running(T0.plusSeconds(10));
        s.notRunning();
        assertThat(s.running(T0.plusSeconds(65))).isFalse();
        assertThat(s.running(T0.plusSeconds(125))).isTrue();
    }

    @Test
    void runningWithoutAStreakIsNothingToReport() {
        assertThat(schedule().running(T0)).isFalse();
    }
}
