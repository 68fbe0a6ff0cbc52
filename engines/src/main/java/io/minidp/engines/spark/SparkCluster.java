package io.minidp.engines.spark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster from the Maven build's jars: one master and one worker on 127.0.0.1.
 *
 * @param masterPort   the port applications connect to ({@code spark://127.0.0.1:<port>})
 * @param masterUiPort the master's web UI, whose {@code /json} tells whether the worker has registered
 * @param workerUiPort the worker's web UI
 */
public record SparkCluster(Path home, Path dataDir, int masterPort, int masterUiPort, int workerUiPort, int cores,
                           String memory) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern ALIVE_WORKER = Pattern.compile("\"state\"\\s*:\\s*\"ALIVE\"");

    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /**
     * Environment a daemon needs: loopback only, the Scala version, the SPARK_HOME executors start
     * from, and where it logs ({@code <logsDir>/<service>.log}, as every service).
     */
    public Map<String, String> env(String service, Path logsDir) {
        return Map.of("SPARK_LOCAL_IP", "127.0.0.1", "SPARK_SCALA_VERSION", "2.13",
                "SPARK_HOME", SparkJvm.sparkHome(home, dataDir).toString(),
                "SERVICE_NAME", service, "LOGS_DIR", logsDir.toAbsolutePath().toString());
    }

    /** The daemons' classpath: the processor's jar first, for its logging set-up, then Spark's jars. */
    private List<String> classpath() {
        return List.of(SparkJvm.processorJar(home).toString(), SparkJvm.libDir(home) + "/*");
    }

    public List<String> masterCommand(String heap) {
        return SparkJvm.java(heap, classpath(), "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", Integer.toString(masterPort),
                        "--webui-port", Integer.toString(masterUiPort)));
    }

    public List<String> workerCommand(String heap) {
        return SparkJvm.java(heap, classpath(), "org.apache.spark.deploy.worker.Worker",
                List.of("--host", "127.0.0.1", "--webui-port", Integer.toString(workerUiPort),
                        "--cores", Integer.toString(cores), "--memory", memory,
                        "--work-dir", dataDir.resolve("work").toAbsolutePath().toString(), masterUrl()));
    }

    /** The master answers on its web UI. */
    public boolean masterReady() {
        return json() != null;
    }

    /** A worker has registered with the master and is alive. */
    public boolean workerReady() {
        String json = json();
        return json != null && ALIVE_WORKER.matcher(json).find();
    }

    private String json() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
