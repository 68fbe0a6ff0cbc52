package io.minidp.runner.fleet;

import io.minidp.engines.spark.SparkCluster;
import io.minidp.runner.PlatformConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone daemon from the Maven build's jars: the master, or one worker registered with
 * it. The runner starts them when SPARK_MASTER is spark://127.0.0.1:port.
 */
final class SparkService implements LocalService {

    private final PlatformConfig config;
    private final boolean master;
    private final SparkCluster cluster;

    SparkService(PlatformConfig config, boolean master) {
        this.config = config;
        this.master = master;
        PlatformConfig.SparkClusterSettings s = config.sparkCluster();
        this.cluster = new SparkCluster(config.home(), config.dataDir().resolve("spark"), s.masterPort(), s.masterUiPort(),
                s.workerUiPort(), s.workerCores(), s.workerMemory());
    }

    @Override
    public String name() {
        return master ? "spark-master" : "spark-worker";
    }

    @Override
    public List<String> dependsOn() {
        return master ? List.of() : List.of("spark-master");
    }

    @Override
    public String address() {
        return master ? cluster.masterUrl() + " (UI http://127.0.0.1:" + config.sparkCluster().masterUiPort() + ")"
                : "UI http://127.0.0.1:" + config.sparkCluster().workerUiPort();
    }

    @Override
    public List<String> command() {
        return master ? cluster.masterCommand("512m") : cluster.workerCommand("512m");
    }

    @Override
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(LocalService.super.environment());
        env.putAll(cluster.env(name(), config.logsDir()));
        env.put("LOG_CONSOLE", "false");
        return env;
    }

    @Override
    public boolean healthy() {
        return master ? cluster.masterReady() : cluster.workerReady();
    }
}
