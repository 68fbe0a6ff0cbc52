package io.minidp.common.config;

import io.minidp.common.config.Setting.Section;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Every environment variable of the platform, declared once: services read them through
 * {@link ConfigReader} with these constants (the default comes from here), and a test holds
 * {@code .env}, {@code docs/configuration.md} and what each service really reads to this list.
 * Adding a variable: declare it here, read it where it is used; the drift test names any other
 * place that has to follow (the reference table, {@code .env}, a compose service's environment).
 */
public final class Settings {

    private static final List<Setting> ALL = new ArrayList<>();

    /** The services that read variables through {@link ConfigReader}, by the names they log under. */
    public static final String INITIALIZER = "data-initializer";
    public static final String GENERATOR = "data-generator";
    public static final String CONFIGURATOR = "debezium-configurator";
    public static final String CONSUMER = "kafka-consumer";
    public static final String PROCESSOR = "spark-processor";
    public static final String QUERY = "query-service";
    public static final String VERIFY = "verify";
    /** The local runner, {@code ./platform}. */
    public static final String PLATFORM = "platform";
    public static final List<String> SERVICES =
            List.of(INITIALIZER, GENERATOR, CONFIGURATOR, CONSUMER, PROCESSOR, QUERY, VERIFY, PLATFORM);

    private static final String[] PG_READERS = {INITIALIZER, GENERATOR, QUERY, VERIFY, PLATFORM};
    private static final String[] LAKE_READERS = {PROCESSOR, QUERY, VERIFY, PLATFORM};
    private static final String[] STREAM_READERS = {CONSUMER, PROCESSOR, QUERY, VERIFY, PLATFORM};
    private static final String[] PROCESSOR_READERS = {PROCESSOR, VERIFY};
    private static final String[] SPARK_READERS = {PROCESSOR, QUERY, VERIFY};

    // PostgreSQL (the names of the official postgres image).
    public static final Setting POSTGRES_HOST = platform("POSTGRES_HOST").env("127.0.0.1").by(PG_READERS)
            .means("PostgreSQL host. On this machine, the runner starts the embedded server; any other host is used as it is");
    public static final Setting POSTGRES_PORT = platform("POSTGRES_PORT").env("5432").by(PG_READERS).means("its port");
    public static final Setting POSTGRES_DB = platform("POSTGRES_DB").env("shop").by(PG_READERS)
            .means("the application's database (created if missing)");
    public static final Setting POSTGRES_USER = platform("POSTGRES_USER").env("shop").by(PG_READERS)
            .means("the login; for the embedded server, its superuser");
    public static final Setting POSTGRES_PASSWORD = platform("POSTGRES_PASSWORD").env("shop-local-password").secret()
            .by(PG_READERS).means("its password");
    public static final Setting POSTGRES_EMBEDDED = platform("POSTGRES_EMBEDDED")
            .derived("`true` when `POSTGRES_HOST` is `127.0.0.1`, `localhost` or `::1`").by(PLATFORM)
            .means("`false` to use a PostgreSQL already running at `POSTGRES_HOST:POSTGRES_PORT` on this machine");

    // Kafka, the registry, Connect.
    public static final Setting KAFKA_BOOTSTRAP_SERVERS = platform("KAFKA_BOOTSTRAP_SERVERS").env("127.0.0.1:9092")
            .by(STREAM_READERS)
            .means("where clients find Kafka; locally, the runner's broker listens on this port");
    public static final Setting KAFKA_CONTROLLER_PORT = platform("KAFKA_CONTROLLER_PORT").env("9093").fallback("9093")
            .by(PLATFORM).means("the KRaft controller's port");
    public static final Setting KAFKA_RETENTION_HOURS = platform("KAFKA_RETENTION_HOURS").env("-1").fallback("-1")
            .by(PLATFORM).means("how long change events are kept; `-1` is for ever ([why](change-capture.md))");
    public static final Setting SCHEMA_REGISTRY_URL = platform("SCHEMA_REGISTRY_URL").env("http://127.0.0.1:8081")
            .by(STREAM_READERS)
            .means("the schema registry's base URL; locally, the runner's registry listens on this port");
    public static final Setting KAFKA_CONNECT_URL = platform("KAFKA_CONNECT_URL").env("http://127.0.0.1:8083")
            .by(CONFIGURATOR, QUERY, PLATFORM).means("Kafka Connect's REST API");

    // The object store.
    public static final Setting S3_ENDPOINT = platform("S3_ENDPOINT").env("http://127.0.0.1:9000").by(LAKE_READERS)
            .means("the S3 API of the object store; locally, the runner's S3 server listens on this port");
    public static final Setting S3_ACCESS_KEY = platform("S3_ACCESS_KEY").env("minioadmin").by(LAKE_READERS)
            .means("its access key (MinIO's default, so a Docker deployment with MinIO uses the same value)");
    public static final Setting S3_SECRET_KEY = platform("S3_SECRET_KEY").env("minioadmin").secret().by(LAKE_READERS)
            .means("its secret key (MinIO's default)");
    public static final Setting S3_BUCKET = platform("S3_BUCKET").env("lakehouse").by(LAKE_READERS)
            .means("the bucket the lake lives in");

    // Spark.
    public static final Setting SPARK_MASTER = platform("SPARK_MASTER").env("local[*]").fallback("local[*]")
            .by(PROCESSOR, VERIFY, PLATFORM)
            .means("where the processor runs: `local[*]` (in its own JVM) or a standalone master `spark://host:port`;"
                    + " locally, `spark://127.0.0.1:7077` makes the runner start a master and a worker");
    public static final Setting SPARK_MASTER_UI_PORT = platform("SPARK_MASTER_UI_PORT").env("8080").fallback("8080")
            .by(PLATFORM).means("the standalone master's web UI");
    public static final Setting SPARK_WORKER_UI_PORT = platform("SPARK_WORKER_UI_PORT").env("8082").fallback("8082")
            .by(PLATFORM).means("the standalone worker's web UI");
    public static final Setting SPARK_WORKER_CORES = platform("SPARK_WORKER_CORES").env("2").fallback("2")
            .by(PLATFORM).means("the cores the worker offers");
    public static final Setting SPARK_WORKER_MEMORY = platform("SPARK_WORKER_MEMORY").env("2g").fallback("2g")
            .by(PLATFORM).means("the memory the worker offers");
    public static final Setting SPARK_EXECUTOR_MEMORY = platform("SPARK_EXECUTOR_MEMORY").env("512m").fallback("1g")
            .by(PROCESSOR_READERS)
            .means("each executor's heap on a cluster (its metaspace, JIT code and threads come on top: ~350 MiB more)");
    public static final Setting SPARK_DRIVER_HOST = platform("SPARK_DRIVER_HOST").fallback("127.0.0.1")
            .by(SPARK_READERS).means("the address executors reach the processor (the driver) at");

    // The processor.
    public static final Setting PROCESSOR_CHECKPOINT = platform("PROCESSOR_CHECKPOINT")
            .derived("`s3a://<S3_BUCKET>/_checkpoints/spark-processor`").by(PROCESSOR, QUERY, VERIFY)
            .means("the streaming query's checkpoint (offsets and commits): an `s3a://` URI, a `file:` URI or an absolute path");
    public static final Setting PROCESSOR_TRIGGER_SECONDS = platform("PROCESSOR_TRIGGER_SECONDS").env("1").fallback("1")
            .by(PROCESSOR_READERS)
            .means("how often a micro-batch starts (a batch that takes longer is followed at once by the next)");
    public static final Setting PROCESSOR_RUN = platform("PROCESSOR_RUN").env("stream").fallback("stream")
            .by(PROCESSOR_READERS)
            .means("`stream`: run until stopped; `once`: take what Kafka holds now, write it, and exit (Spark's available-now trigger)");
    public static final Setting PROCESSOR_MAX_OFFSETS_PER_TRIGGER = platform("PROCESSOR_MAX_OFFSETS_PER_TRIGGER")
            .env("200000").fallback("200000").by(PROCESSOR_READERS)
            .means("at most this many Kafka records per micro-batch, so a backlog is taken in bounded steps");
    public static final Setting PROCESSOR_SHUFFLE_PARTITIONS = platform("PROCESSOR_SHUFFLE_PARTITIONS").env("4")
            .fallback("4").by(SPARK_READERS).means("Spark's shuffle partitions (the default 200 is for clusters)");
    public static final Setting PROCESSOR_TABLE_THREADS = platform("PROCESSOR_TABLE_THREADS").env("4").fallback("4")
            .by(PROCESSOR_READERS).means("how many tables of a micro-batch are written side by side");
    public static final Setting PROCESSOR_GOLD_SECONDS = platform("PROCESSOR_GOLD_SECONDS").env("60").fallback("60")
            .by(PROCESSOR_READERS).means("gold is recomputed at most this often, when its silver inputs changed");
    public static final Setting PROCESSOR_HISTORY_SECONDS = platform("PROCESSOR_HISTORY_SECONDS").env("10")
            .fallback("10").by(PROCESSOR_READERS)
            .means("history tables take bronze's new changes at most this often, beside the stream; 0: as soon as a batch ends");
    public static final Setting PROCESSOR_COMPACT_WRITES = platform("PROCESSOR_COMPACT_WRITES").env("50").fallback("50")
            .by(PROCESSOR_READERS)
            .means("a bronze or history table's small files (one or more per write) are rewritten into few after this"
                    + " many writes to it, beside the stream; 0: never");
    public static final Setting PROCESSOR_UI_PORT = platform("PROCESSOR_UI_PORT").env("4040").fallback("4040")
            .by(PROCESSOR_READERS).means("the processor's Spark UI, on 127.0.0.1; 0 for none");
    public static final Setting PROCESSOR_WORK_DIR = platform("PROCESSOR_WORK_DIR")
            .derived("`<PLATFORM_DATA_DIR>/spark-processor`").by(SPARK_READERS).elsewhere("the runner (`status`)")
            .means("Spark's scratch space and the status file that `./platform status` reads");
    public static final Setting VERIFY_TIMEOUT_SECONDS = platform("VERIFY_TIMEOUT_SECONDS").env("120").fallback("120")
            .by(VERIFY).elsewhere("the runner, for verify in the query service")
            .means("how long `./platform verify` waits for the lake to catch up with PostgreSQL");

    // The query service and the console.
    public static final Setting QUERY_PORT = platform("QUERY_PORT").env("8765").fallback("8765").by(QUERY, PLATFORM)
            .means("the [query service](query.md)'s HTTP port, on 127.0.0.1 (published there from its container in Docker)");
    public static final Setting QUERY_MAX_ROWS = platform("QUERY_MAX_ROWS").env("10000").fallback("10000").by(QUERY)
            .means("at most this many rows per answer of the query service; the answer says when more were left out");
    public static final Setting QUERY_TIMEOUT_SECONDS = platform("QUERY_TIMEOUT_SECONDS").env("300").fallback("300")
            .by(QUERY, PLATFORM).means("a statement the query service runs longer than this is cancelled");
    public static final Setting QUERY_BIND = platform("QUERY_BIND").fallback("127.0.0.1").by(QUERY)
            .means("the address the query service and its console listen on (`0.0.0.0` in its container)");
    public static final Setting CONSOLE_PORT = platform("CONSOLE_PORT").env("8766").fallback("8766").by(QUERY, PLATFORM)
            .means("the [console](console.md)'s HTTP port, served by the query service, on 127.0.0.1 (published there"
                    + " from its container in Docker)");

    // Change capture.
    public static final Setting CDC_PUBLICATION = platform("CDC_PUBLICATION").env("cdc_publication").by(INITIALIZER)
            .elsewhere("the connector file, the benchmark").means("the publication that change capture reads");
    public static final Setting CDC_CONNECTOR_NAME = platform("CDC_CONNECTOR_NAME").env("shop-postgres").by(QUERY)
            .elsewhere("the connector file").means("the connector's name");
    public static final Setting CDC_SLOT = platform("CDC_SLOT").env("shop_cdc").by(QUERY, VERIFY, PLATFORM)
            .elsewhere("the connector file").means("the connector's replication slot");
    public static final Setting CDC_TOPIC_PREFIX = platform("CDC_TOPIC_PREFIX").env("shop").by(STREAM_READERS)
            .elsewhere("the connector file")
            .means("topics are `<prefix>.<schema>.<table>`, e.g. `shop.public.orders`");
    public static final Setting CONNECTOR_CONFIG_FILE = platform("CONNECTOR_CONFIG_FILE")
            .env("config/debezium/connector_config.json").fallback("config/debezium/connector_config.json")
            .by(CONFIGURATOR)
            .means("the connector's definition; its `${VAR}`s are filled from the environment, and one that is not set is an error");
    public static final Setting CONFIGURATOR_TIMEOUT_SECONDS = platform("CONFIGURATOR_TIMEOUT_SECONDS").env("180")
            .fallback("180").by(CONFIGURATOR)
            .means("how long the configurator waits for Connect, and for the connector and its tasks to run");
    public static final Setting CONFIGURATOR_WATCH_SECONDS = platform("CONFIGURATOR_WATCH_SECONDS").env("10")
            .fallback("0").by(CONFIGURATOR, PLATFORM)
            .means("after registering the connector, the configurator checks it this often and heals it"
                    + " ([the watchdog](change-capture.md#the-configurator-and-its-watchdog)); `0`: register and exit (one-shot)");
    public static final Setting CDC_SLOT_WAL_WARN_MB = platform("CDC_SLOT_WAL_WARN_MB").env("1024").fallback("1024")
            .by(PLATFORM).means("`./platform status` warns when a replication slot holds back more WAL than this (MiB)");

    // The initializer.
    public static final Setting INITIALIZER_INPUT_DIR = platform("INITIALIZER_INPUT_DIR").env("data/input")
            .fallback("data/input").by(INITIALIZER).means("the folder of CSV files, one table per file");
    public static final Setting INITIALIZER_PRIMARY_KEYS = platform("INITIALIZER_PRIMARY_KEYS").env("").fallback("")
            .by(INITIALIZER)
            .means("key columns where the default (`id` or `<table>_id`) is not wanted: `orders=order_no;customers=code`");
    public static final Setting INITIALIZER_COLUMN_TYPES = platform("INITIALIZER_COLUMN_TYPES").env("").fallback("")
            .by(INITIALIZER)
            .means("column types where inference is not wanted: `orders.total=numeric(12,2);orders.note=text`");

    // The consumer.
    public static final Setting CONSUMER_GROUP_ID = platform("CONSUMER_GROUP_ID").env("minidp-consumer")
            .fallback("minidp-consumer").by(CONSUMER, QUERY).elsewhere("the runner (`status`)")
            .means("the consumer's group");
    public static final Setting CONSUMER_DLQ_TOPIC = platform("CONSUMER_DLQ_TOPIC").env("shop.dead-letters")
            .derived("`<CDC_TOPIC_PREFIX>.dead-letters`").by(CONSUMER, QUERY)
            .means("where undecodable or invalid changes go");
    public static final Setting CONSUMER_LOG_EVENTS = platform("CONSUMER_LOG_EVENTS").env("all").fallback("all")
            .by(CONSUMER)
            .means("which decoded changes the consumer logs: `all`, `sample` (at most 20 per table per second) or `none`");
    public static final Setting CONSUMER_REPORT_SECONDS = platform("CONSUMER_REPORT_SECONDS").env("5").fallback("5")
            .by(CONSUMER).means("how often it logs its per-table summary");

    // The generator.
    public static final Setting GENERATOR_RATE = platform("GENERATOR_RATE").env("50").fallback("max").by(GENERATOR)
            .elsewhere("the benchmark (figure f)")
            .means("events per second, or `max` for as fast as PostgreSQL allows");
    public static final Setting GENERATOR_EVENTS = platform("GENERATOR_EVENTS").env("0").fallback("0").by(GENERATOR)
            .means("stop after this many events; 0 means until stopped");
    public static final Setting GENERATOR_DURATION = platform("GENERATOR_DURATION").env("0").fallback("0")
            .by(GENERATOR).means("stop after this long (`90s`, `5m`, `2h`); 0 means until stopped");
    public static final Setting GENERATOR_SEED = platform("GENERATOR_SEED").env("42").fallback("42").by(GENERATOR)
            .means("the same seed on the same starting data gives the same events");
    public static final Setting GENERATOR_MIX = platform("GENERATOR_MIX")
            .env("signup=5,customer_update=10,order=40,order_progress=35,product_update=8,erasure=2")
            .fallback("signup=5,customer_update=10,order=40,order_progress=35,product_update=8,erasure=2")
            .by(GENERATOR).means("relative weight of each [event kind](generator.md)");
    public static final Setting GENERATOR_CLOCK = platform("GENERATOR_CLOCK").env("wall").fallback("wall")
            .by(GENERATOR)
            .means("`wall`: timestamps are now; `simulated`: a clock that starts after the data and ticks one second"
                    + " per event, so whole runs are reproducible");
    public static final Setting GENERATOR_CONNECTIONS = platform("GENERATOR_CONNECTIONS").fallback("8").by(GENERATOR)
            .means("connections writing in parallel");
    public static final Setting GENERATOR_REPORT_SECONDS = platform("GENERATOR_REPORT_SECONDS").fallback("5")
            .by(GENERATOR).means("how often the generator logs its rates");

    // The local runner.
    public static final Setting PLATFORM_DATA_DIR = platform("PLATFORM_DATA_DIR").env("data/local")
            .fallback("data/local").by(LAKE_READERS).means("local state of the services");
    public static final Setting LOGS_DIR = platform("LOGS_DIR").env("logs").fallback("logs").by(LAKE_READERS)
            .elsewhere("every service's log configuration").means("one log file per service");
    public static final Setting LOG_LEVEL = platform("LOG_LEVEL").fallback("INFO")
            .elsewhere("every service's log configuration").means("log level of our services");
    public static final Setting BENCH_RESULTS_DIR = platform("BENCH_RESULTS_DIR").fallback("bench-results")
            .elsewhere("`./platform bench`").means("where `./platform bench` writes its results");

    // Docker only: read by Docker Compose, ignored by the local runner.
    public static final Setting PLATFORM_VERSION = docker("PLATFORM_VERSION").env("0.1.0")
            .means("the tag of our own images");
    public static final Setting JAVA_IMAGE = docker("JAVA_IMAGE").env("eclipse-temurin:17.0.15_6-jre-jammy")
            .means("the Java runtime image our images are built on (pulled from Docker Hub)");
    public static final Setting POSTGRES_IMAGE = docker("POSTGRES_IMAGE").env("postgres:18.1")
            .means("the PostgreSQL image");
    public static final Setting MINIO_IMAGE = docker("MINIO_IMAGE").env("minio/minio:RELEASE.2025-04-22T22-12-26Z")
            .means("the object store's image");
    public static final Setting MINIO_MC_IMAGE = docker("MINIO_MC_IMAGE").env("minio/mc:RELEASE.2025-04-16T18-13-26Z")
            .means("the MinIO client's image, which creates the bucket");
    public static final Setting DOCKER_LOGS_DIR = docker("DOCKER_LOGS_DIR").env("./logs")
            .means("the host folder that receives every container's `logs/<service>.log`");
    public static final Setting KAFKA_PORT = docker("KAFKA_PORT").env("9092")
            .means("Kafka's host port, on 127.0.0.1; matches `KAFKA_BOOTSTRAP_SERVERS`");
    public static final Setting SCHEMA_REGISTRY_PORT = docker("SCHEMA_REGISTRY_PORT").env("8081")
            .means("the registry's host port; matches `SCHEMA_REGISTRY_URL`");
    public static final Setting KAFKA_CONNECT_PORT = docker("KAFKA_CONNECT_PORT").env("8083")
            .means("Connect's host port; matches `KAFKA_CONNECT_URL`");
    public static final Setting S3_PORT = docker("S3_PORT").env("9000")
            .means("the object store's host port; matches `S3_ENDPOINT`");
    public static final Setting MINIO_CONSOLE_PORT = docker("MINIO_CONSOLE_PORT").env("9001")
            .means("the MinIO console's host port");

    // Set by the platform for the processes it starts, or read by scripts: not in .env.
    public static final Setting SERVICE_NAME = outside("SERVICE_NAME").elsewhere("every service's log configuration")
            .means("the service's name in its log lines and log file; the runner and compose set it");
    public static final Setting READY_FILE = outside("READY_FILE").elsewhere("every service")
            .means("a file the service creates when it is ready (the runner's and compose's health checks)");
    public static final Setting LOG_CONSOLE = outside("LOG_CONSOLE").elsewhere("every service")
            .means("`false`: log to the file only (the runner sets it: a service's console already goes into its log file)");
    public static final Setting ENV_FILE = outside("ENV_FILE").elsewhere("every service")
            .means("the `.env` file to read instead of `./.env`");
    public static final Setting CONFIGURATOR_STATUS_FILE = outside("CONFIGURATOR_STATUS_FILE").fallback("")
            .by(CONFIGURATOR).means("where the configurator writes the connector's state (set by the runner)");
    public static final Setting CONFIGURATOR_ACTION = outside("CONFIGURATOR_ACTION").fallback("register")
            .by(CONFIGURATOR)
            .means("`register`, or `delete` (`./platform connector delete`: the connector and its slot)");
    public static final Setting PLATFORM_HOME = outside("PLATFORM_HOME").fallback(".").by(PLATFORM)
            .means("the repository the runner works in (`./platform` sets it)");
    public static final Setting PLATFORM_JAVA_OPTS = outside("PLATFORM_JAVA_OPTS").elsewhere("`./platform`")
            .means("the runner's own JVM options (default `-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1`)");
    public static final Setting KAFKA_LOG_LEVEL = outside("KAFKA_LOG_LEVEL").elsewhere("the Kafka broker")
            .means("the root level of Kafka's log4j2 configuration; `INFO` when unset");
    public static final Setting MINIDP_DEBIAN_MIRROR = outside("MINIDP_DEBIAN_MIRROR")
            .elsewhere("`services/offline/build-images`")
            .means("the Debian mirror the offline images are built from (default `http://deb.debian.org/debian`)");
    public static final Setting MINIDP_ROOTFS_DIR = outside("MINIDP_ROOTFS_DIR").elsewhere("`services/offline/build-images`")
            .means("the scratch folder of the offline images' root file system (default `/var/tmp/minidp-offline-rootfs`)");

    public static final Setting ROLE = outside("ROLE").elsewhere("the Spark image's entry point (docker-compose.yml sets it)")
            .means("what a container of the Spark image runs: `processor`, `query`, `master` or `worker`");
    public static final Setting MINIO_ROOT_USER = outside("MINIO_ROOT_USER").elsewhere("MinIO (docker-compose.yml sets it)")
            .means("MinIO's administrator, set from `S3_ACCESS_KEY`");
    public static final Setting MINIO_ROOT_PASSWORD = outside("MINIO_ROOT_PASSWORD").secret()
            .elsewhere("MinIO (docker-compose.yml sets it)").means("its password, set from `S3_SECRET_KEY`");

    private Settings() {}

    /** Every variable, in the order of {@code .env}. */
    public static List<Setting> all() {
        return Collections.unmodifiableList(ALL);
    }

    public static Optional<Setting> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The variables {@code service} reads through {@link ConfigReader}, in declaration order. */
    public static List<String> readBy(String service) {
        return ALL.stream().filter(s -> s.readBy().contains(service)).map(Setting::name).toList();
    }

    private static Builder platform(String name) {
        return new Builder(name, Section.PLATFORM);
    }

    private static Builder docker(String name) {
        return new Builder(name, Section.DOCKER).elsewhere("docker compose");
    }

    private static Builder outside(String name) {
        return new Builder(name, Section.OUTSIDE);
    }

    private static final class Builder {
        private final String name;
        private final Section section;
        private String dotEnv;
        private String fallback;
        private String derived;
        private boolean secret;
        private List<String> readBy = List.of();
        private String elsewhere;

        private Builder(String name, Section section) {
            this.name = name;
            this.section = section;
        }

        Builder env(String value) {
            dotEnv = value;
            return this;
        }

        Builder fallback(String value) {
            fallback = value;
            return this;
        }

        Builder derived(String how) {
            derived = how;
            return this;
        }

        Builder secret() {
            secret = true;
            return this;
        }

        Builder by(String... services) {
            readBy = Arrays.asList(services);
            return this;
        }

        Builder elsewhere(String who) {
            elsewhere = who;
            return this;
        }

        Setting means(String meaning) {
            if (named(name).isPresent()) {
                throw new IllegalStateException(name + " is declared twice");
            }
            Setting s = new Setting(name, section, dotEnv, fallback, derived, secret, readBy, elsewhere, meaning);
            ALL.add(s);
            return s;
        }
    }
}
