package io.minidp.engines.kafka;

import io.minidp.common.app.PlatformException;
import io.minidp.engines.process.Commands;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * How a single-node Kafka runs locally: one process that is both broker and KRaft controller
 * (no ZooKeeper), listening on 127.0.0.1 only, its data in a folder of its own. The jars come
 * from the kafka-broker module's target/lib.
 */
public final class KafkaServer {

    /** Where the broker listens and keeps its data. */
    public record Settings(Path libDir, Path configDir, Path dataDir, int port, int controllerPort, long retentionHours) {}

    private KafkaServer() {}

    static Properties properties(Settings s) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + s.controllerPort());
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + s.port() + ",CONTROLLER://127.0.0.1:" + s.controllerPort());
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + s.port());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", s.dataDir().resolve("logs").toString());
        // One node: every internal topic has one replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The change history must outlive the lake built from it: by default it is kept for ever.
        p.setProperty("log.retention.hours", Long.toString(s.retentionHours()));
        p.setProperty("log.retention.bytes", "-1");
        p.setProperty("auto.create.topics.enable", "true");
        return p;
    }

    /** Writes server.properties and formats the storage on first use; returns the properties file. */
    public static Path prepare(Settings s) {
        try {
            Files.createDirectories(s.dataDir());
            Path file = s.dataDir().resolve("server.properties");
            try (var out = Files.newBufferedWriter(file)) {
                properties(s).store(out, "Written by the local runner from .env; edits are overwritten.");
            }
            if (!Files.exists(s.dataDir().resolve("logs/meta.properties"))) {
                List<String> format = new ArrayList<>(javaCommand(s, "512m"));
                format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", file.toString(),
                        "--standalone"));
                Commands.run(format, null, 120);
            }
            return file;
        } catch (IOException e) {
            throw new PlatformException("Cannot prepare Kafka's data folder " + s.dataDir() + ": " + e.getMessage(), e);
        }
    }

    public static List<String> command(Settings s, String heap) {
        List<String> cmd = new ArrayList<>(javaCommand(s, heap));
        cmd.add("kafka.Kafka");
        cmd.add(s.dataDir().resolve("server.properties").toString());
        return cmd;
    }

    private static List<String> javaCommand(Settings s, String heap) {
        if (!Files.isDirectory(s.libDir())) {
            throw new PlatformException("Kafka's jars are missing in " + s.libDir()
                    + ". Build them with ./mvnw -DskipTests package.");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Xms" + heap, "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + s.configDir().resolve("log4j2.properties"),
                "-cp", s.libDir() + "/*");
    }

    /** A KRaft cluster id: 16 random bytes, base64url without padding, not starting with '-'. */
    static String clusterId() {
        while (true) {
            UUID u = UUID.randomUUID();
            ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
            // One id in 64 starts with '-', which the storage tool takes for an option (Kafka's own ids skip those).
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    /**
     * How far a consumer group is behind, by topic: end offsets minus committed offsets. Empty when
     * the group has committed nothing yet or Kafka does not answer in time.
     */
    public static Map<String, Long> lag(String bootstrapServers, String groupId, Duration timeout) {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Map<String, Long> lag = new java.util.TreeMap<>();
        try (Admin admin = Admin.create(conf)) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            committed.forEach((tp, om) -> lag.merge(tp.topic(), Math.max(0, ends.get(tp).offset() - om.offset()), Long::sum));
        } catch (ExecutionException | TimeoutException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lag;
    }

    /** True when the broker answers a metadata request within {@code timeout}. */
    public static boolean answers(String bootstrapServers, Duration timeout) {
        String first = bootstrapServers.split(",")[0];
        int colon = first.lastIndexOf(':');
        try (Socket probe = new Socket()) {
            // A closed port answers at once; the admin client would retry and warn until its timeout.
            probe.connect(new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))),
                    (int) timeout.toMillis());
        } catch (IOException e) {
            return false;
        }
        Map<String, Object> conf = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(conf)) {
            return !admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
