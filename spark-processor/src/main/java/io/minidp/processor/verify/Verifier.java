package io.minidp.processor.verify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.minidp.common.cdc.CdcTopics;
import io.minidp.common.config.PostgresConfig;
import io.minidp.processor.ProcessorSettings;
import io.minidp.processor.lake.CheckpointOffsets;
import io.minidp.processor.lake.History;
import io.minidp.processor.lake.LakePaths;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code ./platform verify}: is the lake what PostgreSQL holds? It takes one consistent view of
 * PostgreSQL ({@link PgSnapshot}), waits until the lake has every change that view sees (Debezium
 * has sent the WAL up to it, and the processor's checkpoint has committed the Kafka offsets that
 * were the end then), and compares, per table of the public schema:
 *
 * <ol>
 *   <li>PostgreSQL as of the view with the lake as of the same view: per key, the latest change in
 *       bronze that the view sees (deletes and TRUNCATEs applied). The database may go on
 *       changing meanwhile: what it does after the view is not compared, so lag is never reported
 *       as a difference, and a lost change always is;</li>
 *   <li>silver with bronze: every silver row must be the change bronze holds at its position;
 *       every key bronze last wrote (in a batch silver had applied, after the latest TRUNCATE)
 *       must be in silver; and no silver row may be behind bronze (an update, delete or TRUNCATE
 *       it missed). A row changed by hand in silver is found;</li>
 *   <li>history with PostgreSQL: the versions valid at the view's instant (the latest commit time
 *       it sees) must be PostgreSQL's rows as of the view.</li>
 * </ol>
 *
 * <p>Rows by key and every column; the first differences are reported by key and column. Types
 * compare exactly: decimals as decimals, timestamps to the microsecond, NULL apart from ''.
 */
public final class Verifier {

    private static final int SHOWN = 10;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Verifier.class);
    /** The prefix of verify's logical decoding messages (see {@link #awaitSlot}). */
    static final String MARK_PREFIX = "minidp-verify";

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
    private final Consumer<String> progress;
    /** Spark jobs started while {@link #run} runs (logged per table: each is a pass over data). */
    private final java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();
    /** The tables to compare; every table of the public schema when empty. */
    private java.util.Set<String> only = java.util.Set.of();

    public Verifier(SparkSession spark, ProcessorSettings settings, PostgresConfig pg, String slot, Duration timeout) {
        this(spark, settings, pg, slot, timeout, line -> {});
    }

    /**
     * Compares only {@code tables} (each must be a table of the public schema; case matters), not
     * every table: all of them when empty.
     */
    public Verifier only(java.util.Set<String> tables) {
        this.only = java.util.Set.copyOf(tables);
        return this;
    }

    /** As above; each step, as it ends, is also told to {@code progress} (and logged). */
    public Verifier(SparkSession spark, ProcessorSettings settings, PostgresConfig pg, String slot, Duration timeout,
            Consumer<String> progress) {
        this.spark = spark;
        this.settings = settings;
        this.pg = pg;
        this.slot = slot;
        this.timeout = timeout;
        this.paths = new LakePaths(settings.lakeRoot());
        this.progress = progress;
    }

    private void progress(String format, Object... args) {
        String line = String.format(format, args);
        LOG.info(line);
        progress.accept(line);
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    public Report run() throws Exception {
        org.apache.spark.scheduler.SparkListener counter = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(counter);
        try {
            return compareAll();
        } finally {
            spark.sparkContext().removeSparkListener(counter);
        }
    }

    private Report compareAll() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                PgSnapshot view = PgSnapshot.take(pg)) {
            checkNamed(tables(c).keySet());
            String target = view.walLsn();
            long started = System.nanoTime();
            long deadline = started + timeout.toNanos();
            progress("verify: PostgreSQL as of LSN %s; waiting until the lake has every change up to it (at most %d s)",
                    target, timeout.toSeconds());
            String flushed = awaitSlot(c, target, deadline);
            progress("verify: Debezium %s (%.1f s)", flushed == null ? "has sent them all to Kafka" : "has not sent them all",
                    secondsSince(started));
            for (int attempt = 1; ; attempt++) {
                long waited = System.nanoTime();
                Map<TopicPartition, Long> ends = kafkaEnds();
                Map<TopicPartition, Long> done = awaitCheckpoint(ends, deadline);
                List<String> behind = new ArrayList<>();
                ends.forEach((tp, end) -> {
                    long at = done.getOrDefault(tp, 0L);
                    if (at < end) {
                        behind.add(tp + " " + (end - at) + " behind");
                    }
                });
                boolean consistent = flushed == null && behind.isEmpty();
                String point = consistent ? "PostgreSQL as of LSN " + target + ", and the lake as of the same changes"
                        : "NOT consistent after " + timeout.toSeconds() + " s: "
                                + (flushed != null ? "Debezium's slot " + slot + " confirmed " + flushed + " of " + target + "; " : "")
                                + (behind.isEmpty() ? "" : "the processor is " + behind);
                long appliedBatch = lastCommittedBatch();
                progress("verify: the processor %s up to batch %d (%.1f s)", behind.isEmpty() ? "has applied them"
                        : "has not applied them all", appliedBatch, secondsSince(waited));
                List<TableReport> reports = new ArrayList<>();
                Map<String, List<String>> tables = tables(c);
                for (String named : only) {
                    if (!tables.containsKey(named)) {
                        reports.add(new TableReport(named, false, "no longer a table of schema public: dropped while"
                                + " verify waited, so not compared", List.of()));
                    }
                }
                for (Map.Entry<String, List<String>> t : tables.entrySet()) {
                    if (!only.isEmpty() && !only.contains(t.getKey())) {
                        continue;
                    }
                    long compared = System.nanoTime();
                    int jobsBefore = jobs.get();
                    TableReport r = compare(t.getKey(), t.getValue(), view, appliedBatch);
                    progress("verify: %s %s (%.1f s)", r.table(), r.equal() ? "equal" : "DIFFERENT", secondsSince(compared));
                    LOG.info("verify: {} took {} Spark jobs", r.table(), jobs.get() - jobsBefore);
                    reports.add(r);
                }
                Report report = new Report(consistent, point, reports);
                // A record Connect still had in flight on another topic when the slot confirmed (a
                // producer that retried) can land after the ends were read: what differs is compared
                // once more against the same view, with the topics' ends read again. A loss stays.
                if (report.passed() || !consistent || attempt == 2 || System.nanoTime() > deadline) {
                    return report;
                }
                LOG.info("Differences at the first comparison; comparing once more, as of the same view, once the"
                        + " lake has what Kafka holds now");
                Thread.sleep(2000);
            }
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
     * Waits until Debezium has everything up to {@code target} in Kafka: its slot confirmed it.
     * Debezium confirms the position of the last record the producer acknowledged when Connect
     * commits offsets, and the stream is in commit order; so a confirmed LSN at or past
     * {@code target} means every transaction the view sees was handed to Kafka, and acknowledged
     * but for records of other topics a producer was still retrying (which {@link #run} allows for
     * by comparing differences a second time). On a quiet database nothing would follow
     * {@code target}: two transactional logical decoding messages ({@link #MARK_PREFIX}) written
     * after the view give Debezium a record whose offset carries a commit past it. Returns null
     * when so, else what the slot confirmed when the time ran out, and why if it can tell.
     */
    private String awaitSlot(Connection c, String target, long deadline) throws Exception {
        boolean marked = markAfter(c);
        while (true) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT confirmed_flush_lsn::text, coalesce(confirmed_flush_lsn >= ?::pg_lsn, false), active
                    FROM pg_replication_slots WHERE slot_name = ?""")) {
                ps.setString(1, target);
                ps.setString(2, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return "nothing (there is no slot " + slot + "; check CDC_SLOT)";
                    }
                    if (rs.getBoolean(2)) {
                        return null;
                    }
                    if (System.nanoTime() > deadline) {
                        return rs.getString(1) + (rs.getBoolean(3) ? "" : " (no connector reads the slot now: is Kafka Connect"
                                + " up, its task RUNNING? ./platform status)") + (marked ? ""
                                : " (verify could not write its marks to the WAL; see its log)");
                    }
                }
            }
            Thread.sleep(500);
        }
    }

    /**
     * Writes the two marks (see {@link #awaitSlot}), each its own transaction: a record's offset
     * carries the commit LSN of the transaction before it, so the second mark's carries the
     * first's commit. Debezium sends them to {@code <prefix>.message}, a topic nothing reads. When
     * the database refuses them, the wait relies on Debezium's heartbeat to confirm a later LSN.
     */
    private boolean markAfter(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
            for (int i = 1; i <= 2; i++) {
                ps.setString(1, MARK_PREFIX);
                ps.setString(2, "verify " + java.time.Instant.now() + " mark " + i);
                ps.execute();
            }
            return true;
        } catch (java.sql.SQLException e) {
            LOG.warn("Cannot write verify's marks to the WAL ({}); waiting for Debezium's heartbeat to confirm"
                    + " a position past the view instead", e.getMessage());
            return false;
        }
    }

    private Map<TopicPartition, Long> kafkaEnds() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Pattern topics = new CdcTopics(settings.topicPrefix()).tables();
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

    /** The id of the last batch the processor's checkpoint has committed; -1 when none. */
    private long lastCommittedBatch() throws IOException {
        return CheckpointOffsets.lastCommittedBatch(settings.checkpoint(), spark.sparkContext().hadoopConfiguration());
    }

    private Map<TopicPartition, Long> committedOffsets() throws IOException {
        return CheckpointOffsets.committed(settings.checkpoint(), spark.sparkContext().hadoopConfiguration());
    }

    /** Every table named by {@link #only} exists; else nothing is compared, and the error names each one missing. */
    private void checkNamed(java.util.Set<String> existing) {
        List<String> missing = only.stream().filter(t -> !existing.contains(t)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new io.minidp.common.app.PlatformException("Nothing was verified: there is no table " + String.join(", ", missing)
                    + " in schema public (its tables: " + String.join(", ", existing) + "; a name is case-sensitive).");
        }
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

    /** One table: PostgreSQL as of {@code view} against the lake as of it, then silver against bronze. */
    TableReport compare(String table, List<String> keys, PgSnapshot view, long appliedBatch)
            throws SQLException, InterruptedException {
        if (keys.isEmpty()) {
            return new TableReport(table, true, "no primary key: kept in bronze only, not compared", List.of());
        }
        if (LakePaths.exists(spark, paths.root() + "/" + io.minidp.common.lake.LakeLayout.stoppedKey(table))) {
            return new TableReport(table, false, "its apply is stopped (./platform status says why). "
                    + io.minidp.processor.lake.StoppedTables.howToResume(table), List.of());
        }
        Map<String, PgSnapshot.AsText> asText = view.textColumns(table);
        Dataset<Row> source = view.read(spark, table, asText);
        String bronzePath = paths.bronze(table);
        String silverPath = paths.silver(table);
        if (!LakePaths.exists(spark, bronzePath + "/_delta_log") || !LakePaths.exists(spark, silverPath + "/_delta_log")) {
            long n = source.count();
            return new TableReport(table, n == 0, "no silver table" + (n == 0 ? " (and no rows in PostgreSQL)"
                    : "; PostgreSQL has " + n + " rows"), List.of());
        }
        // Silver first, then bronze: bronze then holds every change silver has applied. Both are
        // persisted and each one's first job (an aggregation over all of it) fills its cache, which
        // every later pass reads: silver's runs before bronze is even loaded.
        Dataset<Row> silver = spark.read().format("delta").load(silverPath).persist(StorageLevel.MEMORY_AND_DISK());
        Column[] keyColumns = keys.stream().map(k -> col(q(k))).toArray(Column[]::new);
        Row silverCounts = silver.agg(count(lit(1)), countDistinct(keyColumns[0],
                java.util.Arrays.copyOfRange(keyColumns, 1, keyColumns.length))).first();
        long silverRowCount = silverCounts.getLong(0);
        Dataset<Row> bronze = spark.read().format("delta").load(bronzePath).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<String> differences = new ArrayList<>();
            long bad = 0;
            if (silverCounts.getLong(1) != silverRowCount) {
                List<Row> twice = silver.groupBy(keyColumns).agg(count(lit(1)).as("_rows"))
                        .filter(col("_rows").gt(1)).limit(SHOWN).collectAsList();
                for (Row r : twice) {
                    differences.add("key " + keyOf(r, keys) + ": " + r.getLong(keys.size()) + " rows in silver");
                }
                bad += silverRowCount - silverCounts.getLong(1);
            }
            List<String> columns = new ArrayList<>();
            for (StructField f : source.schema().fields()) {
                if (!List.of(bronze.columns()).contains(f.name()) || !List.of(silver.columns()).contains(f.name())) {
                    differences.add("column " + f.name() + " is missing in " + (List.of(bronze.columns()).contains(f.name())
                            ? "silver" : "the lake"));
                } else {
                    columns.add(f.name());
                }
            }
            Dataset<Row> pgRows = source.select(typed(source, columns));
            for (String c : columns) {
                if (asText.get(c) == PgSnapshot.AsText.NUMERIC) {
                    pgRows = pgRows.withColumn(c, plainDecimal(col(q(c))));
                }
            }
            Column seen = view.sees(lsn(view.walLsn()));
            LakeState.Truncates truncates = LakeState.truncates(bronze, seen, appliedBatch);
            Dataset<Row> lake = LakeState.at(bronze, keys, seen, truncates.seen()).select(typed(source, columns));
            Diff atView = diff(pgRows, lake, keys, columns, "PostgreSQL", "the lake");
            differences.addAll(atView.lines());

            Dataset<Row> silverRows = silver.select(withPosition(typed(source, columns)));
            Dataset<Row> bronzeAtSilver = LakeState.atPositions(bronze, keys, silverRows).select(withPosition(typed(source, columns)));
            Diff silverVsBronze = diff(bronzeAtSilver, silverRows, keys, withPositionNames(columns), "bronze", "silver");
            differences.addAll(silverVsBronze.lines());
            // Keys silver lacks and rows it holds behind bronze, in one job: _missed is what silver
            // missed (null: the key itself).
            Dataset<Row> missing = LakeState.mustBeInSilver(bronze, keys, appliedBatch, truncates.all())
                    .join(silverRows, LakeState.seq(keys), "left_anti")
                    .select(LakeState.withExtra(keyColumns, lit(null).cast("string").as("_missed")));
            Dataset<Row> behind = LakeState.behindInSilver(bronze, keys, appliedBatch, silver, truncates.applied());
            List<Row> notApplied = missing.limit(SHOWN).unionByName(behind.limit(SHOWN)).collectAsList();
            for (Row r : notApplied) {
                String missed = r.getString(keys.size());
                differences.add("key " + keyOf(r, keys) + (missed == null ? ": in bronze, missing in silver"
                        : ": silver is behind bronze, it missed " + ("TRUNCATE".equals(missed) ? "a TRUNCATE"
                                : "d".equals(missed) ? "a delete" : "a later change")));
            }
            bad += atView.bad() + silverVsBronze.bad() + notApplied.size();
            boolean equal = differences.isEmpty() && atView.leftRows() == atView.rightRows();
            HistoryCheck h = compareHistory(table, bronze, seen, appliedBatch, source, pgRows, keys, columns);
            differences.addAll(h.differences());
            bad += h.bad();
            equal &= h.differences().isEmpty();
            String inHistory = h.summary();
            String summary = String.format("%,d rows in PostgreSQL, %,d in the lake as of the same point, %,d in silver%s%s",
                    atView.leftRows(), atView.rightRows(), silverRowCount, inHistory,
                    bad > 0 ? String.format("; %,d rows differ", bad) : "");
            return new TableReport(table, equal, summary, differences.subList(0, Math.min(differences.size(), 3 * SHOWN)));
        } finally {
            silver.unpersist();
            bronze.unpersist();
        }
    }

    /** What the history check found: the summary's part, the differences, the rows that differ. */
    private record HistoryCheck(String summary, List<String> differences, long bad) {}

    /**
     * History against PostgreSQL: once history has taken the batches silver has applied (it
     * takes them beside the stream), the versions valid at the view's instant must be PostgreSQL's
     * rows as of the view. That instant is the latest commit time among the changes the view sees
     * (per table); it stands for the view only when every change the view does not see committed
     * later, which PostgreSQL does not promise for commits at the same moment: then history is not
     * compared at this point, and the summary says so.
     */
    private HistoryCheck compareHistory(String table, Dataset<Row> bronze, Column seen, long appliedBatch,
            Dataset<Row> source, Dataset<Row> pgRows, List<String> keys, List<String> columns) throws InterruptedException {
        Row cut = bronze.agg(max(when(seen, col("_source_ts"))), min(when(not(seen), col("_source_ts"))),
                max(when(col("_batch_id").leq(appliedBatch), col("_batch_id")))).first();
        // History takes bronze's batches beside the stream: it must have taken those silver has.
        long needed = cut.isNullAt(2) ? -1 : cut.getLong(2);
        String path = paths.history(table);
        long waitUntil = System.nanoTime() + timeout.toNanos();
        long taken = History.takenUpTo(spark, path);
        while (taken < needed && System.nanoTime() < waitUntil) {
            Thread.sleep(1000);
            taken = History.takenUpTo(spark, path);
        }
        if (taken < needed) {
            return new HistoryCheck("", List.of("history has taken the batches up to " + taken + ", bronze holds the table's"
                    + " changes up to batch " + needed + ": it is behind (it takes them every PROCESSOR_HISTORY_SECONDS; is"
                    + " the processor running? ./platform logs spark-processor)"), 0);
        }
        java.sql.Timestamp lastSeen = cut.isNullAt(0) ? null : cut.getTimestamp(0);
        java.sql.Timestamp firstUnseen = cut.isNullAt(1) ? null : cut.getTimestamp(1);
        if (lastSeen != null && firstUnseen != null && !lastSeen.before(firstUnseen)) {
            return new HistoryCheck(", history not compared (a change the view does not see committed at "
                    + firstUnseen.toInstant() + ", before one it sees, at " + lastSeen.toInstant() + ")", List.of(), 0);
        }
        java.sql.Timestamp at = lastSeen != null ? lastSeen : new java.sql.Timestamp(0);
        if (taken < 0) {
            return new HistoryCheck(", no history yet", List.of(), 0); // and bronze holds nothing silver has applied
        }
        Dataset<Row> history = spark.read().format("delta").load(path);
        List<String> missing = columns.stream().filter(c -> !List.of(history.columns()).contains(c)).toList();
        if (!missing.isEmpty()) {
            return new HistoryCheck("", missing.stream().map(c -> "column " + c + " is missing in history").toList(),
                    0);
        }
        Column valid = col("_valid_from").leq(lit(at)).and(col("_valid_to").isNull().or(col("_valid_to").gt(lit(at))));
        Diff d = diff(pgRows, history.filter(valid).select(typed(source, columns)), keys, columns, "PostgreSQL",
                "history");
        List<String> lines = new ArrayList<>(d.lines());
        if (lines.isEmpty() && d.leftRows() != d.rightRows()) {
            lines.add(d.rightRows() + " versions in history valid at " + at.toInstant() + " for " + d.leftRows() + " rows");
        }
        return new HistoryCheck(String.format(", %,d in history as of %s", d.rightRows(), at.toInstant()), lines, d.bad());
    }

    /**
     * A numeric without a precision as the lake holds it: Debezium carries its value, not its
     * written scale ({@code 1.50} arrives as {@code 1.5}), so both sides compare without trailing zeros.
     */
    private static Column plainDecimal(Column text) {
        return org.apache.spark.sql.functions.regexp_replace(org.apache.spark.sql.functions.regexp_replace(
                text, "(\\.[0-9]*?)0+$", "$1"), "\\.$", "");
    }

    /** {@code columns} of {@code source}, cast to PostgreSQL's types as Spark's JDBC reader gives them. */
    private static Column[] typed(Dataset<Row> source, List<String> columns) {
        return columns.stream().map(c -> col(q(c)).cast(source.schema().apply(c).dataType()).as(c)).toArray(Column[]::new);
    }

    /** The key of a row whose first columns are {@code keys}, by name. */
    private static Map<String, Object> keyOf(Row r, List<String> keys) {
        Map<String, Object> key = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            key.put(keys.get(i), r.get(i));
        }
        return key;
    }

    private static Column[] withPosition(Column[] columns) {
        return LakeState.withExtra(columns, col("_commit_lsn"), col("_lsn"));
    }

    private static List<String> withPositionNames(List<String> columns) {
        List<String> all = new ArrayList<>(columns);
        all.add("_commit_lsn");
        all.add("_lsn");
        return all;
    }

    /** How two row sets with the same columns differ by key: rows on each side, rows that differ, and the first few. */
    record Diff(long leftRows, long rightRows, long bad, List<String> lines) {}

    private static Diff diff(Dataset<Row> left, Dataset<Row> right, List<String> keys, List<String> columns,
                             String leftName, String rightName) {
        Column on = lit(true);
        for (String k : keys) {
            on = on.and(col("l." + q(k)).equalTo(col("r." + q(k))));
        }
        Column same = lit(true);
        for (String c : columns) {
            same = same.and(col("l." + q(c)).eqNullSafe(col("r." + q(c))));
        }
        Dataset<Row> joined = left.as("l").join(right.as("r"), on, "full_outer");
        Column leftMissing = col("l." + q(keys.get(0))).isNull();
        Column rightMissing = col("r." + q(keys.get(0))).isNull();
        Column differs = leftMissing.or(rightMissing).or(not(same));
        // The rows on each side and those that differ in one job; the first few only when any do.
        Row counts = joined.agg(count(when(not(leftMissing), 1)), count(when(not(rightMissing), 1)),
                count(when(differs, 1))).first();
        long badCount = counts.getLong(2);
        List<Row> bad = badCount == 0 ? List.of() : joined.filter(differs).limit(SHOWN).collectAsList();
        int n = columns.size();
        List<String> lines = new ArrayList<>();
        for (Row r : bad) {
            Map<String, Object> leftRow = new LinkedHashMap<>();
            Map<String, Object> rightRow = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                leftRow.put(columns.get(i), r.get(i));
                rightRow.put(columns.get(i), r.get(n + i));
            }
            boolean inLeft = keys.stream().allMatch(k -> leftRow.get(k) != null);
            boolean inRight = keys.stream().allMatch(k -> rightRow.get(k) != null);
            Map<String, Object> keyOf = new LinkedHashMap<>();
            keys.forEach(k -> keyOf.put(k, inLeft ? leftRow.get(k) : rightRow.get(k)));
            if (!inRight) {
                lines.add("key " + keyOf + ": in " + leftName + ", missing in " + rightName);
            } else if (!inLeft) {
                lines.add("key " + keyOf + ": in " + rightName + ", not in " + leftName);
            } else {
                List<String> cols = new ArrayList<>();
                for (String c : columns) {
                    if (!java.util.Objects.equals(text(leftRow.get(c)), text(rightRow.get(c)))) {
                        cols.add(c + ": " + leftName + " " + shown(leftRow.get(c)) + ", " + rightName + " " + shown(rightRow.get(c)));
                    }
                }
                lines.add("key " + keyOf + ": " + String.join("; ", cols));
            }
        }
        return new Diff(counts.getLong(0), counts.getLong(1), badCount, lines);
    }

    /** A pg_lsn's text ({@code 16/B374D848}) as the number Debezium sends. */
    static long lsn(String text) {
        String[] parts = text.split("/");
        return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
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
