package io.minidp.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.minidp.common.avro.ConfluentAvro;
import io.minidp.common.avro.SchemaRegistryClient;
import io.minidp.common.config.KafkaConfig;
import io.minidp.common.config.PostgresConfig;
import io.minidp.common.config.RegistryConfig;
import io.minidp.engines.connect.EmbeddedConnect;
import io.minidp.engines.kafka.EmbeddedKafka;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.registry.EmbeddedRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change capture end to end with the real engines: PostgreSQL, Debezium on Kafka Connect with the
 * Apicurio Avro converter, Kafka and the registry; our consumer reads alongside. Started once for
 * the class; each test uses tables of its own.
 */
class ChangeCaptureIT {

    private static final String LARGE = "ł".repeat(50_000) + "end";

    @TempDir
    static Path work;
    private static EmbeddedPostgres postgres;
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static EmbeddedConnect connect;
    private static CdcConsumer consumer;
    private static CompletableFuture<Void> consuming;
    private static ConfluentAvro avro;

    /** A decoded change as the test reads it back from Kafka. */
    record Change(String op, int schemaId, GenericRecord key, GenericRecord before, GenericRecord after) {}

    @BeforeAll
    static void startEverything() throws Exception {
        postgres = EmbeddedPostgres.start(work, "shop");
        kafka = EmbeddedKafka.start(work);
        registry = EmbeddedRegistry.start(work);
        connect = EmbeddedConnect.start(work, kafka.bootstrapServers());
        sql("""
                CREATE TABLE items (id integer PRIMARY KEY, name text, price numeric(10,2), at timestamptz, day date);
                INSERT INTO items VALUES (1, 'Zoë', 9.99, '2025-01-02 03:04:05.123456+00', '2025-01-02'),
                                         (2, '王芳', 0.01, NULL, NULL), (3, NULL, NULL, NULL, '1999-12-31');
                CREATE TABLE notes (id integer PRIMARY KEY, title text, amount numeric(12,3), big text, at timestamptz);
                CREATE TABLE widened (id integer PRIMARY KEY, name text);
                CREATE TABLE poisoned (id integer PRIMARY KEY, name text);
                CREATE TABLE streamed (id integer PRIMARY KEY, n integer);
                ALTER TABLE items REPLICA IDENTITY FULL; ALTER TABLE notes REPLICA IDENTITY FULL;
                ALTER TABLE widened REPLICA IDENTITY FULL; ALTER TABLE poisoned REPLICA IDENTITY FULL;
                ALTER TABLE streamed REPLICA IDENTITY FULL;
                CREATE PUBLICATION cdc_publication FOR TABLES IN SCHEMA public;
                """);
        connect.registerProjectConnector("it", postgres.config(), registry.url());
        avro = new ConfluentAvro(new SchemaRegistryClient(new RegistryConfig(URI.create(registry.url())), Duration.ofSeconds(5)));
        consumer = new CdcConsumer(new ConsumerSettings(new KafkaConfig(kafka.bootstrapServers()),
                new RegistryConfig(URI.create(registry.url())), "it", "it-consumer", "it.dead-letters",
                Duration.ofSeconds(1), ConsumerSettings.LogEvents.NONE));
        consuming = CompletableFuture.runAsync(consumer::run);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        consumer.stop();
        consuming.get();
        connect.close();
        registry.close();
        kafka.close();
        postgres.close();
    }

    private static void sql(String statements) throws Exception {
        PostgresConfig pg = postgres.config();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            s.execute(statements);
        }
    }

    /** Every change in the topic, waiting (bounded) until {@code done} holds for what was read. */
    private static List<Change> readUntil(String topic, java.util.function.Predicate<List<Change>> done) throws Exception {
        List<Change> changes = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!done.test(changes)) {
                assertThat(System.nanoTime()).as("changes in %s within 90 s, got %s", topic, changes).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    ConfluentAvro.Decoded v = avro.decode(r.value());
                    GenericRecord key = avro.decode(r.key()).value();
                    changes.add(v.value() == null ? new Change("tombstone", -1, key, null, null)
                            : new Change(v.value().get("op").toString(), v.schemaId(), key,
                                    (GenericRecord) v.value().get("before"), (GenericRecord) v.value().get("after")));
                }
            }
        }
        return changes;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String text(GenericRecord r, String field) {
        Object v = r.get(field);
        return v == null ? null : v.toString();
    }

    @Test
    void theSnapshotDeliversExactlyTheInitialRows() throws Exception {
        List<Change> changes = readUntil("it.public.items", l -> l.stream().filter(c -> c.op().equals("r")).count() >= 3);

        List<Change> reads = changes.stream().filter(c -> c.op().equals("r")).toList();
        assertThat(reads).extracting(c -> c.after().get("id")).containsExactly(1, 2, 3);
        GenericRecord first = reads.get(0).after();
        assertThat(text(first, "name")).isEqualTo("Zoë");
        assertThat(first.get("price")).isEqualTo(new BigDecimal("9.99"));
        assertThat(text(first, "at")).isEqualTo("2025-01-02T03:04:05.123456Z");
        assertThat(text(reads.get(1).after(), "name")).isEqualTo("王芳");
        assertThat(reads.get(2).after().get("name")).isNull();
        assertThat(reads.get(2).after().get("price")).isNull();
        await("the consumer counts the 3 snapshot reads", () -> consumer.stats().get("it.public.items", "r") == 3);
    }

    @Test
    void insertUpdateDeleteArriveWithTheirBeforeAndAfterImages() throws Exception {
        sql("INSERT INTO notes VALUES (1, 'Łódź, \"quoted\"', 12.345, '" + LARGE + "', '2025-03-01 10:00:00.654321+01')");
        sql("UPDATE notes SET amount = 0.5, title = NULL WHERE id = 1");
        sql("DELETE FROM notes WHERE id = 1");

        List<Change> changes = readUntil("it.public.notes", l -> l.size() >= 4);

        assertThat(changes).extracting(Change::op).containsExactly("c", "u", "d", "tombstone");
        GenericRecord created = changes.get(0).after();
        assertThat(text(created, "title")).isEqualTo("Łódź, \"quoted\"");
        assertThat(created.get("amount")).isEqualTo(new BigDecimal("12.345"));
        assertThat(text(created, "at")).isEqualTo("2025-03-01T09:00:00.654321Z");
        Change update = changes.get(1);
        assertThat(update.before().get("amount")).isEqualTo(new BigDecimal("12.345"));
        assertThat(update.after().get("amount")).isEqualTo(new BigDecimal("0.500"));
        assertThat(update.after().get("title")).isNull();
        // The large value was not changed; it still arrives whole, not as a placeholder.
        assertThat(text(update.after(), "big")).isEqualTo(LARGE);
        Change delete = changes.get(2);
        assertThat(delete.after()).isNull();
        assertThat(delete.before().get("id")).isEqualTo(1);
        assertThat(text(delete.before(), "big")).isEqualTo(LARGE);
        assertThat(changes.get(3).key().get("id")).isEqualTo(1);
        await("the consumer counts c, u, d and the tombstone", () -> consumer.stats().get("it.public.notes", "c") == 1
                && consumer.stats().get("it.public.notes", "u") == 1 && consumer.stats().get("it.public.notes", "d") == 1
                && consumer.stats().get("it.public.notes", "tombstone") == 1);
        assertThat(consumer.stats().get("it.public.notes", "invalid")).isZero();
    }

    @Test
    void anAddedColumnArrivesAsANewSchemaVersionThatIsDecoded() throws Exception {
        sql("INSERT INTO widened VALUES (1, 'before')");
        readUntil("it.public.widened", l -> l.size() >= 1);
        sql("ALTER TABLE widened ADD COLUMN tier text; INSERT INTO widened VALUES (2, 'after', 'gold')");

        List<Change> changes = readUntil("it.public.widened", l -> l.size() >= 2);

        assertThat(changes.get(1).schemaId()).isNotEqualTo(changes.get(0).schemaId());
        assertThat(text(changes.get(1).after(), "tier")).isEqualTo("gold");
        assertThat(changes.get(0).after().getSchema().getField("tier")).isNull();
        await("the consumer decodes both versions", () -> consumer.stats().get("it.public.widened", "c") == 2);
    }

    @Test
    void aTableCreatedWhileEverythingRunsIsCapturedWithoutReconfiguration() throws Exception {
        sql("CREATE TABLE later (id integer PRIMARY KEY, label text); INSERT INTO later VALUES (1, 'new table')");

        List<Change> changes = readUntil("it.public.later", l -> !l.isEmpty());

        assertThat(changes.get(0).op()).isEqualTo("c");
        assertThat(text(changes.get(0).after(), "label")).isEqualTo("new table");
        await("the consumer finds the new topic", () -> consumer.stats().get("it.public.later", "c") == 1);
    }

    @Test
    void aMalformedMessageGoesToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
        sql("INSERT INTO poisoned VALUES (1, 'first')");
        await("the first change", () -> consumer.stats().get("it.public.poisoned", "c") == 1);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            // A well-framed key (the one the first change has), with a value no converter wrote.
            byte[] key = firstKey("it.public.poisoned");
            p.send(new ProducerRecord<>("it.public.poisoned", key, "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }
        sql("INSERT INTO poisoned VALUES (2, 'after the poison')");

        await("the change after the poison is handled", () -> consumer.stats().get("it.public.poisoned", "c") == 2);
        assertThat(consumer.stats().get("it.public.poisoned", "invalid")).isEqualTo(1);
        List<Map<String, String>> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of("it.dead-letters"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (dead.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Map<String, String> headers = new HashMap<>();
                    r.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
                    headers.put("value", new String(r.value(), StandardCharsets.UTF_8));
                    dead.add(headers);
                }
            }
        }
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0)).containsEntry("value", "not avro").containsEntry("dlq.topic", "it.public.poisoned")
                .containsEntry("dlq.partition", "0").containsEntry("dlq.offset", "1")
                .containsEntry("dlq.reason", "cannot decode the value: the first byte is 0x6E, not the magic byte 0x00"
                        + " of the Confluent framing: it was not written by the Avro converter");
    }

    private static byte[] firstKey(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "key-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    return r.key();
                }
            }
        }
        throw new AssertionError("no message in " + topic + " within 30 s");
    }

    @Test
    void restartingConnectMidStreamLosesNoChange() throws Exception {
        // Streaming has begun (the initial snapshot is over) once a new row arrives as a create, not a read.
        int marker = 0;
        boolean streaming = false;
        while (!streaming) {
            assertThat(marker).as("streaming begins within 60 markers").isGreaterThan(-60);
            sql("INSERT INTO streamed VALUES (" + --marker + ", 0)");
            int m = marker;
            List<Change> seen = readUntil("it.public.streamed", l -> l.stream().anyMatch(c -> m == (Integer) c.after().get("id")));
            streaming = seen.stream().anyMatch(c -> m == (Integer) c.after().get("id") && c.op().equals("c"));
        }
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 1; i <= 300; i++) {
                    sql("INSERT INTO streamed VALUES (" + i + ", " + i + ")");
                    written.set(i);
                    Thread.sleep(10); // spreads the writes over the worker's stop and start
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("some rows are written before Connect stops", () -> written.get() >= 50);
        connect.stop();
        connect.startAgain();
        writes.get();

        List<Change> changes = readUntil("it.public.streamed",
                l -> l.stream().filter(c -> (Integer) c.after().get("id") > 0).map(c -> c.after().get("id")).distinct().count() >= 300);

        Set<Integer> ids = new TreeSet<>();
        changes.stream().filter(c -> (Integer) c.after().get("id") > 0).forEach(c -> ids.add((Integer) c.after().get("id")));
        assertThat(ids).hasSize(300).contains(1, 150, 300);
        assertThat(changes.stream().filter(c -> (Integer) c.after().get("id") > 0)).extracting(Change::op).containsOnly("c");
    }
}
