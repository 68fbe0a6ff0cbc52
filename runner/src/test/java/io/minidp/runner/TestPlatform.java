package io.minidp.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.minidp.common.config.Env;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.runner.cli.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole local platform for a test, driven as a user drives it ({@code ./platform ...} through
 * {@link Main#run}): state and logs under {@code state}, every port free, test credentials.
 */
final class TestPlatform {

    static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    final Path state;
    final Map<String, String> env;

    TestPlatform(Path state) {
        this.state = state;
        this.env = environment(state);
    }

    /** What a test platform reads instead of .env: everything on free ports, state under {@code state}. */
    static Map<String, String> environment(Path state) {
        Map<String, String> env = new HashMap<>(Map.of(
                "PLATFORM_HOME", HOME.toString(),
                "PLATFORM_DATA_DIR", state.resolve("data").toString(),
                "LOGS_DIR", state.resolve("logs").toString(),
                "POSTGRES_HOST", "127.0.0.1",
                "POSTGRES_PORT", Integer.toString(EmbeddedPostgres.freePort()),
                "POSTGRES_DB", "shop",
                "POSTGRES_USER", "shop",
                "POSTGRES_PASSWORD", "it-password",
                "CDC_PUBLICATION", "cdc_publication",
                "INITIALIZER_INPUT_DIR", "data/input"));
        env.put("GENERATOR_RATE", "200");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + EmbeddedPostgres.freePort());
        env.put("KAFKA_CONTROLLER_PORT", Integer.toString(EmbeddedPostgres.freePort()));
        env.put("SCHEMA_REGISTRY_URL", "http://127.0.0.1:" + EmbeddedPostgres.freePort());
        env.put("KAFKA_CONNECT_URL", "http://127.0.0.1:" + EmbeddedPostgres.freePort());
        env.putAll(Map.of("S3_ENDPOINT", "http://127.0.0.1:" + EmbeddedPostgres.freePort(), "S3_ACCESS_KEY", "it-key",
                "S3_SECRET_KEY", "it-secret", "S3_BUCKET", "it-lake"));
        env.putAll(Map.of("CDC_CONNECTOR_NAME", "it-postgres", "CDC_SLOT", "it_cdc", "CDC_TOPIC_PREFIX", "it",
                "CONNECTOR_CONFIG_FILE", "config/debezium/connector_config.json"));
        // The services read .env too: whatever a test platform names differently is set here.
        env.put("CONSUMER_DLQ_TOPIC", "it.dead-letters");
        env.put("PROCESSOR_UI_PORT", "0");
        env.put("PROCESSOR_GOLD_SECONDS", "0");
        env.put("PROCESSOR_HISTORY_SECONDS", "0");
        env.put("QUERY_PORT", Integer.toString(EmbeddedPostgres.freePort()));
        env.put("CONSOLE_PORT", Integer.toString(EmbeddedPostgres.freePort()));
        env.put("PATH", System.getenv("PATH"));
        return env;
    }

    record Result(int code, String output) {}

    /** {@code ./platform args...}, whatever its exit code. */
    Result attempt(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), Env.of(env), new Console(new PrintStream(out, true, StandardCharsets.UTF_8)));
        return new Result(code, out.toString(StandardCharsets.UTF_8));
    }

    /** {@code ./platform args...}, which must exit 0; returns what it printed. */
    String run(String... args) {
        Result r = attempt(args);
        assertThat(r.code()).as("exit code of %s; it printed:%n%s", List.of(args), r.output()).isZero();
        return r.output();
    }

    /** The single number a {@code ./platform sql} query prints. */
    long sqlNumber(String sql) {
        return Long.parseLong(run("sql", sql).lines().skip(2).findFirst().orElseThrow().strip());
    }

    /** Waits until the single number {@code sql} returns is above {@code n}. */
    void awaitAbove(String sql, long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sqlNumber(sql) <= n) {
            assertThat(System.nanoTime()).as("%s above %d within %s", sql, n, timeout).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    Path log(String service) {
        return state.resolve("logs/" + service + ".log");
    }

    /** Waits until the service's log holds {@code text}, after its first {@code from} characters. */
    void awaitLogLine(String service, String text, long from, Duration timeout) throws Exception {
        Path log = log(service);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(log) || Files.readString(log).indexOf(text, (int) from) < 0) {
            assertThat(System.nanoTime()).as("'%s' in %s within %s", text, log, timeout).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    long logLength(String service) throws Exception {
        Path log = log(service);
        return Files.exists(log) ? Files.readString(log).length() : 0;
    }

    /** Runs {@code ./platform query} until its single number is {@code expected}. */
    void awaitQueryCount(String sql, String expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            // Not run(): the query fails until the table exists.
            last = attempt("query", sql).output();
            // Spark's show() pads numbers on the left to at least 3 characters.
            if (java.util.regex.Pattern.compile("\\|\\s*" + expected + "\\|").matcher(last).find()) {
                return;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("'" + sql + "' did not reach " + expected + " within " + timeout + "; last:\n" + last);
    }
}
