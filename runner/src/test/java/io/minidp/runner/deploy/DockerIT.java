package io.minidp.runner.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.process.Folders;
import io.minidp.runner.PlatformCli;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Docker deployment run for real, with no registry: the images of services/offline/build-images,
 * the fleet of docker-compose.yml with docker-compose.offline.yml, under a project name and host
 * ports of its own (a local platform or another fleet on this machine is left alone). Every service
 * becomes healthy and the one-shot services exit 0; silver appears; spark-processor restarted while
 * the generator writes resumes where it stopped and bronze holds no event twice; once the generator
 * is stopped, {@code ./platform verify} from the host, through the published ports, finds the lake
 * equal to PostgreSQL; every service wrote logs/&lt;service&gt;.log; the initializer run again has nothing
 * to do. Ends with {@code down -v}.
 *
 * <p>It needs a Docker engine. With none it fails, saying how to get one or to skip it on purpose
 * ({@code -DskipDocker}, which leaves it out of the build): it never passes without having run.
 */
class DockerIT {

    private static final Path HOME = Path.of(System.getProperty("minidp.home", "..")).toAbsolutePath().normalize();
    private static final Path WORK = HOME.resolve("runner/target/docker-it");
    private static final Path LOGS = WORK.resolve("logs");
    private static final List<String> TABLES = List.of("customers", "orders", "products");
    private static final Map<String, String> KEYS = Map.of("customers", "customer_id", "orders", "order_id",
            "products", "product_id");
    private static final Set<String> ONE_SHOT = Set.of("minio-init", "data-initializer");
    /** Spark's daemons log at WARN (spark-processor's logback.xml): a healthy one has nothing to say. */
    private static final Set<String> QUIET = Set.of("spark-master", "spark-worker");

    private static Compose compose;
    private static Map<String, String> hostEnv;
    private static Map<String, String> dotEnv;
    /** When the test began: every step reports its time from here. */
    private static long started;

    @BeforeAll
    static void startTheFleet() throws IOException {
        dotEnv = ComposeChecks.parseEnv(Files.readString(HOME.resolve(".env")));
        Map<String, String> ports = new LinkedHashMap<>();
        for (String p : List.of("POSTGRES_PORT", "KAFKA_PORT", "SCHEMA_REGISTRY_PORT", "KAFKA_CONNECT_PORT", "S3_PORT",
                "MINIO_CONSOLE_PORT", "SPARK_MASTER_UI_PORT", "SPARK_WORKER_UI_PORT", "PROCESSOR_UI_PORT",
                "QUERY_PORT", "CONSOLE_PORT")) {
            ports.put(p, Integer.toString(EmbeddedPostgres.freePort()));
        }
        Folders.deleteTree(LOGS);
        Files.createDirectories(LOGS);
        Map<String, String> composeVars = new HashMap<>(ports);
        composeVars.put("DOCKER_LOGS_DIR", LOGS.toString());
        String project = "minidp-it-" + ProcessHandle.current().pid();
        compose = new Compose(HOME, project, List.of("docker-compose.yml", "docker-compose.offline.yml"),
                Compose.environment(composeVars));

        Compose.Result info = compose.docker(Duration.ofSeconds(30), "info", "--format", "{{.ServerVersion}}");
        if (!info.ok()) {
            fail("DockerIT needs a Docker engine, and none answers (DOCKER_HOST="
                    + System.getenv().getOrDefault("DOCKER_HOST", "unset") + "): " + info.output().strip()
                    + "\nStart one as .ci/run does (apt-get install docker.io docker-compose debootstrap, then dockerd"
                    + " --iptables=false ... and export DOCKER_HOST; docs/docker.md), or leave this test out"
                    + " on purpose with ./mvnw verify -DskipDocker.");
        }

        hostEnv = new HashMap<>(dotEnv);
        hostEnv.putAll(ports);
        hostEnv.putAll(Map.of("PLATFORM_HOME", HOME.toString(), "LOGS_DIR", LOGS.toString(), "POSTGRES_HOST", "127.0.0.1",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + ports.get("KAFKA_PORT"),
                "SCHEMA_REGISTRY_URL", "http://127.0.0.1:" + ports.get("SCHEMA_REGISTRY_PORT"),
                "KAFKA_CONNECT_URL", "http://127.0.0.1:" + ports.get("KAFKA_CONNECT_PORT"),
                "S3_ENDPOINT", "http://127.0.0.1:" + ports.get("S3_PORT"),
                "VERIFY_TIMEOUT_SECONDS", "300", "PATH", System.getenv("PATH")));

        started = System.nanoTime();
        Compose.Result images = compose.run(List.of("services/offline/build-images"), Duration.ofMinutes(20));
        assertThat(images.ok()).as("services/offline/build-images:%n%s", images.output()).isTrue();
        step("build-images");
        compose.composeOk(Duration.ofMinutes(15), "build", "-q");
        step("docker-compose build");
        Compose.Result up = compose.compose(Duration.ofMinutes(10), "up", "-d");
        if (!up.ok()) {
            fail("docker-compose up -d exited " + up.code() + ":\n" + up.output() + "\n" + ComposeFleet.describe(compose, List.of()));
        }
        step("docker-compose up -d");
    }

    @AfterAll
    static void downWithVolumes() {
        if (compose == null) {
            return;
        }
        Compose.Result logs = compose.compose(Duration.ofMinutes(2), "logs", "--no-color", "--tail=300");
        try {
            Files.writeString(WORK.resolve("compose.log"), logs.output());
        } catch (IOException e) {
            System.err.println("DockerIT: cannot keep the containers' output in " + WORK + ": " + e.getMessage());
        }
        Compose.Result down = compose.compose(Duration.ofMinutes(5), "down", "-v", "--remove-orphans");
        if (!down.ok()) {
            System.err.println("DockerIT: docker-compose down -v failed:\n" + down.output());
        }
    }

    @Test
    void theOfflineFleetRunsResumesAfterARestartAndTheLakeEqualsPostgres() throws Exception {
        List<String> services = List.of(compose.composeOk(Duration.ofMinutes(1), "config", "--services").strip().split("\n"));
        assertThat(services).contains("postgres", "kafka", "minio", "spark-processor", "data-generator");
        ComposeFleet.awaitHealthy(compose, services, ONE_SHOT, Duration.ofMinutes(8));
        step("every service healthy, one-shot services exited 0");

        awaitSilver(Duration.ofMinutes(6));
        step("silver tables in the bucket");
        System.out.println("DockerIT: memory of the fleet (docker stats), the generator writing:\n" + ComposeFleet.memory(compose));

        // Stopped mid-stream, while the generator writes: the restarted job must resume from its checkpoint.
        compose.composeOk(Duration.ofMinutes(3), "restart", "spark-processor");
        ComposeFleet.awaitHealthy(compose, services, ONE_SHOT, Duration.ofMinutes(5));
        step("spark-processor restarted and healthy");

        // A Debezium task that fails (the registry away while it must register a new table's schema)
        // is restarted by the configurator, which stays up as the connector's watchdog.
        Path watchdogLog = LOGS.resolve("debezium-configurator.log");
        long from = Files.size(watchdogLog);
        compose.composeOk(Duration.ofMinutes(2), "stop", "schema-registry");
        PlatformCli.Run created = platform("sql", "CREATE TABLE loyalty_cards (card_id integer PRIMARY KEY, holder text);"
                + " INSERT INTO loyalty_cards SELECT g, 'holder ' || g FROM generate_series(1, 40) g");
        assertThat(created.code()).as("./platform sql printed:%n%s", created.output()).isZero();
        awaitLine(watchdogLog, from, "Restarting the failed parts", Duration.ofMinutes(4));
        compose.composeOk(Duration.ofMinutes(2), "start", "schema-registry");
        ComposeFleet.awaitHealthy(compose, services, ONE_SHOT, Duration.ofMinutes(5));
        step("a failed Debezium task restarted by the watchdog");

        compose.composeOk(Duration.ofMinutes(2), "stop", "data-generator");
        PlatformCli.Run verify = platform("verify");
        assertThat(verify.code()).as("./platform verify printed:%n%s", verify.output()).isZero();
        assertThat(verify.output()).contains("verify: the lake equals PostgreSQL");
        for (String t : List.of("customers", "orders", "products", "loyalty_cards")) {
            assertThat(verify.output()).containsPattern("(?m)^" + t + "\\s+EQUAL\\s");
        }
        step("./platform verify: equal");

        // The console, from the host through its published port: what it shows comes from the containers.
        JsonNode overview = awaitConsole(URI.create("http://127.0.0.1:" + hostEnv.get("CONSOLE_PORT") + "/api/overview"),
                Duration.ofMinutes(2));
        assertThat(overview.path("tables").findValuesAsText("table")).contains("orders", "loyalty_cards");
        assertThat(overview.path("connector").path("state").asText()).isEqualTo("RUNNING");
        assertThat(overview.path("slots").toString()).contains("\"" + dotEnv.get("CDC_SLOT") + "\"");
        step("the console shows every part healthy");

        PlatformCli.Run sql = platform("sql", "SELECT count(*) FROM orders");
        long orders = Long.parseLong(sql.output().lines().toList().get(2).strip());
        PlatformCli.Run duplicates = platform("query", duplicateEventsQuery() + ", (SELECT count(*) FROM silver.orders) AS silver_orders");
        assertThat(duplicates.code()).as("./platform query printed:%n%s", duplicates.output()).isZero();
        assertThat(duplicates.output()).as("events in bronze twice (same table, key and LSN), then rows in silver.orders")
                .containsPattern("\\|\\s*0\\s*\\|\\s*" + orders + "\\s*\\|");
        step("bronze holds no event twice; silver.orders = orders = " + orders);

        Map<String, Long> sizes = new TreeMap<>();
        for (String s : services) {
            Path log = LOGS.resolve(s + ".log");
            assertThat(log).as("logs/%s.log on the host", s).exists();
            sizes.put(s, Files.size(log));
        }
        sizes.forEach((s, size) -> {
            if (!QUIET.contains(s)) {
                assertThat(size).as("bytes in logs/%s.log (all sizes: %s)", s, sizes).isPositive();
            }
        });
        assertThat(Files.readString(LOGS.resolve("data-initializer.log"))).contains("data-initializer finished with exit code 0");
        assertThat(Files.readString(LOGS.resolve("minio-init.log"))).contains("Bucket " + dotEnv.get("S3_BUCKET") + " is ready.");
        step("logs/<service>.log of every service");

        String rerun = compose.composeOk(Duration.ofMinutes(3), "run", "--rm", "-T", "data-initializer");
        assertThat(rerun).contains("Nothing to do: all 3 tables already exist with the shape of their files");
        step("docker-compose run --rm data-initializer: nothing to do");
        System.out.println("DockerIT: memory of the fleet (docker stats) at the end, the generator stopped:\n"
                + ComposeFleet.memory(compose));
    }

    /** One row: events bronze holds more than once, by table, key and source position, all tables summed. */
    private static String duplicateEventsQuery() {
        StringBuilder union = new StringBuilder();
        for (String t : TABLES) {
            union.append(union.isEmpty() ? "" : " UNION ALL ").append("SELECT count(*) AS n FROM (SELECT ")
                    .append(KEYS.get(t)).append(", _commit_lsn, _lsn FROM bronze.").append(t).append(" GROUP BY ")
                    .append(KEYS.get(t)).append(", _commit_lsn, _lsn HAVING count(*) > 1) AS ").append(t);
        }
        return "SELECT (SELECT sum(n) FROM (" + union + ") AS per_table) AS duplicate_events";
    }

    /**
     * The console's overview once it shows every part healthy but the generator (stopped here);
     * fails with the last overview when it does not within {@code limit}.
     */
    private static JsonNode awaitConsole(URI overview, Duration limit) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(java.net.http.HttpRequest.newBuilder(overview).timeout(Duration.ofSeconds(10)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                JsonNode o = new ObjectMapper().readTree(last);
                boolean healthy = o.path("services").size() > 0;
                for (JsonNode svc : o.path("services")) {
                    healthy &= svc.path("name").asText().equals("data-generator") || svc.path("state").asText().equals("healthy");
                }
                if (healthy) {
                    return o;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("the console at " + overview + " did not show every part healthy within " + limit
                + "; it showed: " + last);
    }

    private static void awaitSilver(Duration limit) throws InterruptedException {
        URI endpoint = URI.create(hostEnv.get("S3_ENDPOINT"));
        try (S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(dotEnv.get("S3_ACCESS_KEY"), dotEnv.get("S3_SECRET_KEY"))))
                .build()) {
            long deadline = System.nanoTime() + limit.toNanos();
            List<String> missing = TABLES;
            while (!missing.isEmpty()) {
                missing = TABLES.stream().filter(t -> s3.listObjectsV2(b -> b.bucket(dotEnv.get("S3_BUCKET"))
                        .prefix("silver/" + t + "/_delta_log/")).keyCount() == 0).toList();
                if (!missing.isEmpty() && System.nanoTime() > deadline) {
                    fail("No silver table for " + missing + " in s3://" + dotEnv.get("S3_BUCKET") + " within "
                            + limit.toMinutes() + " min; logs/spark-processor.log in " + LOGS + " says why.");
                }
                Thread.sleep(2_000);
            }
        }
    }

    /** Waits until {@code log} has {@code text} after its first {@code from} bytes. */
    private static void awaitLine(Path log, long from, String text, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            byte[] all = Files.readAllBytes(log);
            String after = new String(all, (int) Math.min(from, all.length), all.length - (int) Math.min(from, all.length),
                    java.nio.charset.StandardCharsets.UTF_8);
            if (after.contains(text)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("No '" + text + "' in " + log + " within " + limit.toSeconds() + " s; what it wrote meanwhile:\n" + after);
            }
            Thread.sleep(1_000);
        }
    }

    /** {@code ./platform <args>} from the host, against the fleet's published ports. */
    private static PlatformCli.Run platform(String... args) {
        return PlatformCli.run(hostEnv, args);
    }

    private static void step(String what) {
        System.out.printf("DockerIT: %-60s at %5.0f s%n", what, (System.nanoTime() - started) / 1e9);
    }
}
