package io.minidp.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.minidp.engines.process.Folders;
import io.minidp.runner.process.Supervisor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * with SIGKILL and started again, the object store down for 30 s, a poison message in a CDC topic,
 * the registry down when the consumer starts. After each, {@code ./platform verify} must find the
 * lake equal to PostgreSQL; at the end bronze must hold no change twice (same table, key and LSN).
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

    @BeforeAll
    void startThePlatform() {
        if (Files.exists(STATE)) {
            Folders.deleteTree(STATE);
        }
        platform = new TestPlatform(STATE);
        platform.env.put("GENERATOR_RATE", "100");
        platform.env.put("VERIFY_TIMEOUT_SECONDS", "240");
        platform.env.put("CONSUMER_LOG_EVENTS", "sample");
        supervisor = new Supervisor(STATE.resolve("data/run"));
        platform.run("up");
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
        awaitWrites(100);
        long processor = supervisor.state("spark-processor").pid().orElseThrow();
        platform.run("down", "--no-deps", "s3");
        Thread.sleep(30_000);
        platform.run("up", "s3");
        // Its S3 client retried (or its query restarted from the checkpoint): the process lives on.
        assertThat(supervisor.state("spark-processor").pid()).as("the processor's pid").hasValue(processor);
        awaitWrites(400);
        verifies("the object store down for 30 s");
    }

    @Test
    @Order(7)
    void aPoisonMessageGoesToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
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
        platform.awaitQueryCount("SELECT count(*) AS n FROM bronze._rejected WHERE _kafka_topic = 'it.public.orders'"
                + " AND _kafka_offset = " + poison.offset(), "1", Duration.ofMinutes(2));
        awaitWrites(400);
        verifies("a poison message");
    }

    @Test
    @Order(8)
    void theRegistryUnreachableWhenTheConsumerStarts() throws Exception {
        platform.run("down", "kafka-consumer");
        kill("schema-registry");
        long from = platform.logLength("kafka-consumer");
        platform.run("up", "--no-deps", "kafka-consumer");
        platform.awaitLogLine("kafka-consumer", "The schema registry at " + platform.env.get("SCHEMA_REGISTRY_URL"),
                from, Duration.ofSeconds(90));
        platform.awaitLogLine("kafka-consumer", "Check that it runs (./platform status) and SCHEMA_REGISTRY_URL.",
                from, Duration.ofSeconds(10));
        platform.awaitLogLine("kafka-consumer", " again from offset ", from, Duration.ofSeconds(10));
        // ./platform up, as after every outage here: the registry, and a Debezium task that failed without it.
        platform.run("up");
        long back = platform.logLength("kafka-consumer");
        platform.awaitLogLine("kafka-consumer", "it.public.orders c key=", back, Duration.ofSeconds(120));
        awaitWrites(200);
        verifies("the registry down when the consumer started");
    }

    @Test
    @Order(9)
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

    /** Kills the service with SIGKILL while the generator writes, starts it again, and checks the lake. */
    private void survivesKill(String service) throws Exception {
        awaitWrites(100);
        kill(service);
        // The others work on without it for a while: the generator writes, the clients retry.
        Thread.sleep(5_000);
        // As an operator would: ./platform up starts what is down and runs the configurator, which
        // restarts a failed Debezium task (one that needed the registry while it was away fails).
        platform.run("up");
        awaitWrites(400);
        verifies(service + " killed");
    }

    private void kill(String service) throws InterruptedException {
        long pid = supervisor.state(service).pid().orElseThrow(() -> new AssertionError(service + " is not running"));
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(supervisor.awaitExit(service, Duration.ofSeconds(30))).as("%s gone after SIGKILL", service).isPresent();
    }

    /** Waits until the generator has written {@code n} more orders: it is writing. */
    private void awaitWrites(long n) throws InterruptedException {
        platform.awaitAbove(ORDERS, platform.sqlNumber(ORDERS) + n, Duration.ofMinutes(3));
    }

    /** Stops the generator, runs verify (which must pass), and starts the generator again. */
    private void verifies(String after) {
        platform.run("down", "data-generator");
        TestPlatform.Result verify = platform.attempt("verify");
        assertThat(verify.code()).as("verify after %s:%n%s%nstatus:%n%s", after, verify.output(),
                platform.attempt("status").output()).isZero();
        assertThat(verify.output()).contains("verify: the lake equals PostgreSQL");
        platform.run("up", "data-generator");
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
