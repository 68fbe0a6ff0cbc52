package io.minidp.runner.fleet;

import io.minidp.common.avro.ConfluentAvro;
import io.minidp.common.avro.SchemaRegistryClient;
import io.minidp.common.cdc.SnapshotProgress;
import io.minidp.runner.PlatformConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where Debezium's snapshots stand, for {@code ./platform status}: per table, its latest snapshot
 * (the initial one or a re-snapshot) from Debezium's notifications topic, read from its start, with
 * PostgreSQL's row count beside it.
 */
final class SnapshotLines {

    private static final Duration READ_FOR = Duration.ofSeconds(5);

    private SnapshotLines() {}

    static List<String> read(PlatformConfig config) {
        SnapshotProgress progress = new SnapshotProgress();
        ConfluentAvro avro = new ConfluentAvro(new SchemaRegistryClient(config.registry(), Duration.ofSeconds(3)));
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        TopicPartition tp = new TopicPartition(config.cdc().topics().notifications(), 0);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> end = c.endOffsets(List.of(tp), Duration.ofSeconds(3));
            if (end.getOrDefault(tp, 0L) == 0) {
                return List.of();
            }
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + READ_FOR.toNanos();
            while (c.position(tp) < end.get(tp) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    progress.add(avro.decode(r.value()).value());
                }
            }
        } catch (Exception e) {
            return List.of("snapshots: cannot read Debezium's notifications (" + e.getMessage() + ")");
        }
        Map<String, Long> rows = liveRows(config);
        List<String> lines = new ArrayList<>();
        for (SnapshotProgress.Table t : progress.tables()) {
            lines.add(t.table() + ": " + SnapshotProgress.describe(t, rows.getOrDefault(t.table(), -1L)));
        }
        return lines;
    }

    /** Rows per table of the public schema, from PostgreSQL's statistics; none when it does not answer. */
    private static Map<String, Long> liveRows(PlatformConfig config) {
        Map<String, Long> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(config.postgres().jdbcUrl(), config.postgres().user(),
                config.postgres().password().value());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE schemaname = 'public'")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
            }
        } catch (Exception e) {
            // Status shows the snapshots without PostgreSQL's counts.
        }
        return rows;
    }
}
