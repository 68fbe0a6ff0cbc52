package io.minidp.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import io.minidp.engines.process.Folders;
import io.minidp.runner.fleet.Fleet;
import io.minidp.runner.fleet.LocalService;
import io.minidp.runner.process.ProcessState;
import io.minidp.runner.process.Supervisor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fault injection on the whole local platform while the generator writes: each engine killed
 * with SIGKILL, the object store down for 30 s, a poison message in a CDC topic, the registry down
 * when the consumer starts, and while Debezium must register a new schema. Nobody runs
 * {@code ./platform up} after a fault: the platform's own supervision (each service's shell
 * restarts it, the configurator's watchdog restarts failed Debezium tasks) must bring every part
 * back, and each fault's own check must pass (restarted, healthy, writing again). After every third
 * fault, {@code ./platform verify} must find the lake equal to PostgreSQL (a verify costs one to two
 * minutes: one per fault was half of this test's time); its failure names the faults since the last
 * one. At the end bronze must hold no change twice (same table, key and LSN).
 * Run by the {@code faults} profile (on unless -DskipFaults); its state and logs stay in
 * target/faults for a look after a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    private static final String ORDERS = "SELECT count(*) AS n FROM orders";
    private static final Path STATE = Path.of("target/faults").toAbsolutePath();

    private TestPlatform platform;
    private Supervisor supervisor;
    private Fleet fleet;
    private Path watchdogStatus;
    /** The faults since the last verify, which the next one covers. */
    private final List<String> unverified = new java.util.ArrayList<>();

    @BeforeAll
    void startThePlatform() {
        if (Files.exists(STATE)) {
            Folders.deleteTree(STATE);
        }
        platform = new TestPlatform(STATE);
        platform.env.put("GENERATOR_RATE", "100");
        platform.env.put("VERIFY_TIMEOUT_SECONDS", "240");
        platform.env.put("CONSUMER_LOG_EVENTS", "sample");
        platform.env.put("CONFIGURATOR_WATCH_SECONDS", "5");
        PlatformConfig config = PlatformConfig.read(new ConfigReader(Env.of(platform.env)));
        supervisor = new Supervisor(config.runDir());
        fleet = Fleet.local(config);
        watchdogStatus = Fleet.configuratorStatusFile(config);
        platform.run("up");
        assertThat(fleet.get("debezium-configurator").oneShot()).as("the configurator is the connector's watchdog").isFalse();
    }

    @AfterAll
    void stopThePlatform() {
        platform.attempt("down");
    }

    @Test
    @Order(1)
    void theSparkJobKilled() throws Exception {
        survivesKill("spark-processor");
    }

    @Test
    @Order(2)
    void kafkaConnectKilled() throws Exception {
        survivesKill("kafka-connect");
    }

    @Test
    @Order(3)
    void theKafkaBrokerKilled() throws Exception {
        survivesKill("kafka");
        verifies();
    }

    @Test
    @Order(4)
    void theRegistryKilled() throws Exception {
        survivesKill("schema-registry");
    }

    @Test
    @Order(5)
    void postgresKilled() throws Exception {
        survivesKill("postgres");
    }

    @Test
    @Order(6)
    void theObjectStoreDownFor30Seconds() throws Exception {
        unverified.add("the object store down for 30 s");
        awaitWrites(100);
        long processor = supervisor.state("spark-processor").pid().orElseThrow();
        platform.run("down", "--no-deps", "s3");
        Thread.sleep(30_000);
        platform.run("up", "s3");
        // Its S3 client retried (or its query restarted from the checkpoint): the process lives on.
        assertThat(supervisor.state("spark-processor").pid()).as("the processor's pid").hasValue(processor);
        awaitWrites(400);
        verifies();
    }

    @Test
    @Order(7)
    void aPoisonMessageGoesToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
        unverified.add("a poison message");
        String bootstrap = platform.env.get("KAFKA_BOOTSTRAP_SERVERS");
        RecordMetadata poison;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            poison = producer.send(new ProducerRecord<>("it.public.orders", "poison".getBytes(StandardCharsets.UTF_8),
                    "this is not an Avro change event".getBytes(StandardCharsets.UTF_8))).get();
        }
        assertThat(deadLetterFor(bootstrap, poison.offset())).as("dead letter of it.public.orders offset %d", poison.offset())
                .contains("cannot decode the key");
        // The console lists it among the latest dead letters, with where it came from and why, and
        // still does a few samples later (the console samples every 2 s, with one client kept open).
        JsonNode first = consoleDeadLetter(poison.offset(), java.time.Instant.EPOCH);
        assertThat(first.path("letter").path("reason").asText()).contains("cannot decode the key");
        java.time.Instant twoSamplesLater = java.time.Instant.parse(first.path("at").asText()).plusSeconds(4);
        assertThat(consoleDeadLetter(poison.offset(), twoSamplesLater).path("letter").path("reason").asText())
                .contains("cannot decode the key");
        platform.awaitQueryCount("SELECT count(*) AS n FROM bronze._rejected WHERE _kafka_topic = 'it.public.orders'"
                + " AND _kafka_offset = " + poison.offset(), "1", Duration.ofMinutes(2));
        awaitWrites(400);
    }

    @Test
    @Order(8)
    void theRegistryUnreachableWhenTheConsumerStarts() throws Exception {
        unverified.add("the registry down when the consumer started");
        platform.run("down", "kafka-consumer");
        // Stopped, not killed: killed, it would be back within seconds.
        platform.run("down", "--no-deps", "schema-registry");
        long from = platform.logLength("kafka-consumer");
        platform.run("up", "--no-deps", "kafka-consumer");
        platform.awaitLogLine("kafka-consumer", "The schema registry at " + platform.env.get("SCHEMA_REGISTRY_URL"),
                from, Duration.ofSeconds(90));
        platform.awaitLogLine("kafka-consumer", "Check that it runs (./platform status) and SCHEMA_REGISTRY_URL.",
                from, Duration.ofSeconds(10));
        platform.awaitLogLine("kafka-consumer", " again from offset ", from, Duration.ofSeconds(10));
        // Only what was stopped is started again; a Debezium task that failed without the registry is the watchdog's.
        platform.run("up", "--no-deps", "schema-registry");
        long back = platform.logLength("kafka-consumer");
        platform.awaitLogLine("kafka-consumer", "it.public.orders c key=", back, Duration.ofSeconds(120));
        awaitWrites(200);
    }

    @Test
    @Order(9)
    void theRegistryAwayWhileDebeziumMustRegisterANewSchema() throws Exception {
        unverified.add("the registry away while Debezium had to register a new schema");
        platform.run("sql", "CREATE TABLE loyalty_cards (card_id integer PRIMARY KEY, holder text)");
        platform.run("sql", "INSERT INTO loyalty_cards VALUES (1, 'Ada')");
        platform.awaitQueryCount("SELECT count(*) AS n FROM silver.loyalty_cards", "1", Duration.ofMinutes(3));
        int restartsBefore = watchdog().path("restarts").asInt();

        platform.run("down", "--no-deps", "schema-registry");
        // A new column: the converter must register a new schema for the next change, and cannot.
        platform.run("sql", "ALTER TABLE loyalty_cards ADD COLUMN points integer");
        platform.run("sql", "INSERT INTO loyalty_cards VALUES (2, 'Grace', 120)");
        JsonNode failed = awaitWatchdog(w -> w.path("restarts").asInt() > restartsBefore && w.path("lastError").isTextual(),
                "a restart of the failed task while the registry is away");
        assertThat(failed.path("lastError").asText()).as("the first line of the task's trace")
                .isEqualTo("org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler");
        assertThat(platform.run("status")).contains("watchdog: last error (").contains(failed.path("lastError").asText());

        platform.run("up", "--no-deps", "schema-registry");
        awaitWatchdog(w -> "RUNNING".equals(w.path("state").asText()) && w.path("tasks").path("0").asText().equals("RUNNING"),
                "the connector RUNNING again once the registry is back");
        platform.awaitQueryCount("SELECT count(*) AS n FROM silver.loyalty_cards WHERE points = 120", "1", Duration.ofMinutes(3));
        awaitWrites(200);
        verifies();
    }

    @Test
    @Order(10)
    void bronzeHoldsNoChangeTwice() {
        String duplicates = """
                SELECT t, count(*) AS duplicates FROM (
                  SELECT 'customers' AS t, customer_id AS k, _lsn FROM bronze.customers
                  UNION ALL SELECT 'products', product_id, _lsn FROM bronze.products
                  UNION ALL SELECT 'orders', order_id, _lsn FROM bronze.orders)
                GROUP BY t, k, _lsn HAVING count(*) > 1""";
        String out = platform.run("query", "SELECT count(*) AS n FROM (" + duplicates + ")");
        assertThat(out).as("changes in bronze twice; the first: %s", platform.attempt("query", duplicates + " LIMIT 10")
                .output()).containsPattern("\\|\\s*0\\|");
    }

    /**
     * Kills the service with SIGKILL while the generator writes; with no command run, its shell must
     * start it again and every part of the platform must be healthy again; the next verify checks the lake.
     */
    private void survivesKill(String service) throws Exception {
        unverified.add(service + " killed");
        awaitWrites(100);
        int restartsBefore = supervisor.state(service).restarts().map(ProcessState.Restarts::count).orElse(0);
        long killed = kill(service);

        ProcessState back = awaitState(service, s -> s.running() && s.pid().getAsLong() != killed,
                "started again by its shell");
        // PostgreSQL may need more than one try: its killed server's sessions linger for a moment.
        int restarts = back.restarts().map(ProcessState.Restarts::count).orElse(0);
        assertThat(restarts).as("%s's restarts", service).isGreaterThan(restartsBefore);
        assertThat(Files.readString(platform.log(service))).contains("platform: " + service
                + " exited with code 137; starting it again in ").contains("(restart " + (restartsBefore + 1) + "; ");
        awaitEveryServiceHealthy(service + " killed");
        assertThat(platform.run("status")).contains("restarted by the platform " + restarts + " time(s) since it was started");
        awaitWrites(400);
    }

    /** SIGKILL to the service's process; returns its pid once it is gone. */
    private long kill(String service) throws InterruptedException {
        long pid = supervisor.state(service).pid().orElseThrow(() -> new AssertionError(service + " is not running"));
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as("%s (pid %d) gone within 30 s of SIGKILL", service, pid).isLessThan(deadline);
            Thread.sleep(50);
        }
        return pid;
    }

    private ProcessState awaitState(String service, Predicate<ProcessState> condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        ProcessState s = supervisor.state(service);
        while (!condition.test(s)) {
            assertThat(System.nanoTime()).as("%s %s within 3 min; last %s", service, what, s).isLessThan(deadline);
            Thread.sleep(200);
            s = supervisor.state(service);
        }
        return s;
    }

    /** Every long-running service runs and is healthy, and the connector with its tasks is RUNNING. */
    private void awaitEveryServiceHealthy(String after) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        for (LocalService s : fleet.all()) {
            if (s.oneShot() || !s.managed()) {
                continue;
            }
            while (!supervisor.state(s.name()).running() || !s.healthy()) {
                assertThat(System.nanoTime()).as("%s healthy again after %s; status:%n%s", s.name(), after,
                        platform.attempt("status").output()).isLessThan(deadline);
                Thread.sleep(500);
            }
        }
        awaitWatchdog(w -> "RUNNING".equals(w.path("state").asText()) && "RUNNING".equals(w.path("tasks").path("0").asText()),
                "the connector RUNNING after " + after);
    }

    private JsonNode watchdog() throws IOException {
        return new ObjectMapper().readTree(watchdogStatus.toFile());
    }

    private JsonNode awaitWatchdog(Predicate<JsonNode> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        JsonNode w = watchdog();
        while (!condition.test(w)) {
            assertThat(System.nanoTime()).as("%s within 4 min; the watchdog's last status: %s", what, w).isLessThan(deadline);
            Thread.sleep(500);
            w = watchdog();
        }
        return w;
    }

    /** Waits until the generator has written {@code n} more orders: it is writing. */
    private void awaitWrites(long n) throws InterruptedException {
        platform.awaitAbove(ORDERS, platform.sqlNumber(ORDERS) + n, Duration.ofMinutes(3));
    }

    /**
     * Stops the generator, runs verify (which must pass), and starts the generator again (it alone,
     * and also when verify failed, so that one failed fault does not fail the ones after it). It
     * covers the faults since the last verify, also those whose own test failed.
     */
    private void verifies() {
        String after = unverified.isEmpty() ? "no fault" : String.join(", then ", unverified);
        unverified.clear();
        platform.run("down", "data-generator");
        try {
            TestPlatform.Result verify = platform.attempt("verify");
            assertThat(verify.code()).as("verify after %s:%n%s%nstatus:%n%s", after, verify.output(),
                    platform.attempt("status").output()).isZero();
            assertThat(verify.output()).contains("verify: the lake equals PostgreSQL");
        } finally {
            platform.run("up", "--no-deps", "data-generator");
        }
    }

    /**
     * The console's entry for the dead letter of it.public.orders at {@code offset} in a sample
     * taken at {@code notBefore} or later, within a minute, as {@code {"at": <sample time>,
     * "letter": <entry>}}. Asks every second (the console samples every 2 s).
     */
    private JsonNode consoleDeadLetter(long offset, java.time.Instant notBefore) throws Exception {
        java.net.URI overview = java.net.URI.create("http://127.0.0.1:" + platform.env.get("CONSOLE_PORT") + "/api/overview");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        JsonNode sample = null;
        while (System.nanoTime() < deadline) {
            String body = http.send(java.net.http.HttpRequest.newBuilder(overview).timeout(Duration.ofSeconds(20)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            sample = new ObjectMapper().readTree(body);
            String at = sample.path("at").asText();
            if (!at.isEmpty() && !java.time.Instant.parse(at).isBefore(notBefore)) {
                for (JsonNode l : sample.path("deadLetters")) {
                    if (l.path("topic").asText().equals("it.public.orders")
                            && l.path("sourceOffset").asText().equals(Long.toString(offset))) {
                        return new ObjectMapper().createObjectNode().put("at", sample.path("at").asText()).set("letter", l);
                    }
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the console did not list the dead letter of it.public.orders offset " + offset
                + " in a sample from " + notBefore + " on, within a minute; its last sample (at " + (sample == null ? "none"
                : sample.path("at").asText()) + ") listed " + (sample == null ? "nothing" : sample.path("deadLetters")));
    }

    /** The dead-letter topic's reason for the record at {@code offset} of it.public.orders; empty if none. */
    private static String deadLetterFor(String bootstrap, long offset) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "faults-it");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("it.dead-letters"));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    if ("it.public.orders".equals(header(r, "dlq.topic")) && Long.toString(offset).equals(header(r, "dlq.offset"))) {
                        return header(r, "dlq.reason");
                    }
                }
            }
        }
        return "";
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
