package io.minidp.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.minidp.common.app.PlatformException;
import io.minidp.common.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner as a user drives it: up, status, sql, restart, down, up again, down --wipe, with the
 * real embedded PostgreSQL and the data-initializer jar built earlier in this build.
 */
class PlatformIT {

    private static final Path HOME = TestPlatform.HOME;

    @TempDir
    Path state;
    private TestPlatform platform;
    private Map<String, String> env;
    private Map<String, String> validEnv;

    @BeforeEach
    void environment() {
        platform = new TestPlatform(state);
        env = platform.env;
        validEnv = Map.copyOf(env);
    }

    @AfterEach
    void stopEverything() {
        env.clear();
        env.putAll(validEnv);
        run("down");
    }

    private String run(String... args) {
        return platform.run(args);
    }

    private static String statusLine(String status, String service) {
        return status.lines().filter(l -> l.startsWith(service + " ")).findFirst().orElseThrow();
    }

    @Test
    void upStatusSqlRestartDownUpKeepsTheDataAndWipeDeletesIt() throws Exception {
        String up = run("up", "data-initializer");
        assertThat(up).contains("postgres               healthy (127.0.0.1:" + env.get("POSTGRES_PORT") + ")")
                .contains("data-initializer | ").contains("orders: created, 10000 rows loaded")
                .contains("data-initializer       done (exit code 0)")
                .doesNotContain("data-generator");

        String status = run("status");
        assertThat(statusLine(status, "postgres")).contains("running, healthy");
        assertThat(statusLine(status, "kafka")).contains("not started");
        assertThat(statusLine(status, "data-initializer")).contains("exited (code 0)");
        assertThat(statusLine(status, "data-generator")).contains("not started");

        assertThat(run("sql", "SELECT count(*) AS n FROM orders")).isEqualTo("n\n-----\n10000\n(1 row)\n");
        assertThat(run("sql", "SELECT count(*) AS n FROM customers")).contains("\n1000\n");
        assertThat(run("sql", "SELECT count(*) AS n FROM products")).contains("\n200\n");

        assertThat(run("restart", "data-initializer"))
                .contains("Nothing to do: all 3 tables already exist with the shape of their files");

        // The whole fleet: the generator joins and the shop starts changing.
        assertThat(run("up")).contains("data-generator         healthy in")
                .contains("kafka                  healthy (" + env.get("KAFKA_BOOTSTRAP_SERVERS") + ")")
                .contains("schema-registry        healthy (" + env.get("SCHEMA_REGISTRY_URL") + ")")
                .contains("kafka-connect          healthy (" + env.get("KAFKA_CONNECT_URL") + ")")
                .contains("s3                     healthy (" + env.get("S3_ENDPOINT") + "/it-lake)")
                .contains("Connector it-postgres and its 1 task(s) are RUNNING")
                .contains("debezium-configurator  done (exit code 0)");
        String fleet = run("status");
        assertThat(statusLine(fleet, "data-generator")).contains("running, healthy");
        assertThat(statusLine(fleet, "kafka-consumer")).contains("running, healthy");
        assertThat(fleet).contains("connector it-postgres: RUNNING, tasks: 0 RUNNING");
        awaitOrdersAbove(10000);
        // Debezium's snapshots, per table, from its notifications.
        assertThat(run("status")).contains("orders: initial snapshot: done, 10,000 rows read (")
                .contains("products: initial snapshot: done, 200 rows read (");

        // A change made by hand comes out of the other end decoded.
        run("sql", "INSERT INTO products (product_id, sku, name, price, stock) VALUES (100001, 'SKU-IT', 'Ünïcode probe', 1.25, 3)");
        awaitLogLine("kafka-consumer", "it.public.products c key={\"product_id\": 100001}");

        // The lake equals PostgreSQL while the generator writes: verify compares both as of one point.
        assertThat(statusLine(fleet, "spark-processor")).contains("running, healthy");
        // A busy 2-core machine with the generator at 200 events/s: room for the processor to catch up to the view.
        env.put("VERIFY_TIMEOUT_SECONDS", "300");
        long verifyStarted = System.nanoTime();
        String live = run("verify");
        System.out.printf("PlatformIT: ./platform verify with the generator writing took %.0f s%n",
                (System.nanoTime() - verifyStarted) / 1e9);
        assertThat(live).contains("verify: the lake equals PostgreSQL").containsPattern("(?m)^orders +EQUAL")
                .containsPattern("(?m)^customers +EQUAL").containsPattern("(?m)^products +EQUAL").doesNotContain("DIFFERENT");
        assertThat(statusLine(run("status"), "data-generator")).contains("running, healthy");

        // Once the generator stops, silver.orders holds exactly PostgreSQL's orders.
        run("down", "data-generator");
        String pgOrders = run("sql", "SELECT count(*) AS n FROM orders").split("\n")[2].strip();
        awaitQueryCount("SELECT count(*) AS n FROM silver.orders", pgOrders);
        assertThat(run("status")).containsPattern("orders +\\d+ +\\d+ +[\\d,]+ +\\d+ (s|min) ago");

        // The console, in a real browser: every part green, the freshness chart drawn, the lake's
        // tables listed, a statement answered exactly and a bad one explained.
        URI consoleUri = URI.create("http://127.0.0.1:" + env.get("CONSOLE_PORT") + "/");
        assertThat(run("status")).contains("console: " + consoleUri);
        JsonNode page = ConsoleCheck.run(consoleUri, "console.png", "SELECT count(*) AS n FROM silver.orders",
                "SELECT * FROM silver.no_such_table", List.of("postgres", "kafka", "schema-registry", "kafka-connect",
                        "object store", "kafka-consumer", "spark-processor"));
        assertThat(page.path("allHealthy").asBoolean()).as("every part healthy in the console: %s", page.path("services")).isTrue();
        assertThat(page.path("services").findValuesAsText("service")).contains("data-generator", "query-service");
        assertThat(page.path("tables").toString()).contains("\"orders\"", "\"customers\"", "\"products\"");
        assertThat(page.path("chartLines").asInt()).isPositive();
        assertThat(page.path("snapshots").toString())
                .contains("{\"table\":\"orders\",\"state\":\"done\",\"text\":\"initial snapshot: done, 10,000 rows read (");
        assertThat(page.path("columns").toString()).isEqualTo("[\"n\"]");
        assertThat(page.path("rows").toString()).isEqualTo("[[\"" + pgOrders + "\"]]");
        assertThat(page.path("error").asText()).isEmpty();
        assertThat(page.path("badError").asText()).contains("no_such_table").contains("silver.orders");
        assertThat(page.path("consoleErrors").size()).as("errors in the page: %s", page.path("consoleErrors")).isZero();
        assertThat(ConsoleCheck.SCREENSHOTS.resolve("console.png")).isNotEmptyFile();

        // A re-snapshot by hand: Debezium re-reads the table while streaming goes on; the lake stays exact.
        // A table that is missing or has no key is refused, and nothing is signalled.
        run("sql", "CREATE TABLE keyless (note text); INSERT INTO keyless VALUES ('no key')");
        String signals = run("sql", "SELECT count(*) AS n FROM minidp_cdc.debezium_signal");
        assertThatThrownBy(() -> run("resnapshot", "no_such_table")).isInstanceOf(PlatformException.class)
                .hasMessageStartingWith("Nothing was re-snapshotted: there is no table no_such_table in schema public");
        assertThatThrownBy(() -> run("resnapshot", "products", "keyless")).isInstanceOf(PlatformException.class)
                .hasMessage("Nothing was re-snapshotted: table keyless has no primary key: Debezium re-reads a table in key"
                        + " order, and the lake keeps a table without a key in bronze only. Add a primary key to re-read it.");
        assertThat(run("sql", "SELECT count(*) AS n FROM minidp_cdc.debezium_signal")).isEqualTo(signals);
        assertThat(run("resnapshot", "products")).contains("Asked Debezium to re-read [products]")
                .contains("products: done, 201 rows read (201 in PostgreSQL when asked)");
        assertThat(run("status")).contains("products: re-snapshot: done, 201 rows read (");
        assertThat(run("verify")).contains("verify: the lake equals PostgreSQL").doesNotContain("DIFFERENT");
        // Each re-read row is in bronze once, as a read of its own (no transaction), and no change is there twice.
        assertThat(run("query", "--format", "csv", "SELECT count(*) AS reads FROM bronze.products"
                + " WHERE _op = 'r' AND _tx_id IS NULL")).isEqualTo("reads\r\n201\r\n");
        assertThat(run("query", "--format", "csv", "SELECT count(*) AS twice FROM (SELECT product_id, _op, _commit_lsn, _lsn"
                + " FROM bronze.products GROUP BY product_id, _op, _commit_lsn, _lsn HAVING count(*) > 1) AS t"))
                .isEqualTo("twice\r\n0\r\n");

        // A primary key changed: that table's apply stops, status and verify say so and how to resume,
        // and ./platform resnapshot --rebuild brings it back, exact, with its new key.
        run("sql", "CREATE TABLE rekeyed (id integer PRIMARY KEY, code text NOT NULL);"
                + " INSERT INTO rekeyed SELECT g, 'c' || g FROM generate_series(1, 20) g");
        awaitQueryCount("SELECT count(*) AS n FROM silver.rekeyed", "20");
        run("sql", "ALTER TABLE rekeyed DROP CONSTRAINT rekeyed_pkey, ADD PRIMARY KEY (id, code);"
                + " INSERT INTO rekeyed VALUES (21, 'c21'); UPDATE rekeyed SET code = 'x1' WHERE id = 1");
        platform.awaitLogLine("spark-processor", "the apply of rekeyed stopped", 0, Duration.ofMinutes(2));
        // The log line comes first; status is rewritten when that batch ends.
        long statusBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!run("status").contains("STOPPED")) {
            assertThat(System.nanoTime()).as("status shows rekeyed STOPPED within 30 s").isLessThan(statusBy);
            Thread.sleep(1000);
        }
        assertThat(run("status")).contains("its primary key changed from (id) to (id, code)")
                .contains("./platform resnapshot --rebuild rekeyed");
        TestPlatform.Result stoppedVerify = platform.attempt("verify");
        assertThat(stoppedVerify.code()).isEqualTo(1);
        assertThat(stoppedVerify.output()).containsPattern("rekeyed +DIFFERENT +its apply is stopped")
                .containsPattern("orders +EQUAL");
        assertThat(run("resnapshot", "--rebuild", "rekeyed"))
                .contains("rekeyed: its bronze, silver and history are archived")
                .contains("rekeyed: done, 21 rows read (21 in PostgreSQL when asked)");
        awaitQueryCount("SELECT count(*) AS n FROM silver.rekeyed WHERE code = 'x1' OR id = 21", "2");
        assertThat(run("status")).doesNotContain("STOPPED");
        assertThat(run("verify")).containsPattern("rekeyed +EQUAL").contains("verify: the lake equals PostgreSQL");

        assertThat(run("query", "SELECT count(*) AS n FROM gold.daily_product_sales WHERE revenue > 0"))
                .containsPattern("\\|\\s*n\\|").containsPattern("\\|\\s*[1-9]\\d*\\|");
        // Answered by the query service, which only reads.
        assertThat(statusLine(run("status"), "query-service")).contains("running, healthy");
        assertThat(run("query", "--format", "csv", "SELECT count(*) AS n FROM silver.orders")).isEqualTo("n\r\n" + pgOrders + "\r\n");
        assertThatThrownBy(() -> run("query", "DROP TABLE silver.orders")).isInstanceOf(PlatformException.class)
                .hasMessageStartingWith("refused: the lake is read-only here (the statement is drop table)");
        assertThat(run("query", "--format=json", "SELECT count(*) AS n FROM silver.orders")).contains("\"rows\":[{\"n\":" + pgOrders + "}]");
        // Verify ran in the query service so far; without it, in a Spark of its own, with the same answer.
        run("down", "query-service");
        assertThat(run("verify", "rekeyed")).containsPattern("rekeyed +EQUAL").contains("verify: the lake equals PostgreSQL");

        // Status shows the WAL the connector's slot holds back; removing the connector drops the slot too.
        assertThat(run("status")).containsPattern("slot " + env.get("CDC_SLOT") + " \\(logical, active\\): holds back ");
        assertThat(run("connector", "delete")).contains("The connector, its offsets and its replication slot are gone.");
        assertThat(platform.sqlNumber("SELECT count(*) FROM pg_replication_slots")).isZero();

        run("sql", "CREATE TABLE kept_across_restarts (note text); INSERT INTO kept_across_restarts VALUES ('still here')");
        run("down");
        String stopped = run("status");
        assertThat(statusLine(stopped, "postgres")).contains("stopped");
        assertThat(statusLine(stopped, "data-generator")).contains("stopped");
        assertThat(statusLine(stopped, "kafka")).contains("stopped");
        assertThat(statusLine(stopped, "schema-registry")).contains("stopped");
        assertThat(statusLine(stopped, "kafka-connect")).contains("stopped");
        assertThat(statusLine(stopped, "s3")).contains("stopped");
        assertThat(state.resolve("data/s3/buckets/it-lake")).isDirectory();
        assertThat(statusLine(stopped, "kafka-consumer")).contains("stopped");
        assertThat(Files.readString(state.resolve("logs/data-generator.log"))).contains("Summary: ");
        // Each stop of the processor ended its stream and its lake-writer before Spark stopped, and
        // within the runner's grace: it ended on its TERM (143), not killed after the grace (137).
        assertThat(Files.readString(state.resolve("logs/spark-processor.log")))
                .contains("spark-processor finished with exit code 0")
                .doesNotContain("No active or default Spark session found")
                .doesNotContain("Cannot call methods on a stopped SparkContext");
        assertThat(Files.readString(state.resolve("data/run/spark-processor.exit")).strip())
                .as("the processor's exit code at its last stop").isIn("0", "143");
        assertThatThrownBy(() -> run("sql", "SELECT 1")).isInstanceOf(PlatformException.class)
                .hasMessageContaining("SQL failed on 127.0.0.1:" + env.get("POSTGRES_PORT") + "/shop");

        run("up");
        assertThat(run("sql", "SELECT note FROM kept_across_restarts")).contains("still here");
        assertThat(Files.readString(state.resolve("logs/data-initializer.log")))
                .contains("POSTGRES_PASSWORD=[hidden]").doesNotContain("it-password");

        run("down", "--wipe");
        assertThat(state.resolve("data/postgres")).doesNotExist();
        assertThat(state.resolve("data/bin")).isDirectory();
    }

    private void awaitLogLine(String service, String text) throws Exception {
        platform.awaitLogLine(service, text, 0, Duration.ofSeconds(60));
    }

    private void awaitQueryCount(String sql, String expected) throws InterruptedException {
        platform.awaitQueryCount(sql, expected, Duration.ofMinutes(3));
    }

    private void awaitOrdersAbove(long n) throws InterruptedException {
        platform.awaitAbove("SELECT count(*) AS n FROM orders", n, Duration.ofSeconds(60));
    }

    @Test
    void theScriptRunsTheRunnerFromTheRepositoryRoot() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(HOME.resolve("platform").toString(), "status")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).startsWith("SERVICE").contains("postgres               not started")
                .contains("data-generator         not started");
    }

    @Test
    void badConfigurationFailsBeforeAnythingStartsNamingEveryVariable() {
        env.put("POSTGRES_PORT", "54x");
        env.remove("POSTGRES_PASSWORD");

        assertThatThrownBy(() -> run("up")).isInstanceOf(ConfigException.class).hasMessage(String.join(
                System.lineSeparator(),
                "Invalid configuration (2 problems); fix these in .env or the environment:",
                "  - Invalid value '54x' for POSTGRES_PORT: must be a whole number from 1 to 65535",
                "  - Missing value for POSTGRES_PASSWORD: it is required"));
        assertThat(state.resolve("data")).doesNotExist();
    }

    @Test
    void aFailingOneShotServiceFailsUpWithItsMessage() throws IOException {
        Path input = Files.createDirectories(state.resolve("input"));
        Files.writeString(input.resolve("orders.csv"), "order_id,total\n1,2\n1,3\n");
        env.put("INITIALIZER_INPUT_DIR", input.toString());

        assertThatThrownBy(() -> run("up")).isInstanceOf(PlatformException.class)
                .hasMessage("data-initializer failed with exit code 1; its messages are above and in "
                        + state.resolve("logs/data-initializer.log") + ".");
        assertThat(Files.readString(state.resolve("logs/data-initializer.log")))
                .contains(input.resolve("orders.csv") + " line 3, column 1 (order_id): duplicate primary key '1'");
        assertThat(statusLine(run("status"), "data-initializer")).contains("exited (code 1)");
    }
}
