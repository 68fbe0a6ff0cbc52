package io.minidp.engines.spark;

import io.minidp.engines.kafka.EmbeddedKafka;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.process.LocalProcess;
import java.nio.file.Path;
import java.time.Duration;

/** A real Spark standalone master and worker for integration tests, on free loopback ports. */
public final class EmbeddedSparkCluster implements AutoCloseable {

    private final SparkCluster cluster;
    private final LocalProcess master;
    private final LocalProcess worker;

    private EmbeddedSparkCluster(SparkCluster cluster, LocalProcess master, LocalProcess worker) {
        this.cluster = cluster;
        this.master = master;
        this.worker = worker;
    }

    public static EmbeddedSparkCluster start(Path workDir, Path logsDir, int cores, String memory) {
        SparkCluster c = new SparkCluster(EmbeddedKafka.home(), workDir.resolve("spark"), EmbeddedPostgres.freePort(),
                EmbeddedPostgres.freePort(), EmbeddedPostgres.freePort(), cores, memory);
        LocalProcess master = LocalProcess.startReady("The Spark master", c.masterCommand("512m"),
                quiet(c.env("spark-master", logsDir)),
                logsDir.resolve("spark-master.out"), Duration.ofSeconds(90), c::masterReady);
        LocalProcess worker;
        try {
            worker = LocalProcess.startReady("The Spark worker", c.workerCommand("512m"),
                    quiet(c.env("spark-worker", logsDir)),
                    logsDir.resolve("spark-worker.out"), Duration.ofSeconds(90), c::workerReady);
        } catch (RuntimeException e) {
            master.stop("TERM");
            throw e;
        }
        return new EmbeddedSparkCluster(c, master, worker);
    }

    /** Logs go to {@code <logsDir>/<service>.log} only; the process output file keeps what escapes logging. */
    private static java.util.Map<String, String> quiet(java.util.Map<String, String> env) {
        java.util.Map<String, String> m = new java.util.HashMap<>(env);
        m.put("LOG_CONSOLE", "false");
        return m;
    }

    public String masterUrl() {
        return cluster.masterUrl();
    }

    @Override
    public void close() {
        worker.stop("TERM");
        master.stop("TERM");
    }
}
