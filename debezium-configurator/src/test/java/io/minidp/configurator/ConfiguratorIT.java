package io.minidp.configurator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.Env;
import io.minidp.common.config.PostgresConfig;
import io.minidp.engines.connect.EmbeddedConnect;
import io.minidp.engines.kafka.EmbeddedKafka;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.registry.EmbeddedRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configurator against a real Connect worker with Debezium, a real PostgreSQL, Kafka and registry. */
class ConfiguratorIT {

    private static final Path CONNECTOR_FILE = EmbeddedKafka.home().resolve("config/debezium/connector_config.json");

    @TempDir
    static Path work;
    private static EmbeddedPostgres postgres;
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static EmbeddedConnect connect;
    private static Map<String, String> env;

    @BeforeAll
    static void startEngines() throws Exception {
        postgres = EmbeddedPostgres.start(work, "shop");
        kafka = EmbeddedKafka.start(work);
        registry = EmbeddedRegistry.start(work);
        connect = EmbeddedConnect.start(work, kafka.bootstrapServers());
        PostgresConfig pg = postgres.config();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (customer_id integer PRIMARY KEY, name text)");
            s.execute("INSERT INTO customers VALUES (1, 'Zoë')");
            s.execute("CREATE PUBLICATION cdc_publication FOR TABLES IN SCHEMA public");
        }
        env = new HashMap<>(Map.of("POSTGRES_HOST", pg.host(), "POSTGRES_PORT", Integer.toString(pg.port()),
                "POSTGRES_DB", pg.database(), "POSTGRES_USER", pg.user(), "POSTGRES_PASSWORD", pg.password().value(),
                "CDC_PUBLICATION", "cdc_publication", "CDC_CONNECTOR_NAME", "it-postgres", "CDC_SLOT", "it_slot",
                "CDC_TOPIC_PREFIX", "it", "SCHEMA_REGISTRY_URL", registry.url()));
    }

    @AfterAll
    static void stopEngines() {
        connect.close();
        registry.close();
        kafka.close();
        postgres.close();
    }

    private static Configurator configurator(Path file) {
        return new Configurator(new ConfiguratorConfig(URI.create(connect.url()), file, Duration.ofSeconds(120)), Env.of(env));
    }

    @Test
    void createsTheConnectorOnceAndThenChangesNothing() {
        assertThat(configurator(CONNECTOR_FILE).run()).isEqualTo(Configurator.Outcome.CREATED);
        assertThat(configurator(CONNECTOR_FILE).run()).isEqualTo(Configurator.Outcome.UNCHANGED);
    }

    @Test
    void aConfigurationConnectRejectsIsShownWithConnectsOwnMessages() throws Exception {
        Path bad = work.resolve("bad.json");
        Files.writeString(bad, Files.readString(CONNECTOR_FILE)
                .replace("\"plugin.name\": \"pgoutput\"", "\"plugin.name\": \"wal2jsonx\"")
                .replace("${CDC_CONNECTOR_NAME}", "it-bad"));

        assertThatThrownBy(() -> configurator(bad).run()).isInstanceOf(PlatformException.class).hasMessage(String.join(
                System.lineSeparator(),
                "Kafka Connect rejected the configuration of connector it-bad in " + bad + ":",
                "  - plugin.name: The 'plugin.name' value is invalid: Value must be one of decoderbufs, pgoutput",
                "Fix the file, or the .env variables it uses."));
    }
}
