package io.minidp.runner;

import io.minidp.common.cdc.CdcTopics;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import io.minidp.common.config.KafkaConfig;
import io.minidp.common.config.PostgresConfig;
import io.minidp.common.config.RegistryConfig;
import io.minidp.common.config.S3Config;
import io.minidp.common.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * The local runner's settings.
 *
 * @param home             the repository root: service jars, input data and relative paths start here
 * @param dataDir          local state of every service, kept across down/up
 * @param logsDir          one log file per service
 * @param postgresEmbedded start PostgreSQL ourselves; by default when POSTGRES_HOST is this machine
 * @param kafka            the broker the runner starts, on this machine at the bootstrap port
 * @param cdc              change capture as the runner watches it
 * @param query            where the query service listens, and how long a statement may run
 * @param env              everything the services are configured from, handed on to them
 */
public record PlatformConfig(Path home, Path dataDir, Path logsDir, PostgresConfig postgres, boolean postgresEmbedded,
                             KafkaConfig kafka, int kafkaControllerPort, long kafkaRetentionHours,
                             RegistryConfig registry, URI connectUrl, S3Config s3, String sparkMaster,
                             SparkClusterSettings sparkCluster, CdcSettings cdc, QueryEndpoint query, Env env) {

    /**
     * The query service as the runner reaches it: http://127.0.0.1:QUERY_PORT, on the host for Docker
     * too; its console at http://127.0.0.1:CONSOLE_PORT/.
     */
    public record QueryEndpoint(int port, int timeoutSeconds, int consolePort) {
        public URI uri() {
            return URI.create("http://127.0.0.1:" + port);
        }

        public URI console() {
            return URI.create("http://127.0.0.1:" + consolePort + "/");
        }
    }

    /**
     * @param topics               the topics change capture writes (CDC_TOPIC_PREFIX)
     * @param slot                 the connector's replication slot (CDC_SLOT)
     * @param slotWalWarnBytes     status warns when a slot holds back more WAL than this (CDC_SLOT_WAL_WARN_MB)
     * @param watchSeconds         how often the configurator checks the connector; 0 makes it one-shot
     */
    public record CdcSettings(CdcTopics topics, String slot, long slotWalWarnBytes, int watchSeconds) {

        public boolean watching() {
            return watchSeconds > 0;
        }
    }

    /** A local standalone cluster's ports and size; used when SPARK_MASTER is spark://127.0.0.1:port. */
    public record SparkClusterSettings(int masterPort, int masterUiPort, int workerUiPort, int workerCores,
                                       String workerMemory) {}

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

    public static PlatformConfig read(ConfigReader r) {
        Path home = r.path(Settings.PLATFORM_HOME).toAbsolutePath().normalize();
        PostgresConfig pg = PostgresConfig.read(r);
        boolean embedded = r.bool(Settings.POSTGRES_EMBEDDED, LOOPBACK.contains(pg.host()));
        if (embedded && !LOOPBACK.contains(pg.host())) {
            r.problem("POSTGRES_EMBEDDED=true needs POSTGRES_HOST=127.0.0.1 (the embedded server listens on loopback"
                    + " only), but POSTGRES_HOST is '" + pg.host() + "'");
        }
        KafkaConfig kafka = KafkaConfig.read(r);
        int controllerPort = r.port(Settings.KAFKA_CONTROLLER_PORT);
        long retention = r.integer(Settings.KAFKA_RETENTION_HOURS, -1, Integer.MAX_VALUE);
        if (!kafka.bootstrapServers().isEmpty() && !LOOPBACK.contains(kafka.firstHost())) {
            r.problem("KAFKA_BOOTSTRAP_SERVERS must name this machine (127.0.0.1) for the local runner, which starts"
                    + " the broker itself, but it is '" + kafka.bootstrapServers() + "'");
        }
        RegistryConfig registry = RegistryConfig.read(r);
        if (registry.url().getHost() != null && !LOOPBACK.contains(registry.url().getHost())) {
            r.problem("SCHEMA_REGISTRY_URL must name this machine (127.0.0.1) for the local runner, which starts"
                    + " the registry itself, but it is '" + registry.url() + "'");
        }
        URI connect = r.parsed(Settings.KAFKA_CONNECT_URL, PlatformConfig::loopbackUrl, URI.create("http://127.0.0.1:1"));
        S3Config s3 = S3Config.read(r);
        if (s3.endpoint().getHost() != null && !LOOPBACK.contains(s3.endpoint().getHost())) {
            r.problem("S3_ENDPOINT must name this machine (127.0.0.1) for the local runner, which starts the S3 server"
                    + " itself, but it is '" + s3.endpoint() + "'");
        }
        String sparkMaster = r.string(Settings.SPARK_MASTER).strip();
        int masterPort = 7077;
        if (sparkMaster.startsWith("spark://")) {
            URI u = URI.create(sparkMaster);
            if (!LOOPBACK.contains(u.getHost()) || u.getPort() < 1) {
                r.problem("SPARK_MASTER must be local[*] or spark://127.0.0.1:<port> for the local runner, which starts"
                        + " the standalone master itself, but it is '" + sparkMaster + "'");
            }
            masterPort = u.getPort();
        }
        SparkClusterSettings cluster = new SparkClusterSettings(masterPort, r.port(Settings.SPARK_MASTER_UI_PORT),
                r.port(Settings.SPARK_WORKER_UI_PORT), r.integer(Settings.SPARK_WORKER_CORES, 1, 256),
                r.parsed(Settings.SPARK_WORKER_MEMORY, v -> {
                    if (!v.strip().matches("\\d{1,6}[mMgG]")) {
                        throw new IllegalArgumentException("must be a size such as 2g or 1536m");
                    }
                    return v.strip();
                }, "2g"));
        CdcSettings cdc = new CdcSettings(CdcTopics.read(r), r.string(Settings.CDC_SLOT).strip(),
                r.integer(Settings.CDC_SLOT_WAL_WARN_MB, 1, 1_000_000) * 1024L * 1024L,
                r.integer(Settings.CONFIGURATOR_WATCH_SECONDS, 0, 3600));
        return new PlatformConfig(home,
                home.resolve(r.path(Settings.PLATFORM_DATA_DIR)).normalize(),
                home.resolve(r.path(Settings.LOGS_DIR)).normalize(),
                pg, embedded, kafka, controllerPort, retention, registry, connect, s3, sparkMaster, cluster, cdc,
                new QueryEndpoint(r.port(Settings.QUERY_PORT), r.integer(Settings.QUERY_TIMEOUT_SECONDS, 1, 86_400),
                        r.port(Settings.CONSOLE_PORT)), r.env());
    }

    private static URI loopbackUrl(String value) {
        try {
            URI u = URI.create(value.strip());
            if ("http".equals(u.getScheme()) && LOOPBACK.contains(u.getHost()) && u.getPort() > 0) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // Falls through to the rule.
        }
        throw new IllegalArgumentException("must be http://127.0.0.1:<port>: the local runner starts this service itself");
    }

    /** Whether the processor runs on a standalone cluster the runner starts. */
    public boolean onSparkCluster() {
        return sparkMaster.startsWith("spark://");
    }

    public Path runDir() {
        return dataDir.resolve("run");
    }

    public Path logFile(String service) {
        return logsDir.resolve(service + ".log");
    }
}
