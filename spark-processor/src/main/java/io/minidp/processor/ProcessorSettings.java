package io.minidp.processor;

import io.minidp.common.cdc.CdcTopics;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.KafkaConfig;
import io.minidp.common.config.RegistryConfig;
import io.minidp.common.config.S3Config;
import io.minidp.common.config.Settings;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The processor's settings, from the environment over .env.
 *
 * @param master          SPARK_MASTER: {@code local[*]}, {@code local[N]} or a standalone master {@code spark://host:port}
 * @param checkpoint      where the streaming query keeps its offsets and commits (on S3 by default)
 * @param triggerSeconds  how often a micro-batch starts when the stream runs
 * @param runOnce         process what Kafka holds now and stop (Spark's available-now trigger), instead of streaming
 * @param maxOffsets      at most this many Kafka records per micro-batch, so a backlog is taken in bounded steps
 * @param workDir         Spark's local scratch space and the status file
 * @param driverHost      the address executors reach the driver at (127.0.0.1 locally; the container name in Docker)
 * @param uiPort          the Spark UI's port, 0 for none
 * @param goldSeconds     gold tables are recomputed at most this often, when their silver tables changed
 * @param historySeconds  history tables take bronze's new changes at most this often
 * @param logsDir         where services log; executors on a cluster log there too
 * @param tableThreads    how many tables of a micro-batch are written at the same time
 * @param compactWrites   a bronze or history table is compacted after this many writes (0: never)
 */
public record ProcessorSettings(KafkaConfig kafka, RegistryConfig registry, S3Config s3, String topicPrefix, String master,
                                String checkpoint, int triggerSeconds, boolean runOnce, int maxOffsets,
                                int shufflePartitions, Path workDir, String driverHost, int uiPort, String executorMemory,
                                int goldSeconds, int historySeconds, Path logsDir, int tableThreads, int compactWrites) {

    private static final Pattern MASTER = Pattern.compile("local(\\[(\\*|\\d{1,3})])?|spark://[A-Za-z0-9.\\-]+:\\d{1,5}");

    public static ProcessorSettings read(ConfigReader r) {
        S3Config s3 = S3Config.read(r);
        Path dataDir = r.path(Settings.PLATFORM_DATA_DIR);
        return new ProcessorSettings(
                KafkaConfig.read(r),
                RegistryConfig.read(r),
                s3,
                CdcTopics.read(r).prefix(),
                r.parsed(Settings.SPARK_MASTER, ProcessorSettings::master, "local[*]"),
                checkpoint(r, s3),
                r.integer(Settings.PROCESSOR_TRIGGER_SECONDS, 0, 3600),
                r.parsed(Settings.PROCESSOR_RUN, v -> switch (v.strip().toLowerCase(Locale.ROOT)) {
                    case "stream" -> false;
                    case "once" -> true;
                    default -> throw new IllegalArgumentException("must be stream or once");
                }, false),
                r.integer(Settings.PROCESSOR_MAX_OFFSETS_PER_TRIGGER, 1, Integer.MAX_VALUE),
                r.integer(Settings.PROCESSOR_SHUFFLE_PARTITIONS, 1, 10_000),
                r.path(Settings.PROCESSOR_WORK_DIR, dataDir.resolve("spark-processor").toString()),
                r.string(Settings.SPARK_DRIVER_HOST),
                r.integer(Settings.PROCESSOR_UI_PORT, 0, 65535),
                r.parsed(Settings.SPARK_EXECUTOR_MEMORY, ProcessorSettings::memory, "1g"),
                r.integer(Settings.PROCESSOR_GOLD_SECONDS, 0, 86_400),
                r.integer(Settings.PROCESSOR_HISTORY_SECONDS, 0, 86_400),
                r.path(Settings.LOGS_DIR),
                r.integer(Settings.PROCESSOR_TABLE_THREADS, 1, 64),
                r.integer(Settings.PROCESSOR_COMPACT_WRITES, 0, 100_000));
    }

    /** PROCESSOR_CHECKPOINT: where the streaming query keeps its offsets and commits; in the lake's bucket by default. */
    public static String checkpoint(ConfigReader r, S3Config s3) {
        return r.parsed(Settings.PROCESSOR_CHECKPOINT, "s3a://" + s3.bucket() + "/_checkpoints/spark-processor",
                ProcessorSettings::location, "");
    }

    /**
     * Only what reading the lake needs (its object store, Spark's scratch space and shuffle
     * partitions), for a service that neither reads Kafka nor writes: the query service. The
     * streaming parts are left empty.
     */
    public static ProcessorSettings lakeReader(ConfigReader r) {
        S3Config s3 = S3Config.read(r);
        Path dataDir = r.path(Settings.PLATFORM_DATA_DIR);
        return new ProcessorSettings(null, null, s3, "", "local[2]", "", 0, false, 1,
                r.integer(Settings.PROCESSOR_SHUFFLE_PARTITIONS, 1, 10_000),
                r.path(Settings.PROCESSOR_WORK_DIR, dataDir.resolve("spark-processor").toString()),
                r.string(Settings.SPARK_DRIVER_HOST), 0, "1g", 0, 0, r.path(Settings.LOGS_DIR), 1, 0);
    }

    /**
     * These settings (a {@link #lakeReader}'s) with where the stream's changes come from and where
     * the processor keeps its checkpoint: what {@code ./platform verify} needs besides the lake.
     */
    public ProcessorSettings withStream(KafkaConfig kafka, String topicPrefix, String checkpoint) {
        return new ProcessorSettings(kafka, registry, s3, topicPrefix, master, checkpoint, triggerSeconds, runOnce, maxOffsets,
                shufflePartitions, workDir, driverHost, uiPort, executorMemory, goldSeconds, historySeconds, logsDir,
                tableThreads, compactWrites);
    }

    /** The lake's root: everything lives under this s3a:// URI. */
    public String lakeRoot() {
        return "s3a://" + s3.bucket();
    }

    /** The JSON file where the processor writes each table's version, rows and freshness. */
    public Path statusFile() {
        return workDir.resolve("status.json");
    }

    private static String master(String value) {
        if (!MASTER.matcher(value.strip()).matches()) {
            throw new IllegalArgumentException("must be local[*], local[N] or spark://host:port");
        }
        return value.strip();
    }

    private static String location(String value) {
        String v = value.strip();
        if (!(v.startsWith("s3a://") || v.startsWith("file:/") || v.startsWith("/"))) {
            throw new IllegalArgumentException("must be an s3a:// URI, a file: URI or an absolute path");
        }
        return v;
    }

    private static String memory(String value) {
        if (!value.strip().matches("\\d{1,6}[mMgG]")) {
            throw new IllegalArgumentException("must be a size such as 512m or 2g");
        }
        return value.strip();
    }
}
