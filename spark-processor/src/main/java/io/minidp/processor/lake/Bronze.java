package io.minidp.processor.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.minidp.processor.decode.TableChanges;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bronze layer: per table, an append-only Delta table of every change event, partitioned by
 * the commit date.
 *
 * <p>Three guards keep it free of duplicates. A replayed micro-batch (the job died after writing,
 * before its checkpoint commit) is skipped: each append's commit is marked with its batch id
 * ({@link BatchMarks}). An event Debezium sends again (Connect died
 * before committing its source offsets, and resends from the last committed position) arrives at a
 * new Kafka offset but at an old source position; the high-water mark of each topic partition's
 * source position drops it. Snapshot reads all share one position, so they are compared with
 * {@code >=}. The same rule applies within a batch, for an event sent again so soon that both
 * copies arrive together.
 *
 * <p>A source position is Debezium's last commit LSN, the change's own LSN, and its step within
 * that LSN: an UPDATE that changes a primary key is one WAL record that Debezium sends as a delete
 * of the old key and then a create of the new key, both at the same LSN. The delete is step 0 and
 * everything else step 1, so the create is past the delete and is not taken for a resend of it.
 */
public final class Bronze {

    private static final Logger LOG = LoggerFactory.getLogger(Bronze.class);
    /** The {@code txnAppId} of lakes written before {@link BatchMarks}. */
    static final String TXN_APP_ID = "minidp-bronze";

    /** A source position: Debezium's last commit LSN, the change's own LSN, its step within that LSN. */
    record Position(long commitLsn, long lsn, int step, boolean snapshotRead) {}

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final SparkSession spark;
    private final LakePaths paths;
    private final BatchMarks batches;
    /** Per table, per Kafka partition: the highest source position written by batches before {@link #marksBefore}. */
    private final Map<String, Map<Integer, Position>> marks = new ConcurrentHashMap<>();
    private volatile long marksBefore = -1;
    /**
     * Where the marks are kept after each batch, so that the next process need not scan all of
     * bronze for them (see {@link #load}).
     */
    private final java.nio.file.Path marksFile;

    public Bronze(SparkSession spark, LakePaths paths, java.nio.file.Path marksFile) {
        this.spark = spark;
        this.paths = paths;
        this.batches = new BatchMarks(spark, TXN_APP_ID);
        this.marksFile = marksFile;
    }

    /**
     * A batch begins. The marks kept in memory cover the batches before it, unless this is the
     * first batch of the process or a batch is replayed: then they are read again from bronze.
     */
    public void batchStart(long batchId) {
        if (marksBefore != batchId) {
            marks.clear();
            marksBefore = batchId;
        }
    }

    /** {@code table}'s bronze was archived: its marks are gone with it. */
    public void forget(String table) {
        marks.remove(table);
        batches.forget(paths.bronze(table));
    }

    /** The events of {@code t} not already in bronze from an earlier batch (see the class comment). */
    public Dataset<Row> fresh(TableChanges t, long batchId) {
        Map<Integer, Position> tableMarks = marks.computeIfAbsent(t.table(), table -> load(table, batchId));
        Column keep = lit(true);
        for (Map.Entry<Integer, Position> m : tableMarks.entrySet()) {
            Position p = m.getValue();
            Column mark = struct(lit(p.commitLsn()).as("_commit_lsn"), lit(p.lsn()).as("_lsn"), lit(p.step()).as("_step"));
            Column after = position().gt(mark);
            Column sameAsMark = position().equalTo(mark);
            keep = keep.and(col("_kafka_partition").notEqual(m.getKey()).or(after).or(col("_snapshot").and(sameAsMark)));
        }
        Dataset<Row> fresh = withoutResends(t.changes().filter(keep));
        return t.hasKey() ? withoutRepeatedReads(fresh, t, tableMarks) : fresh;
    }

    /**
     * Snapshot reads share one position, so the position alone cannot tell a read sent twice (a
     * producer that retried) from the next read of the same snapshot. A read of a key at a
     * position bronze already holds for that key is a copy: dropped, within the batch and against
     * bronze, where a partition's mark is a snapshot read's (only then can a copy follow it).
     */
    private Dataset<Row> withoutRepeatedReads(Dataset<Row> fresh, TableChanges t, Map<Integer, Position> tableMarks) {
        List<String> by = new java.util.ArrayList<>(t.keyColumns());
        by.addAll(List.of("_kafka_partition", "_commit_lsn", "_lsn"));
        Column[] byColumns = by.stream().map(c -> col("`" + c.replace("`", "``") + "`")).toArray(Column[]::new);
        Column first = org.apache.spark.sql.functions.row_number()
                .over(Window.partitionBy(byColumns).orderBy(col("_kafka_offset")));
        Dataset<Row> once = fresh.filter(org.apache.spark.sql.functions.not(col("_snapshot")))
                .unionByName(fresh.filter(col("_snapshot")).withColumn("_read_copy", first)
                        .filter(col("_read_copy").equalTo(1)).drop("_read_copy"));
        Column atSnapshotMark = lit(false);
        Column heldAtMark = lit(false);
        for (Map.Entry<Integer, Position> m : tableMarks.entrySet()) {
            Position p = m.getValue();
            if (p.snapshotRead()) {
                Column here = col("_kafka_partition").equalTo(m.getKey()).and(col("_snapshot"))
                        .and(col("_commit_lsn").equalTo(p.commitLsn())).and(col("_lsn").equalTo(p.lsn()));
                atSnapshotMark = atSnapshotMark.or(here);
                heldAtMark = heldAtMark.or(here);
            }
        }
        if (tableMarks.values().stream().noneMatch(Position::snapshotRead)) {
            return once;
        }
        // Pinned to the version before this batch's append: read again later (the MERGE reads its
        // source twice, a lost cache block is recomputed), the batch must not find its own reads there.
        String path = paths.bronze(t.table());
        long version = DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
        Dataset<Row> held = spark.read().format("delta").option("versionAsOf", version).load(path)
                .filter(heldAtMark).select(byColumns);
        scala.collection.immutable.Seq<String> using = scala.jdk.javaapi.CollectionConverters.asScala(by).toList();
        return once.filter(org.apache.spark.sql.functions.not(atSnapshotMark))
                .unionByName(once.filter(atSnapshotMark).join(held, using, "left_anti"));
    }

    /**
     * Drops the events sent again within the batch itself: an event whose source position is not
     * past the highest position at an earlier offset of its partition (a producer that retried
     * after the broker died, a task that restarted, and both copies in one batch). Snapshot reads
     * share one position and are kept.
     */
    static Dataset<Row> withoutResends(Dataset<Row> changes) {
        Column position = when(col("_lsn").isNotNull(), position());
        WindowSpec earlier = Window.partitionBy(col("_kafka_partition")).orderBy(col("_kafka_offset"))
                .rowsBetween(Window.unboundedPreceding(), -1);
        Column seen = max(position).over(earlier);
        Column fresh = seen.isNull().or(position.isNull()).or(position.gt(seen))
                .or(col("_snapshot").and(position.equalTo(seen)));
        return changes.withColumn("_seen_before", fresh).filter(col("_seen_before")).drop("_seen_before");
    }

    /** An event's source position (see the class comment), comparable as a struct. */
    public static Column position() {
        return struct(col("_commit_lsn"), col("_lsn"), when(col("_op").equalTo("d"), lit(0)).otherwise(lit(1)).as("_step"));
    }

    /** Appends the batch's fresh events; a second append for the same batch id is a no-op. */
    public void append(String table, Dataset<Row> fresh, long batchId) {
        appendOnce(fresh, paths.bronze(table), batchId, "_date");
    }

    private void appendOnce(Dataset<Row> rows, String path, long batchId, String... partitionBy) {
        if (batches.written(path, batchId)) {
            return;
        }
        rows.write().format("delta").mode(SaveMode.Append)
                .option("userMetadata", BatchMarks.mark(batchId))
                .option("mergeSchema", "true")
                .partitionBy(partitionBy)
                .save(path);
        batches.done(path, batchId);
    }

    /**
     * Per Kafka partition of {@code fresh}: the partition, the number of events, the highest source
     * position (commit LSN, LSN; null when no event has one), the latest commit time, the step of
     * the highest position, and the position (commit LSN, LSN) of the last TRUNCATE (null when none). One job.
     */
    public static List<Row> summary(Dataset<Row> fresh) {
        return fresh.groupBy(col("_kafka_partition"))
                .agg(count(lit(1)).as("n"),
                        max(when(col("_lsn").isNotNull(), position())).as("p"),
                        max(col("_source_ts")).as("ts"),
                        max(when(col("_op").equalTo("t"), position())).as("t"),
                        max(when(col("_snapshot"), position())).as("s"))
                .select(col("_kafka_partition"), col("n"), col("p._commit_lsn"), col("p._lsn"), col("ts"), col("p._step"),
                        col("t._commit_lsn"), col("t._lsn"), col("s._commit_lsn"), col("s._lsn"))
                .collectAsList();
    }

    /** Moves a table's high-water marks past a written batch, given its {@link #summary}. */
    public void advance(String table, List<Row> summary) {
        Map<Integer, Position> tableMarks = marks.computeIfAbsent(table, t -> new ConcurrentHashMap<>());
        for (Row r : summary) {
            if (!r.isNullAt(2)) {
                Position p = new Position(r.getLong(2), r.getLong(3), r.getInt(5), snapshotRead(r, 2, 8));
                tableMarks.merge(r.getInt(0), p, (a, b) -> {
                    int c = compare(a, b);
                    return c > 0 ? a : c < 0 ? b : new Position(a.commitLsn(), a.lsn(), a.step(),
                            a.snapshotRead() || b.snapshotRead());
                });
            }
        }
    }

    /**
     * The batch is done: the marks now cover every batch up to it. They are written down with the
     * batch they come before and each bronze table's Delta id.
     */
    public void batchDone(long batchId) {
        marksBefore = batchId + 1;
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("marksBefore", marksBefore);
        Map<String, Object> byTable = new java.util.TreeMap<>();
        marks.forEach((table, tableMarks) -> {
            if (!tableMarks.isEmpty()) {
                Map<String, Object> partitions = new java.util.TreeMap<>();
                tableMarks.forEach((partition, p) -> partitions.put(Integer.toString(partition),
                        List.of(p.commitLsn(), p.lsn(), p.step(), p.snapshotRead())));
                byTable.put(table, Map.of("bronzeTableId", LakePaths.tableId(spark, paths.bronze(table)), "partitions", partitions));
            }
        });
        doc.put("tables", byTable);
        try {
            io.minidp.common.json.JsonFile.replace(marksFile, doc);
        } catch (java.io.IOException e) {
            throw new io.minidp.common.app.PlatformException("Cannot write bronze's high-water marks to " + marksFile + ": "
                    + e.getMessage() + ". Check that PROCESSOR_WORK_DIR is writable.", e);
        }
    }

    /**
     * {@code table}'s marks as the file holds them, when they are the marks for {@code batchId}
     * (written by the batch before it) of this very bronze table (by Delta id); else null. A
     * replayed batch, a rebuilt table or another lake do not match: their marks are read from bronze.
     */
    private Map<Integer, Position> written(String table, String bronzeTableId, long batchId) {
        if (!java.nio.file.Files.isRegularFile(marksFile)) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode doc = JSON.readTree(marksFile.toFile());
            com.fasterxml.jackson.databind.JsonNode t = doc.path("tables").path(table);
            if (doc.path("marksBefore").asLong(-1) != batchId || !bronzeTableId.equals(t.path("bronzeTableId").asText())) {
                return null;
            }
            Map<Integer, Position> found = new HashMap<>();
            t.path("partitions").fields().forEachRemaining(e -> {
                com.fasterxml.jackson.databind.JsonNode p = e.getValue();
                found.put(Integer.parseInt(e.getKey()), new Position(p.get(0).asLong(), p.get(1).asLong(), p.get(2).asInt(),
                        p.get(3).asBoolean()));
            });
            return found.isEmpty() ? null : found;
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("Cannot read bronze's high-water marks from {}; reading them from bronze: {}", marksFile, e.toString());
            return null;
        }
    }

    /** Records that could not be decoded, kept with their reason and bytes in {@code bronze._rejected}. */
    public void reject(Dataset<Row> rejected, long batchId) {
        appendOnce(rejected, paths.bronze(LakePaths.REJECTED), batchId);
    }

    private Map<Integer, Position> load(String table, long batchId) {
        Map<Integer, Position> loaded = new HashMap<>();
        String path = paths.bronze(table);
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return loaded;
        }
        Map<Integer, Position> written = written(table, LakePaths.tableId(spark, path), batchId);
        if (written != null) {
            LOG.info("Bronze {}: high-water marks before batch {} as the last batch left them: {}", table, batchId, written);
            return new ConcurrentHashMap<>(written);
        }
        List<Row> rows = highest(spark.read().format("delta").load(path).filter(col("_batch_id").lt(batchId)));
        for (Row r : rows) {
            loaded.put(r.getInt(0), new Position(r.getLong(1), r.getLong(2), r.getInt(3), snapshotRead(r, 1, 4)));
        }
        LOG.debug("Bronze {}: high-water marks before batch {}: {}", table, batchId, loaded);
        return loaded;
    }

    private static List<Row> highest(Dataset<Row> events) {
        return events.filter(col("_lsn").isNotNull())
                .groupBy(col("_kafka_partition"))
                .agg(max(position()).as("p"), max(when(col("_snapshot"), position())).as("s"))
                .select(col("_kafka_partition"), col("p._commit_lsn"), col("p._lsn"), col("p._step"),
                        col("s._commit_lsn"), col("s._lsn"))
                .collectAsList();
    }

    /**
     * Whether a row's highest position (commit LSN and LSN at {@code position}, {@code position + 1})
     * is also its highest snapshot read's (at {@code read}, {@code read + 1}).
     */
    private static boolean snapshotRead(Row r, int position, int read) {
        return !r.isNullAt(read) && r.getLong(read) == r.getLong(position) && r.getLong(read + 1) == r.getLong(position + 1);
    }

    private static int compare(Position a, Position b) {
        int c = Long.compare(a.commitLsn(), b.commitLsn());
        c = c != 0 ? c : Long.compare(a.lsn(), b.lsn());
        return c != 0 ? c : Integer.compare(a.step(), b.step());
    }
}
