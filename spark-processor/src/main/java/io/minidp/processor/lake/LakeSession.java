package io.minidp.processor.lake;

import io.minidp.processor.ProcessorSettings;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/** The Spark session for the lake: Delta, s3a to the object store, UTC, and local scratch space. */
public final class LakeSession {

    private LakeSession() {}

    /** The processor's session: on SPARK_MASTER, with the Spark UI on its port. */
    public static SparkSession forProcessor(ProcessorSettings s) {
        return withoutAdaptiveExecution(create(s, "minidp-spark-processor", s.master(), s.uiPort()));
    }

    /** {@code ./platform verify}'s session: a query session (local, no UI) planned as the processor's is. */
    public static SparkSession forVerify(ProcessorSettings s) {
        return withoutAdaptiveExecution(forQuery(s));
    }

    /**
     * {@code ./platform verify}'s session inside the query service: a new session of its warm Spark
     * (its JVM has compiled Spark's and Delta's code already), planned as {@link #forVerify}'s.
     */
    public static SparkSession forVerifyIn(SparkSession query) {
        return withoutAdaptiveExecution(query.newSession());
    }

    /**
     * A batch's data, and verify's, is small and its shuffles few: adaptive execution would plan each
     * stage as a job of its own and plan again between them, a fixed cost per MERGE and per comparison
     * (measured: docs/performance.md).
     */
    private static SparkSession withoutAdaptiveExecution(SparkSession spark) {
        spark.conf().set("spark.sql.adaptive.enabled", "false");
        return spark;
    }

    /** A session for a one-off query: local, no UI, so that it runs beside the processor. */
    public static SparkSession forQuery(ProcessorSettings s) {
        SparkSession spark = create(s, "minidp-query", "local[2]", 0);
        // A query's JSON rows name every column, NULL ones too.
        spark.conf().set("spark.sql.jsonGenerator.ignoreNullFields", "false");
        // Tables by name only: no format.`path` reads of any file the service can see.
        spark.conf().set("spark.sql.runSQLOnFiles", "false");
        return spark;
    }

    /**
     * Spark caches the classes it generates per class loader. With artifact isolation (Spark 4's
     * default), each session (Silver clones one per MERGE) runs its tasks in a class loader of its
     * own, so every MERGE compiled the same code again; and the default cache of 100 classes is
     * smaller than one batch of three tables needs. Measured: 570 compilations per batch before,
     * 1 after (docs/performance.md). We add no jars or files to sessions, so isolation has nothing
     * to isolate here.
     */
    static SparkSession.Builder oneCodeCache(SparkSession.Builder b) {
        return b.config("spark.sql.artifact.isolation.enabled", "false")
                .config("spark.sql.codegen.cache.maxEntries", 4000);
    }

    private static SparkSession create(ProcessorSettings s, String appName, String master, int uiPort) {
        // Delta re-verifies a table's whole file list after every commit unless the session's and the
        // JVM's zones both name UTC: Etc/UTC does, but GMT (a JVM that finds no zone) does not.
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        System.setProperty("user.timezone", "UTC");
        Path scratch = s.workDir().toAbsolutePath().resolve("tmp");
        SparkSession.Builder b = oneCodeCache(SparkSession.builder())
                .appName(appName)
                .master(master)
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", s.shufflePartitions())
                .config("spark.databricks.delta.snapshotPartitions", s.shufflePartitions())
                .config("spark.databricks.delta.schema.autoMerge.enabled", "true")
                // Measured: a MERGE that marks rows in deletion vectors runs 11 more Spark jobs than one
                // that rewrites the (small) files it touches.
                .config("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false")
                // Columns keep PostgreSQL's names, spaces and all: Delta stores such names only with column mapping.
                .config("spark.databricks.delta.properties.defaults.columnMapping.mode", "name")
                // A column widened in PostgreSQL (integer to bigint, a larger numeric) is widened in the lake too.
                .config("spark.databricks.delta.properties.defaults.enableTypeWidening", "true")
                .config("spark.local.dir", scratch.toString())
                // The catalog's databases (bronze, silver, history, gold for queries) hold no data of their own.
                .config("spark.sql.warehouse.dir", scratch.resolve("warehouse").toString())
                .config("spark.hadoop.hadoop.tmp.dir", scratch.resolve("hadoop").toString())
                .config("spark.driver.host", s.driverHost())
                .config("spark.ui.enabled", uiPort > 0)
                .config("spark.ui.port", Math.max(uiPort, 1))
                .config("spark.ui.showConsoleProgress", "false")
                // Spark keeps the jobs, stages, tasks and SQL plans it has run for its UI (with the UI
                // off too), 1,000 of each by default: a batch runs ~55 stages, and a long-running
                // processor's heap filled with history nobody looks at. The last few batches' are kept.
                .config("spark.ui.retainedJobs", "200")
                .config("spark.ui.retainedStages", "200")
                .config("spark.ui.retainedTasks", "10000")
                .config("spark.sql.ui.retainedExecutions", "100");
        if (!master.startsWith("spark://")) {
            b.config("spark.driver.bindAddress", "127.0.0.1");
        } else {
            // Our jars reach executors with spark.jars; on the executor's own classpath too (the same
            // paths in the same image or build), they also give executors our logging set-up.
            // An executor's heap starts small and grows as its work needs, with the serial collector,
            // which gives memory back after a full collection instead of keeping all it once used.
            b.config("spark.executor.memory", s.executorMemory())
                    .config("spark.executor.extraJavaOptions", "-XX:+UseSerialGC -Xms64m")
                    .config("spark.jars", String.join(",", ownJars()))
                    .config("spark.executor.extraClassPath", String.join(":", ownJars()))
                    .config("spark.executorEnv.SERVICE_NAME", "spark-executor")
                    .config("spark.executorEnv.LOGS_DIR", s.logsDir().toAbsolutePath().toString());
        }
        String endpoint = s.s3().endpoint().toString();
        b.config("spark.hadoop.fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
                .config("spark.hadoop.fs.s3a.endpoint", endpoint)
                .config("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
                .config("spark.hadoop.fs.s3a.path.style.access", "true")
                .config("spark.hadoop.fs.s3a.connection.ssl.enabled", Boolean.toString(endpoint.startsWith("https")))
                .config("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
                .config("spark.hadoop.fs.s3a.access.key", s.s3().accessKey())
                .config("spark.hadoop.fs.s3a.secret.key", s.s3().secretKey().value())
                // The object store may be restarting: keep trying for about a minute, not forever.
                .config("spark.hadoop.fs.s3a.attempts.maximum", "10")
                .config("spark.hadoop.fs.s3a.retry.limit", "10")
                .config("spark.hadoop.fs.s3a.retry.interval", "2s");
        return b.getOrCreate();
    }

    /**
     * Our code for executors on a cluster: the processor's jar and the common module's. Spark,
     * Delta and the connectors are on the worker's classpath already.
     */
    private static Set<String> ownJars() {
        Set<String> jars = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {LakeSession.class, io.minidp.common.config.S3Config.class}) {
            try {
                File f = new File(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (f.isFile()) {
                    jars.add(f.getAbsolutePath());
                }
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return jars;
    }
}
