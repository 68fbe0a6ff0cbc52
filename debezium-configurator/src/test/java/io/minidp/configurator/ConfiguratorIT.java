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
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
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

    /** The project's connector under another name, slot and topic prefix, so each test has its own. */
    private static Env connectorEnv(String name) {
        Map<String, String> own = new HashMap<>(env);
        own.put("CDC_CONNECTOR_NAME", name);
        own.put("CDC_SLOT", name.replace('-', '_') + "_slot");
        own.put("CDC_TOPIC_PREFIX", name);
        return Env.of(own);
    }

    private static Configurator configurator(String name, ConfiguratorConfig.Action action) {
        return new Configurator(new ConfiguratorConfig(URI.create(connect.url()), CONNECTOR_FILE, Duration.ofSeconds(120),
                Duration.ZERO, Optional.empty(), action), connectorEnv(name));
    }

    private static Watchdog watchdog(String name, Path statusFile) {
        return new Watchdog(new ConnectClient(URI.create(connect.url())), URI.create(connect.url()),
                ConnectorFile.read(CONNECTOR_FILE, connectorEnv(name)), Optional.of(statusFile), Clock.systemUTC(),
                new RestartSchedule(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(60)));
    }

    /** Runs the watchdog's checks until {@code condition} holds for what it saw; bounded. */
    private static WatchStatus checkUntil(Watchdog w, Predicate<WatchStatus> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        WatchStatus last = w.check();
        while (!condition.test(last)) {
            assertThat(System.nanoTime()).as("%s within 120 s; last check: %s", what, last).isLessThan(deadline);
            Thread.sleep(500);
            last = w.check();
        }
        return last;
    }

    private static boolean running(WatchStatus s) {
        return "RUNNING".equals(s.state()) && !s.tasks().isEmpty() && s.tasks().values().stream().allMatch("RUNNING"::equals);
    }

    private static void sql(String statement) throws Exception {
        PostgresConfig pg = postgres.config();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static long slots(String slot) throws Exception {
        PostgresConfig pg = postgres.config();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aTaskThatFailedWhileTheRegistryWasAwayIsRestartedByTheWatchdogOnceItIsBack() throws Exception {
        configurator("it-watched", ConfiguratorConfig.Action.REGISTER).run();
        Path statusFile = work.resolve("watched-status.json");
        Watchdog watchdog = watchdog("it-watched", statusFile);
        assertThat(running(watchdog.check())).isTrue();

        // A new column needs a new schema, which the converter cannot register while the registry is away.
        registry.stop();
        try {
            sql("ALTER TABLE customers ADD COLUMN loyalty_points integer");
            sql("INSERT INTO customers VALUES (2, 'Ada', 120)");
            WatchStatus failing = checkUntil(watchdog, s -> s.restarts() >= 2, "two restarts while the registry is away");
            assertThat(failing.lastError()).isEqualTo("org.apache.kafka.connect.errors.ConnectException:"
                    + " Tolerance exceeded in error handler");
            assertThat(failing.nextRestartNotBefore()).isNotNull();
        } finally {
            registry.startAgain();
        }

        WatchStatus healed = checkUntil(watchdog, ConfiguratorIT::running, "RUNNING again once the registry is back");
        assertThat(healed.reregistrations()).isZero();
        assertThat(healed.connect()).isEqualTo("reachable");
        assertThat(WatchStatus.read(statusFile)).isEqualTo(healed);
    }

    @Test
    void aConnectorConnectLostIsRegisteredAgain() throws Exception {
        configurator("it-lost", ConfiguratorConfig.Action.REGISTER).run();
        Watchdog watchdog = watchdog("it-lost", work.resolve("lost-status.json"));
        ConnectClient client = new ConnectClient(URI.create(connect.url()));
        client.delete("it-lost");
        // Connect forgets a deleted connector a moment after it answered the DELETE.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (client.status("it-lost").isPresent()) {
            assertThat(System.nanoTime()).as("it-lost gone from Connect within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }

        WatchStatus back = checkUntil(watchdog, ConfiguratorIT::running, "RUNNING after it was registered again");

        assertThat(back.reregistrations()).isEqualTo(1);
        assertThat(back.restarts()).isZero();
    }

    @Test
    void deletingTheConnectorAlsoDropsItsReplicationSlot() throws Exception {
        configurator("it-removed", ConfiguratorConfig.Action.REGISTER).run();
        assertThat(slots("it_removed_slot")).isEqualTo(1);

        configurator("it-removed", ConfiguratorConfig.Action.DELETE).delete();

        assertThat(new ConnectClient(URI.create(connect.url())).status("it-removed")).isEmpty();
        assertThat(slots("it_removed_slot")).isZero();
        // Nothing left over: registered again, it gets a new slot and runs.
        assertThat(configurator("it-removed", ConfiguratorConfig.Action.REGISTER).run()).isEqualTo(Configurator.Outcome.CREATED);
        assertThat(slots("it_removed_slot")).isEqualTo(1);
    }

    @Test
    void deletingAConnectorThatIsNotRegisteredDropsALeftOverSlot() throws Exception {
        sql("SELECT pg_create_logical_replication_slot('it_orphan_slot', 'pgoutput')");

        configurator("it-orphan", ConfiguratorConfig.Action.DELETE).delete();

        assertThat(slots("it_orphan_slot")).isZero();
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
