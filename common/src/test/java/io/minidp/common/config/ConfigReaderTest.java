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

    @Test
    void aDeclaredSettingTakesItsDefaultFromTheCatalogue() {
        ConfigReader r = new ConfigReader(Env.of(Map.of("QUERY_PORT", "9999")));

        assertThat(r.integer(Settings.CONSUMER_REPORT_SECONDS, 1, 3600)).isEqualTo(5);
        assertThat(r.port(Settings.QUERY_PORT)).isEqualTo(9999);
        assertThat(r.string(Settings.GENERATOR_RATE)).isEqualTo(Settings.GENERATOR_RATE.fallback());
        r.validate();
        assertThat(r.effectiveConfig()).containsExactly("CONSUMER_REPORT_SECONDS=5", "QUERY_PORT=9999", "GENERATOR_RATE=max");
    }

    @Test
    void aDerivedDefaultMustBeGivenAndAFixedOneMustNot() {
        ConfigReader r = new ConfigReader(Env.of(Map.of()));

        assertThat(r.string(Settings.CONSUMER_DLQ_TOPIC, "p.dead-letters")).isEqualTo("p.dead-letters");
        assertThatThrownBy(() -> r.string(Settings.CONSUMER_DLQ_TOPIC))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CONSUMER_DLQ_TOPIC's default is derived");
        assertThatThrownBy(() -> r.string(Settings.CONSUMER_GROUP_ID, "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CONSUMER_GROUP_ID has no derived default");
    }

    @Test
    void aSecretIsReadOnlyAsASecret() {
        ConfigReader r = new ConfigReader(Env.of(Map.of("S3_SECRET_KEY", "k", "S3_ACCESS_KEY", "a")));

        assertThat(r.secret(Settings.S3_SECRET_KEY).value()).isEqualTo("k");
        assertThat(r.effectiveConfig()).containsExactly("S3_SECRET_KEY=[hidden]");
        assertThatThrownBy(() -> r.string(Settings.S3_SECRET_KEY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("S3_SECRET_KEY is a secret");
        assertThatThrownBy(() -> r.secret(Settings.S3_ACCESS_KEY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("S3_ACCESS_KEY is not declared a secret");
    }
}
