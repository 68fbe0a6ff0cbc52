package io.minidp.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    @Test
    void readsAValidPostgresConfigAndHidesThePassword() {
        ConfigReader r = new ConfigReader(Env.of(Map.of(
                "POSTGRES_HOST", "db", "POSTGRES_PORT", "6543", "POSTGRES_DB", "shop",
                "POSTGRES_USER", "app", "POSTGRES_PASSWORD", "s3cret")));

        PostgresConfig pg = PostgresConfig.read(r);
        r.validate();

        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db:6543/shop?ApplicationName=minidp&connectTimeout=5");
        assertThat(pg.password().value()).isEqualTo("s3cret");
        assertThat(pg.toString()).doesNotContain("s3cret");
        assertThat(r.effectiveConfig()).containsExactly(
                "POSTGRES_HOST=db", "POSTGRES_PORT=6543", "POSTGRES_DB=shop",
                "POSTGRES_USER=app", "POSTGRES_PASSWORD=[hidden]");
    }

    @Test
    void reportsEveryProblemAtOnceNamingVariableValueAndRule() {
        ConfigReader r = new ConfigReader(Env.of(Map.of(
                "POSTGRES_PORT", "70000", "POSTGRES_DB", "my-db", "POSTGRES_USER", "")));

        PostgresConfig.read(r);

        assertThatThrownBy(r::validate)
                .isInstanceOf(ConfigException.class)
                .hasMessage(String.join(System.lineSeparator(),
                        "Invalid configuration (5 problems); fix these in .env or the environment:",
                        "  - Missing value for POSTGRES_HOST: it is required",
                        "  - Invalid value '70000' for POSTGRES_PORT: must be a whole number from 1 to 65535",
                        "  - Invalid value 'my-db' for POSTGRES_DB: must start with a letter or underscore,"
                                + " then letters, digits or underscores (at most 63)",
                        "  - Missing value for POSTGRES_USER: it is required",
                        "  - Missing value for POSTGRES_PASSWORD: it is required"));
    }

    @Test
    void defaultsApplyAndBooleansAreStrict() {
        ConfigReader r = new ConfigReader(Env.of(Map.of("FLAG", "maybe")));

        assertThat(r.integer("BATCH", 10, 1, 100)).isEqualTo(10);
        r.bool("FLAG", true);

        assertThatThrownBy(r::validate).hasMessageContaining("Invalid value 'maybe' for FLAG: must be true or false");
    }
}
