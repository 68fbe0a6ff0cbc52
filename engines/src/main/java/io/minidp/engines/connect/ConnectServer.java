package io.minidp.engines.connect;

import io.minidp.common.app.PlatformException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * How a Kafka Connect worker runs locally: distributed mode (its configs, offsets and status in
 * Kafka topics, so a restart resumes where it stopped), REST on 127.0.0.1, and the plugin folders
 * the kafka-connect modules assemble (Debezium's PostgreSQL connector, Apicurio's Avro converter).
 */
public final class ConnectServer {

    public static final String POSTGRES_CONNECTOR = "io.debezium.connector.postgresql.PostgresConnector";
    public static final String AVRO_CONVERTER = "io.apicurio.registry.utils.converter.AvroConverter";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Where the worker finds Kafka, listens, and keeps its files. */
    public record Settings(Path home, Path dataDir, String bootstrapServers, int restPort, String groupId) {}

    private ConnectServer() {}

    static Properties properties(Settings s) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", s.bootstrapServers());
        p.setProperty("group.id", s.groupId());
        p.setProperty("config.storage.topic", "_connect-configs");
        p.setProperty("offset.storage.topic", "_connect-offsets");
        p.setProperty("status.storage.topic", "_connect-status");
        p.setProperty("config.storage.replication.factor", "1");
        p.setProperty("offset.storage.replication.factor", "1");
        p.setProperty("status.storage.replication.factor", "1");
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("status.storage.partitions", "1");
        p.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("listeners", "http://127.0.0.1:" + s.restPort());
        p.setProperty("rest.advertised.host.name", "127.0.0.1");
        p.setProperty("rest.advertised.port", Integer.toString(s.restPort()));
        p.setProperty("plugin.path", String.join(",", pluginDirs(s.home())));
        // Source offsets are committed every second: a restart replays at most that much (Debezium dedupes by LSN).
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("connector.client.config.override.policy", "All");
        return p;
    }

    static List<String> pluginDirs(Path home) {
        return List.of(home.resolve("kafka-connect/debezium-plugin/target/plugins").toString(),
                home.resolve("kafka-connect/avro-converter-plugin/target/plugins").toString());
    }

    /** Writes the worker's properties; returns the file. */
    public static Path prepare(Settings s) {
        try {
            Files.createDirectories(s.dataDir());
            Path file = s.dataDir().resolve("worker.properties");
            try (var out = Files.newBufferedWriter(file)) {
                properties(s).store(out, "Written by the local runner from .env; edits are overwritten.");
            }
            return file;
        } catch (IOException e) {
            throw new PlatformException("Cannot write Kafka Connect's configuration in " + s.dataDir() + ": " + e.getMessage(), e);
        }
    }

    public static List<String> command(Settings s, String heap) {
        Path lib = s.home().resolve("kafka-connect/runtime/target/lib");
        for (String dir : pluginDirs(s.home())) {
            if (!Files.isDirectory(Path.of(dir))) {
                throw new PlatformException("The Connect plugin folder " + dir + " is missing. Build it with ./mvnw -DskipTests package.");
            }
        }
        if (!Files.isDirectory(lib)) {
            throw new PlatformException("Kafka Connect's jars are missing in " + lib + ". Build them with ./mvnw -DskipTests package.");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + s.home().resolve("kafka-broker/target/config/log4j2.properties"),
                "-cp", lib + "/*",
                "org.apache.kafka.connect.cli.ConnectDistributed", s.dataDir().resolve("worker.properties").toString());
    }

    /** One line per connector: its state and its tasks' states, as Connect reports them. */
    public static List<String> connectorStates(String restUrl) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl + "/connectors?expand=status"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return List.of("connectors: unknown (HTTP " + r.statusCode() + ")");
            }
            List<String> lines = new java.util.ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).fields().forEachRemaining(e -> {
                var status = e.getValue().path("status");
                List<String> tasks = new java.util.ArrayList<>();
                status.path("tasks").forEach(t -> tasks.add(t.path("id").asText() + " " + t.path("state").asText()));
                lines.add("connector " + e.getKey() + ": " + status.path("connector").path("state").asText()
                        + ", tasks: " + (tasks.isEmpty() ? "none" : String.join(", ", tasks)));
            });
            return lines.isEmpty() ? List.of("no connector registered") : lines;
        } catch (IOException e) {
            return List.of("connectors: unknown (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** True when the REST API answers and lists both plugins. */
    public static boolean ready(String restUrl) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl + "/connector-plugins?connectorsOnly=false"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains(POSTGRES_CONNECTOR) && r.body().contains(AVRO_CONVERTER);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
