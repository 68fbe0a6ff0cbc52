package io.minidp.runner.fleet;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.Settings;
import io.minidp.engines.kafka.KafkaServer;
import io.minidp.engines.spark.SparkJvm;
import io.minidp.runner.PlatformConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The services of the local platform, in the order they start. */
public final class Fleet {

    /** The query service's name: its log is logs/query-service.log. */
    public static final String QUERY_SERVICE = "query-service";

    private final Map<String, LocalService> services = new LinkedHashMap<>();

    private Fleet(List<LocalService> inStartOrder) {
        inStartOrder.forEach(s -> services.put(s.name(), s));
    }

    public static Fleet local(PlatformConfig config) {
        List<LocalService> spark = config.onSparkCluster()
                ? List.of(new SparkService(config, true), new SparkService(config, false)) : List.of();
        List<String> processorNeeds = new ArrayList<>(List.of("kafka", "schema-registry", "s3", "debezium-configurator"));
        if (config.onSparkCluster()) {
            processorNeeds.add("spark-worker");
        }
        List<LocalService> all = new ArrayList<>(List.of(
                new PostgresService(config),
                new KafkaService(config),
                new RegistryService(config),
                new ConnectService(config),
                new S3Service(config),
                new JavaService(config, "data-initializer", true, List.of("postgres"), "512m"),
                configurator(config),
                new JavaService(config, "kafka-consumer", false, List.of("kafka", "schema-registry", "debezium-configurator"),
                        "256m").withDetails(() -> consumerLag(config)),
                new JavaService(config, "data-generator", false, List.of("postgres", "data-initializer"), "256m")));
        all.addAll(all.size() - 1, spark);
        all.add(all.size() - 1, new JavaService(config, "spark-processor", false, processorNeeds, "1536m")
                .withJvmOptions(SparkJvm.MODULE_OPTIONS)
                .withEnvironment(Map.of("SPARK_LOCAL_IP", "127.0.0.1"))
                .withDetails(() -> LakeStatusLines.read(processorStatusFile(config))));
        all.add(all.size() - 1, queryService(config));
        return new Fleet(all);
    }

    /** Read-only SQL over the lake in a warm Spark session, for ./platform query (docs/query.md). */
    private static JavaService queryService(PlatformConfig config) {
        return new JavaService(config, QUERY_SERVICE, "spark-processor", false, List.of("s3"), "1g")
                .withMainClass("io.minidp.processor.query.QueryService")
                .withJvmOptions(queryJvmOptions())
                .withEnvironment(Map.of("SPARK_LOCAL_IP", "127.0.0.1", "QUERY_BIND", "127.0.0.1",
                        // Spark's scratch space of its own, apart from the processor's.
                        "PROCESSOR_WORK_DIR", config.dataDir().resolve(QUERY_SERVICE).toString()))
                .withAddress(config.query().uri() + "/query")
                .withDetails(() -> List.of("console: " + config.query().console()));
    }

    /**
     * Spark's module options, and a heap that shrinks back after a verify (QueryService collects
     * when one ends): at most 30 % of it left free. The Docker image sets the same ratios (with
     * the serial collector there; the JVM's default, G1, here).
     */
    private static List<String> queryJvmOptions() {
        List<String> options = new ArrayList<>(SparkJvm.MODULE_OPTIONS);
        options.addAll(List.of("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30"));
        return options;
    }

    /**
     * Registers the connector; with CONFIGURATOR_WATCH_SECONDS above 0 (as in .env) it then stays
     * up as the connector's watchdog, a long-running service like any other, else it is one-shot.
     */
    private static JavaService configurator(PlatformConfig config) {
        Path status = configuratorStatusFile(config);
        JavaService s = new JavaService(config, "debezium-configurator", !config.cdc().watching(),
                List.of("postgres", "kafka-connect", "data-initializer"), "128m")
                .withEnvironment(Map.of("CONFIGURATOR_STATUS_FILE", status.toString(),
                        // Stated, not left to the service's own reading of .env: the runner decided one-shot or not.
                        "CONFIGURATOR_WATCH_SECONDS", Integer.toString(config.cdc().watchSeconds())));
        return config.cdc().watching() ? s.withDetails(() -> ConnectorWatchLines.read(status, Instant.now())) : s;
    }

    /** Where the configurator's watchdog writes what it saw and did. */
    public static Path configuratorStatusFile(PlatformConfig config) {
        return config.dataDir().resolve("debezium-configurator").resolve("status.json");
    }

    /** Where the processor writes its per-table status (PROCESSOR_WORK_DIR/status.json). */
    public static Path processorStatusFile(PlatformConfig config) {
        return config.env().get(Settings.PROCESSOR_WORK_DIR).map(d -> config.home().resolve(d))
                .orElse(config.dataDir().resolve("spark-processor")).resolve("status.json");
    }

    private static List<String> consumerLag(PlatformConfig config) {
        String group = config.env().get(Settings.CONSUMER_GROUP_ID).orElseThrow();
        Map<String, Long> lag = KafkaServer.lag(config.kafka().bootstrapServers(), group, Duration.ofSeconds(3));
        if (lag.isEmpty()) {
            return List.of("lag: unknown (nothing committed yet, or Kafka is down)");
        }
        List<String> lines = new ArrayList<>();
        lag.forEach((topic, n) -> lines.add("lag " + topic + ": " + n));
        return lines;
    }

    public Collection<LocalService> all() {
        return services.values();
    }

    public LocalService get(String name) {
        LocalService s = services.get(name);
        if (s == null) {
            throw new PlatformException("Unknown service '" + name + "'. The services are: "
                    + String.join(", ", services.keySet()) + ".");
        }
        return s;
    }

    /** The named services and everything they need, in start order; all services when none are named. */
    public List<LocalService> withDependencies(List<String> names) {
        if (names.isEmpty()) {
            return List.copyOf(services.values());
        }
        Set<String> wanted = new LinkedHashSet<>();
        names.forEach(n -> collect(get(n), wanted));
        return services.values().stream().filter(s -> wanted.contains(s.name())).toList();
    }

    /** The named services and everything that needs them, in stop order; all when none are named. */
    public List<LocalService> withDependents(List<String> names) {
        Set<String> wanted = new LinkedHashSet<>();
        if (names.isEmpty()) {
            wanted.addAll(services.keySet());
        }
        names.forEach(n -> wanted.add(get(n).name()));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (LocalService s : services.values()) {
                if (!wanted.contains(s.name()) && s.dependsOn().stream().anyMatch(wanted::contains)) {
                    grew = wanted.add(s.name());
                }
            }
        }
        List<LocalService> ordered = new ArrayList<>(services.values().stream().filter(s -> wanted.contains(s.name())).toList());
        java.util.Collections.reverse(ordered);
        return ordered;
    }

    private void collect(LocalService s, Set<String> into) {
        for (String dep : s.dependsOn()) {
            collect(get(dep), into);
        }
        into.add(s.name());
    }
}
