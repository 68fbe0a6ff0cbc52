package io.minidp.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.avro.SchemaRegistryClient;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import io.minidp.common.config.PostgresConfig;
import io.minidp.engines.connect.EmbeddedConnect;
import io.minidp.engines.kafka.EmbeddedKafka;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.process.LocalProcess;
import io.minidp.engines.registry.EmbeddedRegistry;
import io.minidp.engines.s3.EmbeddedS3;
import io.minidp.engines.spark.EmbeddedSparkCluster;
import io.minidp.engines.spark.SparkJvm;
import io.minidp.processor.lake.LakePaths;
import io.minidp.processor.lake.LakeSession;
import io.minidp.processor.verify.Verifier;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake end to end with the real engines: PostgreSQL, Debezium on Connect, Kafka, the registry,
 * the S3 server, and Spark with Delta (in this JVM, as a separate process that is killed, and on a
 * standalone cluster). Silver is compared with PostgreSQL value by value.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LakeIT {

    private static final String LARGE = "ż".repeat(60_000) + "|end";
    /** A bound on each wait, not a timing: a 2-core machine that also builds may take minutes per batch. */
    private static final Duration AWAIT = Duration.ofSeconds(420);

    @TempDir
    static Path work;
    private static EmbeddedPostgres postgres;
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static EmbeddedConnect connect;
    private static EmbeddedS3 s3;
    private static SparkSession spark;
    private static StreamingQuery stream;

    @BeforeAll
    static void startEverything() throws Exception {
        postgres = EmbeddedPostgres.start(work, "shop");
        kafka = EmbeddedKafka.start(work);
        registry = EmbeddedRegistry.start(work);
        connect = EmbeddedConnect.start(work, kafka.bootstrapServers());
        s3 = EmbeddedS3.start(work, "lake");
        sql("""
                CREATE TABLE people (id integer PRIMARY KEY, name text, email varchar(200), balance numeric(12,2),
                                     joined_at timestamptz, birthday date, local_at timestamp, active boolean,
                                     rating double precision, level smallint, note text);
                INSERT INTO people VALUES
                  (1, 'Zoë', 'zoe@example.com', 10.50, '2025-01-02 03:04:05.123456+00', '1990-02-03',
                   '2025-01-02 03:04:05.654321', true, 4.25, 3, 'first'),
                  (2, '王芳', NULL, 0.01, '1999-12-31 23:59:59.999999+00', NULL, NULL, false, NULL, NULL, ''),
                  (3, 'Ørjan', 'o@example.com', -99999.99, '2025-06-30 12:00:00+02', '2000-01-01',
                   '2000-01-01 00:00:00', NULL, -0.5, -7, NULL);
                CREATE TABLE products (product_id integer PRIMARY KEY, name text, category text, price numeric(10,2));
                INSERT INTO products VALUES (1, 'Lamp', 'home', 19.99), (2, 'Pen', 'office', 1.25);
                CREATE TABLE orders (order_id bigint PRIMARY KEY, product_id integer, quantity integer,
                                     unit_price numeric(10,2), status text, ordered_at timestamptz);
                INSERT INTO orders SELECT g, 1 + g % 2, 1 + g % 5, 1.25 + g % 3, (ARRAY['paid','shipped','delivered'])[1 + g % 3],
                                     timestamptz '2025-03-01 22:00:00+00' + g * interval '1 hour' FROM generate_series(1, 60) g;
                CREATE PUBLICATION cdc_publication FOR TABLES IN SCHEMA public;
                """);
        try (Connection c = connection()) {
            io.minidp.common.cdc.Signals.install(c, "cdc_publication");
        }
        for (String t : List.of("people", "products", "orders")) {
            sql("ALTER TABLE " + t + " REPLICA IDENTITY FULL");
        }
        connect.registerProjectConnector("it", postgres.config(), registry.url());
        ProcessorSettings settings = settings("lake", Map.of());
        spark = LakeSession.forProcessor(settings);
        stream = new CdcPipeline(spark, settings, new SchemaRegistryClient(settings.registry(), Duration.ofSeconds(5))).start();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (stream != null) {
            stream.stop();
        }
        if (spark != null) {
            spark.stop();
        }
        for (AutoCloseable engine : new AutoCloseable[] {s3, connect, registry, kafka, postgres}) {
            if (engine != null) {
                engine.close();
            }
        }
        // The engines' logs live in the test's temporary folder: keep Connect's, where Debezium's failures show.
        if (Files.exists(work.resolve("connect.log"))) {
            Files.createDirectories(logs());
            Files.copy(work.resolve("connect.log"), logs().resolve("lake-it-connect.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The processor's environment for a lake in {@code bucket}: the test's engines, then {@code extra}. */
    private static Map<String, String> env(String bucket, Map<String, String> extra) throws Exception {
        Files.createDirectories(work.resolve("s3/buckets").resolve(bucket));
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "S3_ENDPOINT", s3.config().endpoint().toString(),
                "S3_ACCESS_KEY", s3.config().accessKey(),
                "S3_SECRET_KEY", s3.config().secretKey().value(),
                "S3_BUCKET", bucket,
                "CDC_TOPIC_PREFIX", "it",
                "PROCESSOR_TRIGGER_SECONDS", "1",
                "PROCESSOR_UI_PORT", "0",
                "PROCESSOR_GOLD_SECONDS", "0"));
        env.put("PROCESSOR_HISTORY_SECONDS", "0");
        env.put("PROCESSOR_WORK_DIR", work.resolve("processor-" + bucket).toString());
        env.put("LOGS_DIR", logs().toString());
        env.putAll(extra);
        return env;
    }

    /** Where the services started by this test log: target/logs, kept after the run. */
    private static Path logs() {
        return Path.of(System.getProperty("LOGS_DIR", "target/logs")).toAbsolutePath();
    }

    private static ProcessorSettings settings(String bucket, Map<String, String> extra) throws Exception {
        ConfigReader r = new ConfigReader(Env.of(env(bucket, extra)));
        ProcessorSettings s = ProcessorSettings.read(r);
        r.validate();
        return s;
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void silverEqualsPostgresAfterTheSnapshotAndAMixedStreamOfChanges() throws Exception {
        awaitSilverEqualsPostgres("lake", "people", "id");

        sql("BEGIN; UPDATE people SET balance = balance + 1 WHERE id = 1;"
                + " UPDATE people SET balance = balance + 1, name = 'twice' WHERE id = 1; COMMIT;");
        sql("DELETE FROM people WHERE id = 2");
        sql("INSERT INTO people (id, name, joined_at, balance) VALUES (2, 'back again', now(), 123456.78)");
        sql("UPDATE people SET name = NULL, email = '', joined_at = NULL, rating = 1e-3 WHERE id = 3");
        sql("INSERT INTO people VALUES (4, 'Ünïcødé 🚀 \"q\", ''s''', 'x@example.com', 0.00,"
                + " '2030-01-01 00:00:00.000001+00', '2024-02-29', '2024-02-29 23:59:59.999999', true, 1.5, 1, '" + LARGE + "')");
        sql("INSERT INTO people (id, name) VALUES (5, 'short-lived'); DELETE FROM people WHERE id = 5;");
        sql("UPDATE people SET note = note || '!' WHERE id = 4");

        awaitSilverEqualsPostgres("lake", "people", "id");
        Row four = spark.read().format("delta").load("s3a://lake/silver/people").filter("id = 4").first();
        assertThat(four.<String>getAs("note")).hasSize(LARGE.length() + 1).endsWith("|end!");
        // The status counts silver's rows from each batch's MERGE, from the table's first batch on.
        Path status = settings("lake", Map.of()).statusFile();
        long rows = count("s3a://lake/silver/people");
        await("status gives silver.people's " + rows + " rows", () -> statusSilverRows(status, "people") == rows);
        // History: a version per change, the two updates of one transaction as one, a delete ending
        // a version and a key inserted and deleted in one transaction not there at all.
        java.util.Set<String> versions = new java.util.TreeSet<>(List.of("1 Zoë r>u", "1 twice u> *", "2 王芳 r>d",
                "2 back again c> *", "3 Ørjan r>u", "3 NULL u> *"));
        List<String> held = new java.util.ArrayList<>();
        try {
            await("history.people holds " + versions, () -> {
                held.clear();
                held.addAll(history("lake", "people", "id IN (1, 2, 3, 5)",
                        "concat(id, ' ', coalesce(name, 'NULL'), ' ', _op, '>', coalesce(_end_op, ''), if(_is_current, ' *', ''))"));
                return versions.equals(new java.util.TreeSet<>(held));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + System.lineSeparator() + "it holds " + held, e);
        }
        // Each version ends where the next begins.
        assertThat(spark.read().format("delta").load("s3a://lake/history/people").as("a")
                .join(spark.read().format("delta").load("s3a://lake/history/people").as("b"),
                        org.apache.spark.sql.functions.expr("a.id = b.id AND a._end_op IN ('u', 'c') AND b._valid_from = a._valid_to"), "left_anti")
                .filter("a._end_op IN ('u', 'c')").count()).isZero();
    }

    /** {@code expression} over the versions in {@code table}'s history that {@code where} selects, one line each. */
    private static List<String> history(String bucket, String table, String where, String expression) {
        String path = new LakePaths("s3a://" + bucket).history(table);
        if (!io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
            return List.of();
        }
        return spark.read().format("delta").load(path).filter(where).selectExpr(expression)
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    @Test
    @Order(2)
    void anAddedColumnAppearsInSilverWithValuesForNewRows() throws Exception {
        sql("ALTER TABLE people ADD COLUMN loyalty_tier text");
        sql("INSERT INTO people (id, name, loyalty_tier) VALUES (10, 'Gold member', 'gold')");

        awaitSilverEqualsPostgres("lake", "people", "id");
        Dataset<Row> silver = spark.read().format("delta").load("s3a://lake/silver/people");
        assertThat(silver.columns()).contains("loyalty_tier");
        assertThat(silver.filter("id = 10").first().<String>getAs("loyalty_tier")).isEqualTo("gold");
    }

    @Test
    @Order(3)
    void aTableCreatedWhileRunningGetsBronzeAndSilverAndOneWithoutKeyOnlyBronze() throws Exception {
        sql("""
                CREATE TABLE coupons (code text PRIMARY KEY, percent numeric(5,2), valid_until date);
                ALTER TABLE coupons REPLICA IDENTITY FULL;
                INSERT INTO coupons VALUES ('SPRING', 12.50, '2026-04-01'), ('ŁATO', 5, NULL);
                CREATE TABLE page_views (url text, viewed_at timestamptz);
                ALTER TABLE page_views REPLICA IDENTITY FULL;
                INSERT INTO page_views VALUES ('/a', now()), ('/a', now()), ('/b', NULL);
                """);

        awaitSilverEqualsPostgres("lake", "coupons", "code");
        await("bronze.page_views has the 3 inserts", () -> count("s3a://lake/bronze/page_views") == 3);
        assertThat(LakePaths.exists(spark, "s3a://lake/silver/page_views")).isFalse();
    }

    @Test
    @Order(4)
    void goldHoldsDailySalesByProductAndStatus() throws Exception {
        sql("UPDATE orders SET status = 'cancelled' WHERE order_id % 7 = 0; DELETE FROM orders WHERE order_id = 1;"
                + " UPDATE products SET name = 'Desk lamp' WHERE product_id = 1");
        String pgQuery = """
                SELECT (o.ordered_at AT TIME ZONE 'UTC')::date AS d, o.product_id, p.name, o.status,
                       count(*) AS n, sum(o.quantity) AS units, sum(o.quantity * o.unit_price) AS revenue
                FROM orders o LEFT JOIN products p USING (product_id) GROUP BY 1, 2, 3, 4""";
        await("gold.daily_product_sales equals the aggregate in PostgreSQL", () -> {
            // Gold is written beside the stream: its folder can exist before its first commit.
            if (!io.delta.tables.DeltaTable.isDeltaTable(spark, "s3a://lake/gold/daily_product_sales")) {
                return false;
            }
            Map<String, String> expected = new TreeMap<>();
            for (Map<String, String> r : query(pgQuery)) {
                expected.put(r.get("d") + "/" + r.get("product_id") + "/" + r.get("status"),
                        r.get("name") + " " + r.get("n") + " " + r.get("units") + " " + r.get("revenue"));
            }
            Map<String, String> actual = new TreeMap<>();
            for (Row r : spark.read().format("delta").load("s3a://lake/gold/daily_product_sales").collectAsList()) {
                actual.put(normalize(r.getAs("order_date")) + "/" + r.getAs("product_id") + "/" + r.getAs("status"),
                        r.getAs("product_name") + " " + r.getAs("orders") + " " + r.getAs("units") + " "
                                + normalize(r.getAs("revenue")));
            }
            return expected.equals(actual);
        });
    }

    @Test
    @Order(5)
    void aReplayedBatchAndResentEventsLeaveNoDuplicates() throws Exception {
        sql("""
                CREATE TABLE ledger (id integer PRIMARY KEY, amount numeric(8,2));
                ALTER TABLE ledger REPLICA IDENTITY FULL;
                INSERT INTO ledger VALUES (1, 1.00), (2, 2.00), (3, 3.00);
                BEGIN; UPDATE ledger SET amount = 10.00 WHERE id = 1; UPDATE ledger SET amount = 11.00 WHERE id = 1; COMMIT;
                DELETE FROM ledger WHERE id = 2;
                INSERT INTO ledger VALUES (2, 22.00);
                """);
        // 3 inserts, 2 updates, a delete and its tombstone, an insert: 8 records.
        Dataset<Row> raw = rawTopic("it.public.ledger", 8);
        ProcessorSettings settings = settings("lake-replay", Map.of());
        CdcPipeline pipeline = new CdcPipeline(spark, settings, new SchemaRegistryClient(settings.registry(), Duration.ofSeconds(5)));

        pipeline.processBatch(raw, 0);
        assertSilverEqualsPostgres("lake-replay", "ledger", "id");
        assertThat(count("s3a://lake-replay/bronze/ledger")).isEqualTo(7);
        long silverVersion = io.delta.tables.DeltaTable.forPath(spark, "s3a://lake-replay/silver/ledger").history(1)
                .first().<Long>getAs("version");

        pipeline.processBatch(raw, 0); // the job died after writing, before its checkpoint: Spark replays batch 0
        pipeline.processBatch(raw, 1); // Debezium sent the same events again: new batch, same source positions
        assertThat(count("s3a://lake-replay/bronze/ledger")).isEqualTo(7);
        assertThat(io.delta.tables.DeltaTable.forPath(spark, "s3a://lake-replay/silver/ledger").history(1)
                .first().<Long>getAs("version")).as("silver's version: nothing applied again").isEqualTo(silverVersion);
        assertSilverEqualsPostgres("lake-replay", "ledger", "id");
        Row latest = spark.read().format("delta").load("s3a://lake-replay/silver/ledger").filter("id = 1").first();
        assertThat(latest.<BigDecimal>getAs("amount")).isEqualByComparingTo("11.00");

        // A new process (a restart) goes on at batch 2 with the marks batch 1 wrote down, without
        // reading bronze for them: the same events sent once more are still dropped.
        new CdcPipeline(spark, settings, new SchemaRegistryClient(settings.registry(), Duration.ofSeconds(5)))
                .processBatch(raw, 2);
        assertThat(count("s3a://lake-replay/bronze/ledger")).isEqualTo(7);
        assertSilverEqualsPostgres("lake-replay", "ledger", "id");

        // Both copies in one batch (the producer retried after the broker died): the later ones are dropped.
        ProcessorSettings resend = settings("lake-resend", Map.of());
        new CdcPipeline(spark, resend, new SchemaRegistryClient(resend.registry(), Duration.ofSeconds(5)))
                .processBatch(raw.union(raw.withColumn("offset", raw.col("offset").plus(8))), 0);
        assertThat(count("s3a://lake-resend/bronze/ledger")).isEqualTo(7);
        assertSilverEqualsPostgres("lake-resend", "ledger", "id");
    }

    @Test
    @Order(6)
    void killingTheProcessorMidStreamLosesAndDuplicatesNothing() throws Exception {
        sql("CREATE TABLE counters (id integer PRIMARY KEY, n bigint, touched_at timestamptz);"
                + " ALTER TABLE counters REPLICA IDENTITY FULL;");
        Map<String, String> env = env("lake-kill", Map.of("SERVICE_NAME", "processor-kill", "LOG_CONSOLE", "false"));
        Path statusFile = work.resolve("processor-lake-kill/status.json");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = connection(); Statement s = c.createStatement()) {
                for (int i = 0; writing.get(); i++) {
                    int id = i % 40;
                    s.execute("INSERT INTO counters VALUES (" + id + ", 1, now()) ON CONFLICT (id) DO UPDATE"
                            + " SET n = counters.n + 1, touched_at = now()");
                    if (i % 13 == 0) {
                        s.execute("DELETE FROM counters WHERE id = " + ((i / 13) % 40));
                    }
                    written.incrementAndGet();
                    Thread.sleep(5); // a steady stream of small transactions, not one burst
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        LocalProcess first = startProcessor(env, "processor-kill-1.out");
        try {
            await("the processor applied a few batches", () -> statusLastBatch(statusFile) >= 1);
        } finally {
            first.stop("KILL");
        }
        LocalProcess second = startProcessor(env, "processor-kill-2.out");
        try {
            Thread.sleep(3_000); // the writes go on across the restart: the second process picks up mid-stream
            writing.set(false);
            writer.get();
            assertThat(written.get()).isGreaterThan(100);
            awaitSilverEqualsPostgres("lake-kill", "counters", "id");
            // The second process took the first one's status (or counted it) and went on from there.
            long rows = count("s3a://lake-kill/silver/counters");
            await("the status gives silver.counters' " + rows + " rows", () -> statusSilverRows(statusFile, "counters") == rows);
        } finally {
            second.stop("TERM");
        }
        List<Row> duplicates = spark.read().format("delta").load("s3a://lake-kill/bronze/counters")
                .groupBy("_kafka_partition", "_commit_lsn", "_lsn", "id").count().filter("count > 1").collectAsList();
        assertThat(duplicates).as("bronze events seen twice").isEmpty();
    }

    @Test
    @Order(7)
    void theProcessorRunsOnAStandaloneClusterAndProducesTheSameSilver() throws Exception {
        for (String t : List.of("people", "coupons", "orders", "products")) {
            awaitSilverEqualsPostgres("lake", t, t.equals("coupons") ? "code" : t.equals("people") ? "id"
                    : t.equals("orders") ? "order_id" : "product_id");
        }
        try (EmbeddedSparkCluster cluster = EmbeddedSparkCluster.start(work, logs(), 2, "2g")) {
            Map<String, String> env = env("lake-cluster", Map.of("SPARK_MASTER", cluster.masterUrl(),
                    "PROCESSOR_RUN", "once", "SPARK_EXECUTOR_MEMORY", "1g", "SERVICE_NAME", "processor-cluster",
                    "LOG_CONSOLE", "false"));
            LocalProcess once = startProcessor(env, "processor-cluster.out");
            int exit = once.waitFor(Duration.ofMinutes(5));
            assertThat(exit).as("exit code of the run on the cluster; see processor-cluster.log").isZero();
        }
        assertSilverEqualsPostgres("lake-cluster", "people", "id");
        assertSilverEqualsPostgres("lake-cluster", "coupons", "code");
        assertSilverEqualsPostgres("lake-cluster", "orders", "order_id");
        assertSilverEqualsPostgres("lake-cluster", "products", "product_id");
    }

    @Test
    @Order(8)
    void verifyPassesWhileTheDatabaseChangesAndThenNamesRowsChangedOrCopiedByHandInSilver() throws Exception {
        sql("CREATE TABLE busy (id integer PRIMARY KEY, n bigint); ALTER TABLE busy REPLICA IDENTITY FULL;"
                + " INSERT INTO busy SELECT g, 0 FROM generate_series(1, 50) g;");
        awaitSilverEqualsPostgres("lake", "busy", "id");
        ProcessorSettings s = settings("lake", Map.of());
        Verifier verifier = new Verifier(spark, s, postgres.config(), "it_slot", Duration.ofSeconds(300));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = connection(); Statement st = c.createStatement()) {
                for (int i = 0; writing.get(); i++) {
                    st.execute("UPDATE busy SET n = n + 1 WHERE id = " + (1 + i % 50));
                    if (i % 7 == 0) {
                        st.execute("DELETE FROM busy WHERE id = " + (1 + i % 50) + "; INSERT INTO busy VALUES ("
                                + (1 + i % 50) + ", " + i + ")");
                    }
                    written.incrementAndGet();
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Verifier.Report ok;
        try {
            ok = verifier.run();
        } finally {
            writing.set(false);
            writer.get();
        }
        java.io.ByteArrayOutputStream shown = new java.io.ByteArrayOutputStream();
        assertThat(Verifier.print(ok, new java.io.PrintStream(shown, true, java.nio.charset.StandardCharsets.UTF_8)))
                .as(shown.toString(java.nio.charset.StandardCharsets.UTF_8)).isTrue();
        assertThat(ok.tables()).extracting(Verifier.TableReport::table).contains("people", "orders", "coupons", "page_views", "busy");
        assertThat(written.get()).as("changes written while verify ran").isGreaterThan(10);

        spark.sql("UPDATE delta.`s3a://lake/silver/people` SET name = 'tampered' WHERE id = 1");
        spark.sql("DELETE FROM delta.`s3a://lake/silver/coupons` WHERE code = 'SPRING'");
        // The same row twice: each copy equals bronze at its position, so only counting keys finds it.
        spark.sql("INSERT INTO delta.`s3a://lake/silver/people` SELECT * FROM delta.`s3a://lake/silver/people` WHERE id = 3");
        spark.sql("UPDATE delta.`s3a://lake/history/orders` SET status = 'rewritten' WHERE order_id = 2 AND _is_current");

        Verifier.Report bad = verifier.run();
        assertThat(bad.passed()).isFalse();
        Map<String, Verifier.TableReport> byTable = new HashMap<>();
        bad.tables().forEach(t -> byTable.put(t.table(), t));
        assertThat(byTable.get("people").differences()).containsExactly("key {id=3}: 2 rows in silver",
                "key {id=1}: name: bronze 'twice', silver 'tampered'");
        assertThat(byTable.get("coupons").differences()).containsExactly("key {code=SPRING}: in bronze, missing in silver");
        assertThat(byTable.get("orders").differences()).singleElement().asString()
                .matches("key \\{order_id=2}: status: PostgreSQL '[a-z]+', history 'rewritten'");
        assertThat(byTable.get("busy").equal()).isTrue();
        assertThat(byTable.get("busy").summary()).contains("in history as of");
    }

    @Test
    @Order(9)
    void keyChangesTruncatesAndUnconstrainedNumericsReachSilverExactly() throws Exception {
        sql("""
                CREATE TABLE moves (id integer PRIMARY KEY, v text);
                INSERT INTO moves SELECT g, 'row ' || g FROM generate_series(1, 20) g;
                CREATE TABLE pairs (a integer, b text, v integer, PRIMARY KEY (a, b));
                INSERT INTO pairs VALUES (1, 'x', 1), (1, 'y', 2), (2, 'x', 3);
                CREATE TABLE wipes (id integer PRIMARY KEY, v text);
                INSERT INTO wipes SELECT g, 'old ' || g FROM generate_series(1, 10) g;
                CREATE TABLE wipes_a (id integer PRIMARY KEY);
                CREATE TABLE wipes_b (id integer PRIMARY KEY);
                INSERT INTO wipes_a SELECT generate_series(1, 5);
                INSERT INTO wipes_b SELECT generate_series(1, 5);
                CREATE TABLE amounts (id integer PRIMARY KEY, n numeric, doc jsonb, u uuid, b bytea);
                INSERT INTO amounts VALUES (1, 1.50, '{"a": [1, 2], "b": "ż"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10'),
                  (2, -7, 'null', NULL, ''), (3, 123456789012345678901234567890.123456789012, '[]', NULL, NULL),
                  (4, 0.000001, NULL, NULL, NULL), (5, NULL, NULL, NULL, NULL);
                """);
        for (String t : List.of("moves", "pairs", "wipes", "wipes_a", "wipes_b", "amounts")) {
            sql("ALTER TABLE " + t + " REPLICA IDENTITY FULL");
        }
        awaitSilverEqualsPostgres("lake", "wipes_b", "id");
        awaitSilverEqualsPostgres("lake", "wipes", "id");

        sql("UPDATE moves SET id = id + 100 WHERE id <= 5");
        sql("UPDATE pairs SET b = 'z' WHERE a = 1 AND b = 'x'");
        sql("UPDATE pairs SET a = 3, v = 30 WHERE a = 2");
        sql("BEGIN; TRUNCATE wipes; INSERT INTO wipes VALUES (1, 'after'); COMMIT;");
        sql("TRUNCATE wipes_a, wipes_b");
        sql("INSERT INTO wipes_b VALUES (42)");
        sql("UPDATE amounts SET n = n * 2 WHERE id IN (1, 3)");

        awaitSilverEqualsPostgres("lake", "moves", "id");
        assertThat(count("s3a://lake/silver/moves")).isEqualTo(20);
        awaitSilverEqualsPostgres("lake", "pairs", "a,b");
        awaitSilverEqualsPostgres("lake", "wipes", "id");
        assertThat(count("s3a://lake/silver/wipes")).isEqualTo(1);
        awaitSilverEqualsPostgres("lake", "wipes_a", "id");
        awaitSilverEqualsPostgres("lake", "wipes_b", "id");
        assertThat(count("s3a://lake/silver/wipes_a")).isZero();
        awaitSilverEqualsPostgres("lake", "amounts", "id");
        Row three = spark.read().format("delta").load("s3a://lake/silver/amounts").filter("id = 3").first();
        assertThat(three.<String>getAs("n")).isEqualTo("246913578024691357802469135780.246913578024");
    }

    @Test
    @Order(10)
    void namesThatNeedQuotesKeepTheirExactSpellingInTheLake() throws Exception {
        sql("""
                CREATE TABLE "MixedCase" ("Id" integer PRIMARY KEY, "my col" text, "order" integer, "Über" text);
                CREATE TABLE mixedcase (id integer PRIMARY KEY, v text);
                CREATE TABLE "select table" ("key part" integer, "from" text, n integer, PRIMARY KEY ("key part", "from"));
                ALTER TABLE "MixedCase" REPLICA IDENTITY FULL;
                ALTER TABLE mixedcase REPLICA IDENTITY FULL;
                ALTER TABLE "select table" REPLICA IDENTITY FULL;
                INSERT INTO "MixedCase" VALUES (1, 'a b', 10, 'ü'), (2, NULL, 20, NULL);
                INSERT INTO mixedcase VALUES (1, 'lower'), (2, 'lower too'), (3, 'three');
                INSERT INTO "select table" VALUES (1, 'x', 1), (1, 'y', 2);
                UPDATE "MixedCase" SET "my col" = 'changed', "order" = 11 WHERE "Id" = 1;
                DELETE FROM "select table" WHERE "from" = 'y';
                UPDATE "select table" SET "from" = 'z' WHERE "key part" = 1;
                """);

        awaitSilverEqualsPostgres("lake", "MixedCase", "Id");
        awaitSilverEqualsPostgres("lake", "mixedcase", "id");
        awaitSilverEqualsPostgres("lake", "select table", "key part,from");
        assertThat(count(new LakePaths("s3a://lake").silver("MixedCase"))).isEqualTo(2);
        assertThat(count(new LakePaths("s3a://lake").silver("mixedcase"))).isEqualTo(3);
        assertThat(new LakePaths("s3a://lake").tables(spark, "silver")).contains("MixedCase", "mixedcase", "select table");
        assertThat(spark.read().format("delta").load(new LakePaths("s3a://lake").silver("MixedCase")).columns())
                .startsWith("Id", "my col", "order", "Über");
    }

    @Test
    @Order(11)
    void columnsAddedWithADefaultRenamedDroppedOrWidenedAreRepairedByAReSnapshot() throws Exception {
        sql("""
                CREATE TABLE evolving (id integer PRIMARY KEY, a integer, b text, c integer);
                ALTER TABLE evolving REPLICA IDENTITY FULL;
                INSERT INTO evolving SELECT g, g * 10, 'b' || g, g FROM generate_series(1, 30) g;
                """);
        awaitSilverEqualsPostgres("lake", "evolving", "id");

        // None of these writes the existing rows to the WAL: only the re-snapshot each one asks for brings them.
        sql("ALTER TABLE evolving ADD COLUMN d integer NOT NULL DEFAULT 7");
        sql("ALTER TABLE evolving ADD COLUMN e timestamptz DEFAULT now()");
        sql("ALTER TABLE evolving RENAME COLUMN b TO \"B two\"");
        sql("ALTER TABLE evolving DROP COLUMN c");
        sql("ALTER TABLE evolving ALTER COLUMN a TYPE bigint");
        sql("INSERT INTO evolving (id, a, \"B two\") VALUES (100, 5000000000, 'new')");

        awaitSilverEqualsPostgres("lake", "evolving", "id");
        Dataset<Row> silver = spark.read().format("delta").load(new LakePaths("s3a://lake").silver("evolving"));
        assertThat(silver.filter("d = 7").count()).isEqualTo(31);
        assertThat(silver.schema().apply("a").dataType()).isEqualTo(org.apache.spark.sql.types.DataTypes.LongType);
    }

    @Test
    @Order(12)
    void arraysEnumsAndIntervalsReachSilverExactlyAndVerifyComparesThem() throws Exception {
        sql("""
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
                CREATE TABLE kinds (id integer PRIMARY KEY, tags text[], scores integer[], m mood, wait interval);
                ALTER TABLE kinds REPLICA IDENTITY FULL;
                INSERT INTO kinds VALUES (1, '{a,"b c",NULL}', '{1,2,3}', 'ok', '1 year 2 mons 3 days 04:05:06.78'),
                  (2, '{}', NULL, 'sad', '-1 days +02:00:00'), (3, NULL, '{-7}', NULL, '0'),
                  (4, '{ż}', '{}', 'happy', '30:00:00.000001'), (5, NULL, NULL, NULL, NULL);
                """);
        awaitSilverEqualsPostgres("lake", "kinds", "id");
        sql("UPDATE kinds SET tags = array_append(tags, 'd'), m = 'happy', wait = wait + interval '1 month' WHERE id IN (1, 2)");
        sql("DELETE FROM kinds WHERE id = 3");
        sql("INSERT INTO kinds VALUES (6, '{x}', '{0}', 'sad', '-1 year -2 mons -00:00:00.5')");
        awaitSilverEqualsPostgres("lake", "kinds", "id");

        Dataset<Row> silver = spark.read().format("delta").load("s3a://lake/silver/kinds");
        assertThat(silver.filter("id = 1").first().<String>getAs("wait")).isEqualTo("P1Y3M3DT4H5M6.78S");
        assertThat(silver.filter("id = 6").first().<String>getAs("wait")).isEqualTo("P-1Y-2MT-0.5S");
        assertThat(silver.filter("id = 1").first().<String>getAs("m")).isEqualTo("happy");
        assertThat(silver.filter("id = 1").first().getList(silver.first().fieldIndex("tags")))
                .containsExactly("a", "b c", null, "d");
        Verifier.Report report = new Verifier(spark, settings("lake", Map.of()), postgres.config(), "it_slot",
                Duration.ofSeconds(300)).run();
        // And every other table: those truncated in test 9 (silver rightly lacks the rows from before
        // each TRUNCATE), those changed in tests 10 and 11; all but the three test 8 changed by hand.
        assertThat(report.tables()).extracting(Verifier.TableReport::table).contains("kinds", "wipes", "wipes_a", "wipes_b",
                "evolving", "MixedCase");
        for (Verifier.TableReport t : report.tables()) {
            if (!List.of("people", "coupons", "orders").contains(t.table())) {
                assertThat(t.equal()).as(t.table() + ": " + t.summary() + " " + t.differences()).isTrue();
            }
        }
    }

    @Test
    @Order(13)
    void aChangeTheLakeCannotFollowStopsThatTableOnlyUntilItIsRebuilt() throws Exception {
        sql("""
                CREATE TABLE shifty (id integer PRIMARY KEY, v text);
                ALTER TABLE shifty REPLICA IDENTITY FULL;
                INSERT INTO shifty SELECT g, (g * 10)::text FROM generate_series(1, 10) g;
                """);
        awaitSilverEqualsPostgres("lake", "shifty", "id");

        // Text to integer: silver's column holds text, and cannot hold both.
        sql("ALTER TABLE shifty ALTER COLUMN v TYPE integer USING v::integer; INSERT INTO shifty VALUES (11, 110)");
        String stop = "s3a://lake/" + io.minidp.common.lake.LakeLayout.stoppedKey("shifty");
        await("the apply of shifty stops", () -> LakePaths.exists(spark, stop));
        java.sql.Timestamp beforeLast = java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(1));
        sql("UPDATE people SET name = 'still going' WHERE id = 2; INSERT INTO shifty VALUES (12, 120)");
        await("the other tables go on", () -> "still going".equals(spark.read().format("delta")
                .load("s3a://lake/silver/people").filter("id = 2").first().<String>getAs("name")));
        // Nothing is lost meanwhile: the change that stopped it and those after it (the insert
        // above, the re-snapshot the type change asked for) are kept in bronze._rejected with
        // their bytes; every record of its topic is in its bronze or kept there, once.
        String keptAt = "s3a://lake/bronze/" + LakePaths.REJECTED;
        await("the insert after the stop is kept in bronze._rejected", () -> LakePaths.exists(spark, keptAt)
                && spark.read().format("delta").load(keptAt).filter("_kafka_topic = 'it.public.shifty'")
                        .filter(org.apache.spark.sql.functions.col("_kafka_timestamp").geq(beforeLast)).count() > 0);
        Dataset<Row> kept = spark.read().format("delta").load(keptAt).filter("_kafka_topic = 'it.public.shifty'");
        Dataset<Row> offsets = kept.select("_kafka_offset")
                .union(spark.read().format("delta").load("s3a://lake/bronze/shifty").select("_kafka_offset"));
        await("every record of shifty's topic is in its bronze or kept", () -> offsets.count() == spark.read()
                .format("kafka").option("kafka.bootstrap.servers", kafka.bootstrapServers())
                .option("subscribe", "it.public.shifty").option("startingOffsets", "earliest").load()
                .filter("value IS NOT NULL").count());
        assertThat(offsets.distinct().count()).isEqualTo(offsets.count());
        for (Row r : kept.collectAsList()) {
            assertThat(r.<String>getAs("_reason")).startsWith("the apply of shifty is stopped (since batch ")
                    .contains("./platform resnapshot --rebuild shifty");
            assertThat(r.<byte[]>getAs("value")).isNotEmpty();
        }
        assertThat(spark.read().format("delta").load("s3a://lake/bronze/shifty").filter("id > 10").count()).isZero();
        Path status = settings("lake", Map.of()).statusFile();
        await("status names the stopped table", () -> Files.readString(status).contains("stopped at batch"));
        assertThat(Files.readString(status)).contains("./platform resnapshot --rebuild shifty");

        // What ./platform resnapshot --rebuild shifty does: ask for the rebuild, then the re-snapshot.
        org.apache.hadoop.fs.Path request = new org.apache.hadoop.fs.Path("s3a://lake/"
                + io.minidp.common.lake.LakeLayout.rebuildKey("shifty"));
        try (var out = request.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(request, true)) {
            out.write("{\"table\": \"shifty\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        await("the processor takes the rebuild", () -> !LakePaths.exists(spark, request.toString()));
        assertThat(LakePaths.exists(spark, stop)).isFalse();
        try (Connection c = connection()) {
            io.minidp.common.cdc.Signals.requestSnapshot(c, List.of("shifty"));
        }
        awaitSilverEqualsPostgres("lake", "shifty", "id");
        assertThat(spark.read().format("delta").load("s3a://lake/silver/shifty").schema().apply("v").dataType())
                .isEqualTo(org.apache.spark.sql.types.DataTypes.IntegerType);
    }

    @Test
    @Order(14)
    void theQueryServiceAnswersReadOnlySqlAndSeesNewTablesAndVersionsWithoutARestart() throws Exception {
        // Test 8 changed silver.people by hand on purpose: wait for this row, not the whole table.
        sql("UPDATE people SET name = 'asked in csv' WHERE id = 2");
        await("silver.people has the new name of id 2", () -> "asked in csv".equals(spark.read().format("delta")
                .load("s3a://lake/silver/people").filter("id = 2").first().<String>getAs("name")));
        awaitSilverEqualsPostgres("lake", "orders", "order_id");
        int port = EmbeddedPostgres.freePort();
        int consolePort = EmbeddedPostgres.freePort();
        Map<String, String> env = new HashMap<>(env("lake", Map.of("QUERY_PORT", Integer.toString(port),
                "SERVICE_NAME", "query-service", "PROCESSOR_WORK_DIR", work.resolve("query-service").toString())));
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        // What its console and its verify ask the other parts.
        PostgresConfig pg = postgres.config();
        env.putAll(Map.of("CONSOLE_PORT", Integer.toString(consolePort), "POSTGRES_HOST", pg.host(),
                "POSTGRES_PORT", Integer.toString(pg.port()), "POSTGRES_DB", pg.database(), "POSTGRES_USER", pg.user(),
                "POSTGRES_PASSWORD", pg.password().value(), "KAFKA_CONNECT_URL", connect.url(), "CDC_CONNECTOR_NAME", "it",
                "CDC_SLOT", "it_slot"));
        Path home = EmbeddedKafka.home();
        List<String> command = SparkJvm.java("1g", List.of(SparkJvm.processorJar(home).toString(),
                SparkJvm.libDir(home) + "/*"), "io.minidp.processor.query.QueryService", List.of());
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI base = java.net.URI.create("http://127.0.0.1:" + port);
        LocalProcess service = LocalProcess.startReady("the query service", command, env, logs().resolve("query-service.out"),
                Duration.ofMinutes(3), () -> io.minidp.common.app.HttpProbe.ok(base.resolve("/health"), Duration.ofSeconds(5)));
        try {
            long orders = pgCount("orders");
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    post(http, base, "json", "SELECT count(*) AS n FROM silver.orders").body());
            assertThat(json.path("columns").toString()).isEqualTo("[{\"name\":\"n\",\"type\":\"bigint\"}]");
            assertThat(json.path("rows").get(0).path("n").asLong()).isEqualTo(orders);

            var csv = post(http, base, "csv", "SELECT id, name FROM silver.people WHERE id = 2");
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
            assertThat(csv.body()).isEqualTo("id,name\r\n2,asked in csv\r\n");
            await("history.people's current version of id 2", () -> post(http, base, "csv",
                    "SELECT name FROM history.people WHERE id = 2 AND _is_current").body().equals("name\r\nasked in csv\r\n"));
            assertThat(post(http, base, "table", "SHOW TABLES IN silver").body()).containsPattern("\\|\\s*silver\\|\\s*orders\\|");

            var refused = post(http, base, "table", "DELETE FROM silver.orders");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).startsWith("error: refused: the lake is read-only here");
            assertThat(post(http, base, "json", "SELECT count(*) AS n FROM silver.orders").body()).contains("\"n\":" + orders);

            var file = post(http, base, "table", "SELECT * FROM text.`/etc/hostname`");
            assertThat(file.statusCode()).as(file.body()).isEqualTo(400);
            assertThat(post(http, base, "table", "SELECT java_method('java.lang.System', 'exit', 0)").statusCode()).isEqualTo(403);

            var bad = post(http, base, "table", "SELECT * FROM silver.no_such_table");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("no_such_table").contains("The lake's tables: ").contains("silver.orders");

            // ./platform verify in the service's warm JVM: progress, the report, then the exit code, as they happen.
            // Test 8 changed silver.people by hand: the service finds what it found (PlatformIT sees it pass).
            var verified = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/verify?timeout=300"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("people")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(verified.statusCode()).isEqualTo(200);
            assertThat(verified.body()).contains("P verify: PostgreSQL as of LSN ").containsPattern("(?m)^R people +DIFFERENT ")
                    .contains("R     key {id=3}: 2 rows in silver\n")
                    .contains("R     key {id=1}: name: bronze 'twice', silver 'tampered'\n")
                    .contains("R verify: FAILED\n").endsWith("X 1\n");
            var missing = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/verify"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("no_such_table")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(missing.body()).contains("P verify: Nothing was verified: there is no table no_such_table")
                    .endsWith("X 1\n");
            var badTimeout = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/verify?timeout=0"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(badTimeout.statusCode()).isEqualTo(400);
            assertThat(badTimeout.body()).startsWith("error: timeout must be a number of seconds from 1 to 86400");

            // The console beside it: what it shows comes from the parts themselves.
            java.net.URI overview = java.net.URI.create("http://127.0.0.1:" + consolePort + "/api/overview");
            // Its first samples come before Debezium's notifications are read: wait for both panels.
            await("the console's overview lists the lake's tables and their snapshots", () -> {
                var seen = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(java.net.http.HttpRequest
                        .newBuilder(overview).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                return seen.path("tables").findValuesAsText("table").contains("orders")
                        && seen.path("snapshots").findValuesAsText("table").contains("orders");
            });
            var o = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(java.net.http.HttpRequest
                    .newBuilder(overview).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            assertThat(o.path("connector").path("state").asText()).isEqualTo("RUNNING");
            assertThat(o.path("slots").findValuesAsText("name")).contains("it_slot");
            assertThat(o.path("services").toString()).contains("{\"name\":\"kafka\",\"address\":\"" + kafka.bootstrapServers()
                    + "\",\"state\":\"healthy\"");
            assertThat(o.path("snapshots").findValuesAsText("table")).contains("orders");

            // A table that did not exist when the service started, then a new version of it.
            sql("CREATE TABLE late_arrival (id integer PRIMARY KEY, v text);"
                    + " INSERT INTO late_arrival SELECT g, 'v' || g FROM generate_series(1, 3) g");
            awaitSilverEqualsPostgres("lake", "late_arrival", "id");
            assertThat(post(http, base, "csv", "SELECT count(*) AS n FROM silver.late_arrival").body()).isEqualTo("n\r\n3\r\n");
            sql("UPDATE late_arrival SET v = 'changed' WHERE id = 2");
            awaitSilverEqualsPostgres("lake", "late_arrival", "id");
            assertThat(post(http, base, "csv", "SELECT v FROM silver.late_arrival WHERE id = 2").body())
                    .isEqualTo("v\r\nchanged\r\n");
            assertThat(service.isAlive()).isTrue();
        } finally {
            service.stop("TERM");
        }
    }

    @Test
    @Order(15)
    void wideDecimalsMoneyJsonAndLargeValuesLeftAloneReachSilverExactlyAndADroppedTableStays() throws Exception {
        // big: wider than any Spark decimal; cash: money, which Debezium sends with no precision (so 64);
        // body: incompressible, so PostgreSQL keeps it out of line (TOAST) and an update that leaves
        // it alone does not write it to the WAL again.
        sql("""
                CREATE TABLE wide (id integer PRIMARY KEY, big numeric(50,10), cash money, doc json, body text, n integer);
                ALTER TABLE wide REPLICA IDENTITY FULL;
                INSERT INTO wide VALUES
                  (1, 1234567890123456789012345678901234567890.0123456789, 1234.56, '{"a": [1, 2.50]}',
                   (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g), 0),
                  (2, -0.0000000001, -0.05, '[]', 'short', 0),
                  (3, NULL, NULL, NULL, NULL, NULL);
                CREATE TABLE dropped (id integer PRIMARY KEY, v text);
                INSERT INTO dropped VALUES (1, 'a'), (2, 'b'), (3, 'c');
                """);
        assertThat(query("SELECT pg_column_size(body) > 4000 AS out_of_line FROM wide WHERE id = 1").get(0))
                .containsEntry("out_of_line", "true");
        await("silver.dropped has its 3 rows", () -> count("s3a://lake/silver/dropped") == 3);
        sql("DROP TABLE dropped");
        sql("UPDATE wide SET n = n + 1");
        sql("UPDATE wide SET big = big * 2, cash = cash * 3 WHERE id = 1");
        String expected = "SELECT id, big::text AS big, cash::numeric::text AS cash, doc::text AS doc, body, n FROM wide ORDER BY id";
        List<Map<String, String>> pg = query(expected);
        assertThat(pg.get(0)).containsEntry("big", "2469135780246913578024691357802469135780.0246913578")
                .containsEntry("cash", "3703.68").containsEntry("n", "1");
        await("silver.wide equals PostgreSQL, the large value kept through updates that left it alone", () -> {
            if (count("s3a://lake/silver/wide") != 3) {
                return false;
            }
            List<Map<String, String>> lake = new ArrayList<>();
            for (Row r : spark.read().format("delta").load("s3a://lake/silver/wide")
                    .selectExpr("id", "big", "cash", "doc", "body", "n").orderBy("id").collectAsList()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (String c : List.of("id", "big", "cash", "doc", "body", "n")) {
                    row.put(c, r.isNullAt(r.fieldIndex(c)) ? null : normalize(r.get(r.fieldIndex(c))));
                }
                lake.add(row);
            }
            return lake.equals(pg);
        });
        // What the lake then holds, by type: exact text where Spark has no decimal wide enough.
        org.apache.spark.sql.types.StructType silver = spark.read().format("delta").load("s3a://lake/silver/wide").schema();
        assertThat(silver.apply("big").dataType()).isEqualTo(org.apache.spark.sql.types.DataTypes.StringType);
        assertThat(silver.apply("cash").dataType()).isEqualTo(org.apache.spark.sql.types.DataTypes.StringType);
        // A dropped table: the lake keeps what it had, and the stream goes on.
        assertThat(count("s3a://lake/silver/dropped")).isEqualTo(3);
        assertThat(stream.isActive()).isTrue();

        // verify reads both from PostgreSQL as the lake keeps them; asked for a table that is gone, it compares nothing.
        Verifier.Report report = new Verifier(spark, settings("lake", Map.of()), postgres.config(), "it_slot",
                Duration.ofSeconds(300)).only(java.util.Set.of("wide")).run();
        assertThat(report.tables()).extracting(Verifier.TableReport::table).containsExactly("wide");
        assertThat(report.passed()).as(report.tables().get(0).summary() + " " + report.tables().get(0).differences()).isTrue();
        assertThatThrownBy(() -> new Verifier(spark, settings("lake", Map.of()), postgres.config(), "it_slot",
                Duration.ofSeconds(300)).only(java.util.Set.of("wide", "dropped")).run())
                .hasMessageStartingWith("Nothing was verified: there is no table dropped in schema public (its tables: ");
    }

    private static java.net.http.HttpResponse<String> post(java.net.http.HttpClient http, java.net.URI base, String format,
                                                           String sql) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/query?format=" + format))
                .timeout(Duration.ofMinutes(2)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(sql)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static long pgCount(String table) throws Exception {
        try (Connection c = connection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static LocalProcess startProcessor(Map<String, String> env, String out) {
        Path home = EmbeddedKafka.home();
        Map<String, String> withLocalIp = new HashMap<>(env);
        withLocalIp.put("SPARK_LOCAL_IP", "127.0.0.1");
        List<String> command = SparkJvm.java("1g", List.of(SparkJvm.processorJar(home).toString(),
                SparkJvm.libDir(home) + "/*"), "io.minidp.processor.Main", List.of());
        return LocalProcess.start("the processor", command, withLocalIp, logs().resolve(out));
    }

    private static long statusLastBatch(Path statusFile) {
        try {
            if (!Files.exists(statusFile)) {
                return -1;
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(statusFile.toFile()).path("lastBatch").asLong(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static long statusSilverRows(Path statusFile, String table) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(statusFile.toFile()).path("tables").path(table)
                    .path("silverRows").asLong(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** The topic's records, read as a batch once it holds {@code expected} of them. */
    private static Dataset<Row> rawTopic(String topic, int expected) throws Exception {
        Dataset<Row>[] raw = new Dataset[1];
        await(topic + " holds " + expected + " records", () -> {
            try {
                raw[0] = spark.read().format("kafka").option("kafka.bootstrap.servers", kafka.bootstrapServers())
                        .option("subscribe", topic).option("startingOffsets", "earliest").load();
                return raw[0].count() == expected;
            } catch (Exception e) {
                return false; // Debezium has not created the topic yet
            }
        });
        return raw[0];
    }

    private static long count(String path) {
        return io.delta.tables.DeltaTable.isDeltaTable(spark, path) ? spark.read().format("delta").load(path).count() : -1;
    }

    private static void awaitSilverEqualsPostgres(String bucket, String table, String key) throws Exception {
        String[] last = new String[1];
        try {
            await("silver." + table + " in " + bucket + " equals PostgreSQL", () -> {
                last[0] = differences(bucket, table, key);
                return last[0].isEmpty();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + System.lineSeparator() + last[0], e);
        }
    }

    private static void assertSilverEqualsPostgres(String bucket, String table, String key) throws Exception {
        assertThat(differences(bucket, table, key)).isEmpty();
    }

    /** Empty when silver holds exactly PostgreSQL's rows, every PostgreSQL column equal; else the first differences. */
    private static String differences(String bucket, String table, String key) throws Exception {
        String path = new LakePaths("s3a://" + bucket).silver(table);
        if (!io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
            return "no silver table yet";
        }
        List<Map<String, String>> pgRows = query("SELECT * FROM \"" + table + "\"");
        List<String> keyColumns = List.of(key.split(","));
        Map<String, Map<String, String>> expected = new TreeMap<>();
        pgRows.forEach(r -> expected.put(keyColumns.stream().map(r::get).toList().toString(), r));
        Map<String, Map<String, String>> actual = new TreeMap<>();
        Dataset<Row> silver = spark.read().format("delta").load(path);
        List<String> silverColumns = List.of(silver.columns());
        List<Row> silverRows;
        try {
            silverRows = silver.collectAsList();
        } catch (Exception e) {
            if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
                throw e;
            }
            return "silver's schema changed while it was read: " + e.getMessage().lines().findFirst().orElse("");
        }
        for (Row r : silverRows) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String c : expected.isEmpty() ? List.<String>of() : expected.values().iterator().next().keySet()) {
                m.put(c, silverColumns.contains(c) ? normalize(r.getAs(c)) : "<no column>");
            }
            actual.put(keyColumns.stream().map(k -> normalize(r.getAs(k))).toList().toString(), m);
        }
        List<String> diffs = new ArrayList<>();
        for (String k : expected.keySet()) {
            if (!actual.containsKey(k)) {
                diffs.add("missing in silver: " + k);
            } else if (!expected.get(k).equals(actual.get(k))) {
                diffs.add("key " + k + ": PostgreSQL " + abbreviate(expected.get(k)) + " silver " + abbreviate(actual.get(k)));
            }
        }
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> diffs.add("only in silver: " + k));
        return String.join(System.lineSeparator(), diffs.subList(0, Math.min(diffs.size(), 10)));
    }

    private static String abbreviate(Map<String, String> row) {
        String s = row.toString();
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private static List<Map<String, String>> query(String sql) throws Exception {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            // Intervals as ISO 8601, the form the lake keeps.
            s.execute("SET intervalstyle = 'iso_8601'");
            return rows(s.executeQuery(sql));
        }
    }

    private static List<Map<String, String>> rows(ResultSet rs) throws Exception {
        try (rs) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, String>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = switch (md.getColumnTypeName(i)) {
                        case "interval" -> rs.getString(i);
                        case "timestamptz" -> rs.getObject(i, OffsetDateTime.class);
                        case "timestamp" -> rs.getObject(i, LocalDateTime.class);
                        case "date" -> rs.getObject(i, LocalDate.class);
                        default -> rs.getObject(i);
                    };
                    row.put(md.getColumnName(i), normalize(v));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** One text form for a value from PostgreSQL (JDBC) or from Spark, exact for every type in these tests. */
    private static String normalize(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (v instanceof BigDecimal d) {
            // Debezium carries a numeric's value, not its written scale: 3.00 without a precision arrives as 3.
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof java.sql.Array a) {
            try {
                return java.util.Arrays.stream((Object[]) a.getArray()).map(LakeIT::normalize).toList().toString();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        if (v instanceof scala.collection.Seq<?> seq) {
            return scala.jdk.javaapi.CollectionConverters.asJava(seq).stream().map(LakeIT::normalize).toList().toString();
        }
        if (v instanceof Short || v instanceof Integer || v instanceof Long) {
            return Long.toString(((Number) v).longValue());
        }
        return v.toString();
    }

    private static Connection connection() throws Exception {
        PostgresConfig pg = postgres.config();
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
    }

    private static void sql(String statements) throws Exception {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.execute(statements);
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!check.holds()) {
            assertThat(System.nanoTime()).as(what + " within " + AWAIT.toSeconds() + " s").isLessThan(deadline);
            Thread.sleep(500);
        }
    }
}
