package io.minidp.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntervalsTest {

    @Test
    void leavesOutTheZeroFieldsAsPostgresDoes() {
        assertThat(Intervals.canonical("P1Y2M3DT4H5M6.78S")).isEqualTo("P1Y2M3DT4H5M6.78S");
        assertThat(Intervals.canonical("P0Y0M1DT0H0M0S")).isEqualTo("P1D");
        assertThat(Intervals.canonical("P0Y0M0DT30H0M0S")).isEqualTo("PT30H");
        assertThat(Intervals.canonical("P0Y14M0DT0H0M0.000001S")).isEqualTo("P14MT0.000001S");
    }

    @Test
    void anEmptyIntervalIsZeroSeconds() {
        assertThat(Intervals.canonical("P0Y0M0DT0H0M0S")).isEqualTo("PT0S");
        assertThat(Intervals.canonical("P0Y0M0DT0H0M0.0S")).isEqualTo("PT0S");
    }

    @Test
    void keepsTheSignOfEachField() {
        assertThat(Intervals.canonical("P-1Y-2M3DT-4H-5M-6S")).isEqualTo("P-1Y-2M3DT-4H-5M-6S");
        assertThat(Intervals.canonical("P0Y0M0DT0H0M-0.5S")).isEqualTo("PT-0.5S");
    }

    @Test
    void passesNullAndUnknownTextThrough() {
        assertThat(Intervals.canonical(null)).isNull();
        assertThat(Intervals.canonical("1 day")).isEqualTo("1 day");
    }
}
