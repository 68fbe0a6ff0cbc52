package io.minidp.processor.verify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.common.config.PostgresConfig;
import io.minidp.processor.ProcessorSettings;
import io.minidp.processor.lake.LakePaths;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * {@code ./platform verify}: is the lake what PostgreSQL holds? First it waits for a consistent
 * point: Debezium has confirmed PostgreSQL's current WAL position on its slot (everything up to it
 * is in Kafka), and the processor's checkpoint has committed the Kafka offsets that were the end
 * then. Then, per table of the public schema, it compares PostgreSQL with silver: the row counts,
 * then every row by key and every column, reporting the first differences by key and column.
 * Types compare exactly: decimals as decimals, timestamps to the microsecond, NULL apart from ''.
 */
public final class Verifier {

    private static final int SHOWN = 10;
    private static final Pattern OFFSETS_FILE = Pattern.compile("\\d+");

    /** One table's outcome. */
    public record TableReport(String table, boolean equal, String summary, List<String> differences) {}

    /** All tables' outcomes, and whether the comparison was made at a consistent point. */
    public record Report(boolean consistent, String point, List<TableReport> tables) {
        public boolean passed() {
            return consistent && tables.stream().allMatch(TableReport::equal);
        }
    }

    private final SparkSession spark;
    private final ProcessorSettings settings;
    private final PostgresConfig pg;
    private final String slot;
    private final Duration timeout;
    private final LakePaths paths;

    public Verifier(SparkSession spark, ProcessorSettings settings, PostgresConfig pg, String slot, Duration timeout) {
        this.spark = spark;
        this.settings = settings;
        this.pg = pg;
        this.slot = slot;
        this.timeout = timeout;
        this.paths = new LakePaths(settings.lakeRoot());
    }

    public Report run() throws Exception {
        String point;
        boolean consistent;
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value())) {
            String target = one(c, "SELECT pg_current_wal_lsn()::text");
            long deadline = System.nanoTime() + timeout.toNanos();
            String flushed = awaitSlot(c, target, deadline);
            Map<TopicPartition, Long> ends = kafkaEnds();
            Map<TopicPartition, Long> done = awaitCheckpoint(ends, deadline);
            List<String> behind = new ArrayList<>();
            ends.forEach((tp, end) -> {
                long at = done.getOrDefault(tp, 0L);
                if (at < end) {
                    behind.add(tp + " " + (end - at) + " behind");
                }
            });
            consistent = flushed == null && behind.isEmpty();
            point = consistent ? "PostgreSQL LSN " + target + ", applied to the lake"
                    : "NOT consistent after " + timeout.toSeconds() + " s: "
                            + (flushed != null ? "Debezium's slot " + slot + " confirmed " + flushed + " of " + target + "; " : "")
                            + (behind.isEmpty() ? "" : "the processor is " + behind);
            List<TableReport> reports = new ArrayList<>();
            for (Map.Entry<String, List<String>> t : tables(c).entrySet()) {
                reports.add(compare(t.getKey(), t.getValue()));
            }
            return new Report(consistent, point, reports);
        }
    }

    /** Prints the report; returns whether it passed. */
    public static boolean print(Report r, PrintStream out) {
        out.println("Consistent point: " + r.point());
        for (TableReport t : r.tables()) {
            out.printf("%-24s %-9s %s%n", t.table(), t.equal() ? "EQUAL" : "DIFFERENT", t.summary());
            t.differences().forEach(d -> out.println("    " + d));
        }
        out.println(r.passed() ? "verify: the lake equals PostgreSQL" : "verify: FAILED");
        return r.passed();
    }

    /**
     * Waits until Debezium has everything up to {@code target}: its slot confirmed it, or (a quiet
     * database, where Debezium confirms only the LSN of its last change) the walsender has sent it
     * all and the CDC topics' end offsets no longer move. Returns null when so, else where it is.
     */
    private String awaitSlot(Connection c, String target, long deadline) throws Exception {
        Map<TopicPartition, Long> lastEnds = null;
        while (true) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT s.confirmed_flush_lsn::text, s.confirmed_flush_lsn >= ?::pg_lsn,
                           coalesce(r.sent_lsn >= ?::pg_lsn, false)
                    FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
                    WHERE s.slot_name = ?""")) {
                ps.setString(1, target);
                ps.setString(2, target);
                ps.setString(3, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return "nothing (there is no slot " + slot + "; check CDC_SLOT)";
                    }
                    if (rs.getBoolean(2)) {
                        return null;
                    }
                    if (rs.getBoolean(3)) {
                        Map<TopicPartition, Long> ends = kafkaEnds();
                        if (ends.equals(lastEnds)) {
                            return null;
                        }
                        lastEnds = ends;
                    }
                    if (System.nanoTime() > deadline) {
                        return rs.getString(1);
                    }
                }
            }
            Thread.sleep(2000);
        }
    }

    private Map<TopicPartition, Long> kafkaEnds() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Pattern topics = Pattern.compile(Pattern.quote(settings.topicPrefix()) + "\\.[^.]+\\.[^.]+");
            Set<String> names = admin.listTopics().names().get();
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            for (var d : admin.describeTopics(names.stream().filter(n -> topics.matcher(n).matches()).toList())
                    .allTopicNames().get().values()) {
                d.partitions().forEach(pi -> wanted.put(new TopicPartition(d.name(), pi.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
            admin.listOffsets(wanted).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }
    }

    /** The offsets of the last batch the checkpoint has committed, waiting until they reach {@code ends}. */
    private Map<TopicPartition, Long> awaitCheckpoint(Map<TopicPartition, Long> ends, long deadline) throws Exception {
        while (true) {
            Map<TopicPartition, Long> done = committedOffsets();
            boolean reached = ends.entrySet().stream().allMatch(e -> done.getOrDefault(e.getKey(), 0L) >= e.getValue());
            if (reached || System.nanoTime() > deadline) {
                return done;
            }
            Thread.sleep(1000);
        }
    }

    private Map<TopicPartition, Long> committedOffsets() throws IOException {
        String checkpoint = settings.checkpoint();
        FileSystem fs = FileSystem.get(URI.create(checkpoint), spark.sparkContext().hadoopConfiguration());
        long last = -1;
        Path commits = new Path(checkpoint + "/commits");
        if (fs.exists(commits)) {
            for (FileStatus f : fs.listStatus(commits)) {
                if (OFFSETS_FILE.matcher(f.getPath().getName()).matches()) {
                    last = Math.max(last, Long.parseLong(f.getPath().getName()));
                }
            }
        }
        Map<TopicPartition, Long> done = new HashMap<>();
        if (last < 0) {
            return done;
        }
        String text;
        try (var in = fs.open(new Path(checkpoint + "/offsets/" + last))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // Line 1 is the version, line 2 the batch's metadata, then one line per source.
        List<String> lines = text.lines().toList();
        ObjectMapper json = new ObjectMapper();
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            JsonNode source = json.readTree(line);
            source.properties().forEach(t -> t.getValue().properties().forEach(
                    p -> done.put(new TopicPartition(t.getKey(), Integer.parseInt(p.getKey())), p.getValue().asLong())));
        }
        return done;
    }

    /** The public schema's tables and their primary key columns (empty for none), by name. */
    private static Map<String, List<String>> tables(Connection c) throws SQLException {
        Map<String, List<String>> tables = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT t.relname, a.attname
                FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                LEFT JOIN pg_index i ON i.indrelid = t.oid AND i.indisprimary
                LEFT JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) ON true
                LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p')
                ORDER BY t.relname, k.ord""")) {
            while (rs.next()) {
                List<String> keys = tables.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
                if (rs.getString(2) != null) {
                    keys.add(rs.getString(2));
                }
            }
        }
        return tables;
    }

    /** PostgreSQL's table against silver: counts, then rows by key and every PostgreSQL column. */
    TableReport compare(String table, List<String> keys) {
        if (keys.isEmpty()) {
            return new TableReport(table, true, "no primary key: kept in bronze only, not compared", List.of());
        }
        String silverPath = paths.silver(table);
        Dataset<Row> source = spark.read().format("jdbc")
                .option("url", pg.jdbcUrl()).option("user", pg.user()).option("password", pg.password().value())
                .option("driver", "org.postgresql.Driver").option("dbtable", "public.\"" + table.replace("\"", "\"\"") + "\"")
                .option("preferTimestampNTZ", "true").option("fetchsize", "10000")
                .load();
        if (!LakePaths.exists(spark, silverPath + "/_delta_log")) {
            long n = source.count();
            return new TableReport(table, n == 0, "no silver table" + (n == 0 ? " (and no rows in PostgreSQL)" : "; PostgreSQL has " + n + " rows"),
                    List.of());
        }
        Dataset<Row> silver = spark.read().format("delta").load(silverPath);
        List<String> silverColumns = List.of(silver.columns());
        List<String> differences = new ArrayList<>();
        List<Column> selected = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (StructField f : source.schema().fields()) {
            if (!silverColumns.contains(f.name())) {
                differences.add("column " + f.name() + " is missing in silver");
                continue;
            }
            columns.add(f.name());
            selected.add(col(q(f.name())).cast(f.dataType()).as(f.name()));
        }
        Dataset<Row> lake = silver.select(selected.toArray(Column[]::new));
        source = source.select(columns.stream().map(n -> col(q(n))).toArray(Column[]::new));
        long pgRows = source.count();
        long lakeRows = lake.count();

        Column on = lit(true);
        for (String k : keys) {
            on = on.and(col("p." + q(k)).equalTo(col("l." + q(k))));
        }
        Column same = lit(true);
        for (String c : columns) {
            same = same.and(col("p." + q(c)).eqNullSafe(col("l." + q(c))));
        }
        Dataset<Row> joined = source.as("p").join(lake.as("l"), on, "full_outer");
        Column pgMissing = col("p." + q(keys.get(0))).isNull();
        Column lakeMissing = col("l." + q(keys.get(0))).isNull();
        List<Row> bad = joined.filter(pgMissing.or(lakeMissing).or(not(same))).limit(SHOWN).collectAsList();
        long badCount = bad.size() < SHOWN ? bad.size() : joined.filter(pgMissing.or(lakeMissing).or(not(same))).count();
        int n = columns.size();
        for (Row r : bad) {
            Map<String, Object> pgRow = new LinkedHashMap<>();
            Map<String, Object> lakeRow = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                pgRow.put(columns.get(i), r.get(i));
                lakeRow.put(columns.get(i), r.get(n + i));
            }
            boolean inPg = keys.stream().allMatch(k -> pgRow.get(k) != null);
            boolean inLake = keys.stream().allMatch(k -> lakeRow.get(k) != null);
            Map<String, Object> keyOf = new LinkedHashMap<>();
            keys.forEach(k -> keyOf.put(k, inPg ? pgRow.get(k) : lakeRow.get(k)));
            if (!inLake) {
                differences.add("key " + keyOf + ": in PostgreSQL, missing in silver");
            } else if (!inPg) {
                differences.add("key " + keyOf + ": in silver, not in PostgreSQL");
            } else {
                List<String> cols = new ArrayList<>();
                for (String c : columns) {
                    if (!java.util.Objects.equals(text(pgRow.get(c)), text(lakeRow.get(c)))) {
                        cols.add(c + ": PostgreSQL " + shown(pgRow.get(c)) + ", silver " + shown(lakeRow.get(c)));
                    }
                }
                differences.add("key " + keyOf + ": " + String.join("; ", cols));
            }
        }
        boolean equal = differences.isEmpty() && pgRows == lakeRows;
        String summary = String.format("%,d rows in PostgreSQL, %,d in silver%s", pgRows, lakeRows,
                badCount > 0 ? String.format("; %,d rows differ%s", badCount, badCount > SHOWN ? " (first " + SHOWN + " shown)" : "") : "");
        return new TableReport(table, equal, summary, differences);
    }

    private static String text(Object v) {
        if (v instanceof byte[] b) {
            return java.util.HexFormat.of().formatHex(b);
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.toPlainString();
        }
        return v == null ? null : v.toString();
    }

    private static String shown(Object v) {
        String t = text(v);
        if (t == null) {
            return "NULL";
        }
        return "'" + (t.length() > 60 ? t.substring(0, 60) + "...(" + t.length() + " chars)" : t) + "'";
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
