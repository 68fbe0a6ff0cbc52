package io.minidp.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import io.minidp.generator.events.EventKind;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorConfigTest {

    private static Map<String, String> env() {
        return new HashMap<>(Map.of("POSTGRES_HOST", "127.0.0.1", "POSTGRES_PORT", "5432", "POSTGRES_DB", "shop",
                "POSTGRES_USER", "shop", "POSTGRES_PASSWORD", "pw"));
    }

    @Test
    void readsRateCountDurationSeedMixAndClock() {
        Map<String, String> env = env();
        env.putAll(Map.of("GENERATOR_RATE", "250", "GENERATOR_EVENTS", "1000", "GENERATOR_DURATION", "5m",
                "GENERATOR_SEED", "-3", "GENERATOR_MIX", "order=3, erasure=1", "GENERATOR_CLOCK", "simulated"));
        ConfigReader r = new ConfigReader(Env.of(env));

        GeneratorConfig c = GeneratorConfig.read(r);
        r.validate();

        assertThat(c.rate()).isEqualTo(250.0);
        assertThat(c.events()).isEqualTo(1000);
        assertThat(c.duration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.seed()).isEqualTo(-3);
        assertThat(c.mix()).containsExactly(Map.entry(EventKind.ORDER, 3), Map.entry(EventKind.ERASURE, 1));
        assertThat(c.simulatedClock()).isTrue();
        assertThat(c.connections()).isEqualTo(8);
    }

    @Test
    void maxMeansAsFastAsPossibleAndDefaultsRunUntilStopped() {
        ConfigReader r = new ConfigReader(Env.of(env()));

        GeneratorConfig c = GeneratorConfig.read(r);
        r.validate();

        assertThat(c.rate()).isZero();
        assertThat(c.events()).isZero();
        assertThat(c.duration()).isZero();
    }

    @Test
    void everyBadValueIsReportedWithItsRule() {
        Map<String, String> env = env();
        env.putAll(Map.of("GENERATOR_RATE", "fast", "GENERATOR_DURATION", "soon", "GENERATOR_MIX", "order=1,party=2",
                "GENERATOR_CLOCK", "lunar"));
        ConfigReader r = new ConfigReader(Env.of(env));

        GeneratorConfig.read(r);

        assertThatThrownBy(r::validate).hasMessage(String.join(System.lineSeparator(),
                "Invalid configuration (4 problems); fix these in .env or the environment:",
                "  - Invalid value 'fast' for GENERATOR_RATE: must be events per second (more than 0, at most 1000000) or 'max'",
                "  - Invalid value 'soon' for GENERATOR_DURATION: must be a duration such as 90s, 5m or 2h (a bare number is seconds), 0 for no limit",
                "  - Invalid value 'order=1,party=2' for GENERATOR_MIX: must be kind=weight pairs separated by commas, kinds among"
                        + " signup, customer_update, order, order_progress, product_update, erasure, weights whole numbers with a positive total",
                "  - Invalid value 'lunar' for GENERATOR_CLOCK: must be 'wall' or 'simulated'"));
    }
}
