package io.minidp.runner.cli;

import io.minidp.common.app.PlatformException;
import io.minidp.common.avro.ConfluentAvro;
import io.minidp.common.avro.SchemaRegistryClient;
import io.minidp.common.cdc.Signals;
import io.minidp.common.config.PostgresConfig;
import io.minidp.runner.PlatformConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code ./platform resnapshot <table>...}: Debezium re-reads the tables (an incremental snapshot,
 * started by a signal in {@link Signals#TABLE}) while streaming goes on. Each re-read row reaches
 * the lake as a new read event at the snapshot window's position, so silver takes it over any
 * older change and loses nothing newer. Progress comes from Debezium's notifications topic.
 */
public final class ResnapshotCommand {

    /** How long a re-snapshot may go without a word from Debezium before the command stops waiting. */
    private static final Duration QUIET_LIMIT = Duration.ofMinutes(3);

    private ResnapshotCommand() {}

    public static int run(PlatformConfig config, List<String> arguments, Console console) {
        boolean rebuild = arguments.contains("--rebuild");
        List<String> tables = arguments.stream().filter(a -> !a.equals("--rebuild")).toList();
        if (tables.isEmpty() || tables.stream().anyMatch(t -> t.startsWith("--"))) {
            throw new PlatformException("Usage: ./platform resnapshot [--rebuild] <table>... (tables of the public schema)");
        }
        PostgresConfig pg = config.postgres();
        String topic = notificationsTopic(config);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                KafkaConsumer<byte[], byte[]> notifications = notificationsConsumer(config, topic)) {
            Map<String, Long> rows = check(c, tables);
            if (rebuild) {
                try (LakeControl lake = new LakeControl(config.s3())) {
                    lake.rebuild(List.copyOf(rows.keySet()), console);
                }
            }
            String id = Signals.requestSnapshot(c, List.copyOf(rows.keySet()));
            console.say("Asked Debezium to re-read %s (signal %s in %s).", rows.keySet(), id, Signals.TABLE);
            return follow(config, notifications, rows, console);
        } catch (SQLException e) {
            throw new PlatformException("PostgreSQL at " + pg.address() + " failed: " + e.getMessage()
                    + ". Is the platform up (./platform status)?", e);
        }
    }

    /**
     * Every named table exists in the public schema and has a primary key, and the signal table
     * is there; else an error naming each problem, before anything is written. Returns each
     * table's row count.
     */
    static Map<String, Long> check(Connection c, List<String> tables) throws SQLException {
        List<String> problems = new ArrayList<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        Set<String> known = new TreeSet<>();
        Set<String> keyed = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT t.relname, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND i.indisprimary)
                FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p')""")) {
            while (rs.next()) {
                known.add(rs.getString(1));
                if (rs.getBoolean(2)) {
                    keyed.add(rs.getString(1));
                }
            }
        }
        for (String t : tables) {
            if (!known.contains(t)) {
                problems.add("there is no table " + t + " in schema public (its tables: " + String.join(", ", known)
                        + "; a name is case-sensitive)");
            } else if (!keyed.contains(t)) {
                problems.add("table " + t + " has no primary key: Debezium re-reads a table in key order, and the lake"
                        + " keeps a table without a key in bronze only. Add a primary key to re-read it");
            }
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + Signals.TABLE + "') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                problems.add("the signal table " + Signals.TABLE + " is missing: ./platform up runs the"
                        + " data-initializer, which creates it");
            }
        }
        if (!problems.isEmpty()) {
            throw new PlatformException("Nothing was re-snapshotted: " + String.join("; ", problems) + ".");
        }
        for (String t : tables) {
            try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM public.\"" + t.replace("\"", "\"\"") + "\"");
                    ResultSet rs = p.executeQuery()) {
                rs.next();
                rows.put(t, rs.getLong(1));
            }
        }
        return rows;
    }

    /** Prints Debezium's notifications about the re-snapshot until every table is read; returns the exit code. */
    private static int follow(PlatformConfig config, KafkaConsumer<byte[], byte[]> notifications, Map<String, Long> rows,
                              Console console) {
        ConfluentAvro avro = new ConfluentAvro(new SchemaRegistryClient(config.registry(), Duration.ofSeconds(10)));
        Set<String> pending = new HashSet<>(rows.keySet());
        long quietSince = System.nanoTime();
        while (!pending.isEmpty()) {
            for (ConsumerRecord<byte[], byte[]> r : notifications.poll(Duration.ofSeconds(1))) {
                GenericRecord n;
                try {
                    n = avro.decode(r.value()).value();
                } catch (ConfluentAvro.MalformedMessage | SchemaRegistryClient.RegistryUnavailable e) {
                    console.say("  (a notification at offset %d could not be read: %s)", r.offset(), e.getMessage());
                    continue;
                }
                if (n == null || !"Incremental Snapshot".equals(String.valueOf(n.get("aggregate_type")))) {
                    continue;
                }
                quietSince = System.nanoTime();
                Map<?, ?> data = n.get("additional_data") instanceof Map<?, ?> m ? m : Map.of();
                String type = String.valueOf(n.get("type"));
                String table = tableOf(data.get(key(data, "scanned_collection", "current_collection_in_progress")));
                switch (type) {
                    case "STARTED" -> console.say("  started");
                    case "DATA_COLLECTIONS_RESOLVED" -> console.say("  tables: %s", data.get(key(data, "data_collections")));
                    case "IN_PROGRESS" -> console.say("  %s: read up to key %s of %s", table,
                            data.get(key(data, "last_processed_key")), data.get(key(data, "maximum_key")));
                    case "TABLE_SCAN_COMPLETED" -> {
                        console.say("  %s: done, %s rows read (%,d in PostgreSQL when asked), status %s", table,
                                data.get(key(data, "total_rows_scanned")), rows.getOrDefault(table, -1L),
                                data.get(key(data, "status")));
                        pending.remove(table);
                    }
                    case "COMPLETED" -> pending.clear();
                    case "ABORTED" -> {
                        console.say("  aborted by Debezium; see ./platform logs kafka-connect");
                        return 1;
                    }
                    default -> console.say("  %s %s", type, data);
                }
            }
            if (System.nanoTime() - quietSince > QUIET_LIMIT.toNanos()) {
                console.say("No word from Debezium for %d minutes; the re-snapshot may still run. Is the connector"
                        + " RUNNING (./platform status)? Its log: ./platform logs kafka-connect", QUIET_LIMIT.toMinutes());
                return 1;
            }
        }
        console.say("Re-read %s. The lake has every row once the processor has applied them (./platform status).",
                rows.keySet());
        return 0;
    }

    /** Avro map keys arrive as Utf8: the key of {@code data} with the first of {@code names} it has. */
    private static Object key(Map<?, ?> data, String... names) {
        for (String name : names) {
            for (Object k : data.keySet()) {
                if (name.equals(String.valueOf(k))) {
                    return k;
                }
            }
        }
        return names[0];
    }

    /** {@code public.orders} → {@code orders}. */
    private static String tableOf(Object collection) {
        String c = String.valueOf(collection);
        return c.startsWith("public.") ? c.substring("public.".length()) : c;
    }

    static String notificationsTopic(PlatformConfig config) {
        return config.cdc().topics().notifications();
    }

    /** A consumer at the end of the notifications topic (when it exists yet), so only what follows is shown. */
    private static KafkaConsumer<byte[], byte[]> notificationsConsumer(PlatformConfig config, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        consumer.position(tp, Duration.ofSeconds(10));
        return consumer;
    }
}
