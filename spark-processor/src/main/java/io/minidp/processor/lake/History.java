package io.minidp.processor.lake;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import io.minidp.processor.decode.ChangeDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history layer (slowly changing dimension, type 2): per table with a primary key, one row per
 * version of each key. It is kept from bronze, beside the stream: {@link #catchUp} takes the
 * batches bronze holds since the last one history took, in one Delta MERGE, so a micro-batch
 * never waits for it and one MERGE serves many batches.
 *
 * <p>Each insert, update or snapshot read opens a version, valid from its commit time in
 * PostgreSQL ({@code _valid_from}) until the next change of its key or a TRUNCATE of the table
 * ({@code _valid_to}, with {@code _end_op} = u, d or t and that change's {@code _end_lsn} and
 * {@code _end_commit_lsn}); the current version has no {@code _valid_to} and {@code _is_current}.
 * A delete closes the key's last version and opens none. So the versions valid at an instant
 * {@code T} ({@code _valid_from <= T AND (_valid_to IS NULL OR _valid_to > T)}) are the table as
 * PostgreSQL held it then. Of a key's changes in one transaction only the last counts: the ones
 * before it were never visible. A snapshot read that finds a key as its current version already holds
 * it (a re-snapshot of an unchanged row) opens no version: it is not a change.
 *
 * <p>Changes are ordered as bronze orders them ({@link Bronze#position()}, then Kafka offset), and
 * the MERGE's commit is marked with the last batch it took ({@link BatchMarks}): the next one
 * starts after it, in this process or the next, and no batch is taken twice. A lake made before
 * history gets each table's history from all of its bronze.
 */
public final class History {

    private static final Logger LOG = LoggerFactory.getLogger(History.class);
    /**
     * History is partitioned by {@code _is_current}: a MERGE finds the versions to end among the
     * current ones only (as many as silver has rows), and an ended version is never read by one again.
     */
    static final String PARTITION = "_is_current";

    private final SparkSession spark;
    private final LakePaths paths;
    private final BatchMarks batches;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    /** Tables this process created empty and has written nothing to since: a plain append fills them. */
    private final Set<String> empty = ConcurrentHashMap.newKeySet();
    /** Per table, the last batch its history has taken. */
    private final Map<String, Long> upTo = new ConcurrentHashMap<>();

    public History(SparkSession spark, LakePaths paths) {
        this.spark = spark;
        this.paths = paths;
        this.batches = new BatchMarks(spark, "minidp-history");
    }

    /** {@code table}'s history was archived: the next catch-up creates it again, from the new bronze. */
    public void forget(String table) {
        String path = paths.history(table);
        created.remove(path);
        empty.remove(path);
        upTo.remove(table);
        batches.forget(path);
    }

    /** The last batch {@code table}'s history has taken; -1 for none. */
    public long takenUpTo(String table) {
        return upTo.computeIfAbsent(table, t -> batches.committed(paths.history(t)));
    }

    /**
     * The last batch the history at {@code path} has taken (the mark of its newest MERGE); -1 for
     * none or no table.
     */
    public static long takenUpTo(SparkSession spark, String path) {
        return new BatchMarks(spark, "minidp-history").committed(path);
    }

    /**
     * Takes the changes bronze holds for {@code table} (keyed by {@code keys}) in the batches
     * after the last one its history has taken, in one MERGE. A batch's changes of a table are one
     * commit of its bronze, so the version read holds each batch whole. Returns the changes taken.
     */
    public long catchUp(String table, List<String> keys) {
        long from = takenUpTo(table);
        String bronze = paths.bronze(table);
        if (!DeltaTable.isDeltaTable(spark, bronze)) {
            return 0;
        }
        Dataset<Row> changes = spark.read().format("delta").load(bronze).filter(col("_batch_id").gt(from))
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        try {
            Row flags = changes.agg(org.apache.spark.sql.functions.count(lit(1)), max(col("_op").equalTo("t")),
                    max(col("_snapshot")), max(col("_batch_id"))).first();
            long n = flags.getLong(0);
            if (n > 0) {
                long last = flags.getLong(3);
                merge(table, keys, changes, flags.getBoolean(1), flags.getBoolean(2), last);
                upTo.put(table, last);
            }
            return n;
        } finally {
            changes.unpersist();
        }
    }

    /**
     * Applies {@code fresh}, changes of {@code table} (TRUNCATEs included) in bronze's shape, to
     * its history, marked as taken up to {@code batchId}. {@code truncated} and {@code reads}:
     * whether they hold a TRUNCATE and snapshot reads (each costs a pass that is skipped when there
     * is none). Skipped when history has taken {@code batchId} already.
     */
    void merge(String table, List<String> keys, Dataset<Row> fresh, boolean truncated, boolean reads, long batchId) {
        String path = paths.history(table);
        List<String> data = new ArrayList<>();
        for (String c : fresh.columns()) {
            if (!ChangeDecoder.META_COLUMNS.contains(c)) {
                data.add(c);
            }
        }
        Column[] by = keys.stream().map(k -> col(Silver.q(k))).toArray(Column[]::new);
        WindowSpec inOrder = Window.partitionBy(by).orderBy(Bronze.position(), col("_kafka_offset"));
        Column content = struct(data.stream().map(c -> col(Silver.q(c))).toArray(Column[]::new));

        List<Column> kept = new ArrayList<>();
        data.forEach(c -> kept.add(col(Silver.q(c))));
        for (String c : List.of("_op", "_lsn", "_commit_lsn", "_tx_id", "_source_ts", "_kafka_offset")) {
            kept.add(col(c));
        }
        Dataset<Row> events = fresh.filter(col("_op").notEqual("t")).select(kept.toArray(Column[]::new));
        // A key changed twice in one transaction: only its last change was ever visible.
        Column sameTransaction = col("_op").notEqual("r").and(lead(col("_tx_id"), 1).over(inOrder).equalTo(col("_tx_id")))
                .and(lead(col("_commit_lsn"), 1).over(inOrder).equalTo(col("_commit_lsn")));
        events = events.withColumn("_superseded", sameTransaction).filter(not(coalesce(col("_superseded"), lit(false))))
                .drop("_superseded");
        Row firstTruncate = null;
        if (truncated) {
            // A TRUNCATE ends every version open before it: it joins each key's events of the batch.
            Dataset<Row> truncates = fresh.filter(col("_op").equalTo("t"))
                    .select(col("_op"), col("_lsn"), col("_commit_lsn"), col("_source_ts"), col("_kafka_offset"));
            firstTruncate = firstTruncate(fresh);
            events = events.unionByName(events.select(by).distinct().crossJoin(truncates), true);
        }
        // A snapshot read equal to the version before it is no change.
        Dataset<Row> ordered = events.withColumn("_content", content)
                .withColumn("_prev_op", lag(col("_op"), 1).over(inOrder))
                .withColumn("_prev_content", lag(col("_content"), 1).over(inOrder));
        Column sameAsBefore = col("_op").equalTo("r").and(col("_prev_op").isin("c", "u", "r"))
                .and(col("_prev_content").eqNullSafe(col("_content")));
        boolean exists = created.contains(path) || DeltaTable.isDeltaTable(spark, path);
        if (reads && exists && !empty.contains(path)) {
            Dataset<Row> current = currentContent(path, keys, data, fresh);
            ordered = ordered.join(current, seq(keys), "left_outer");
            sameAsBefore = sameAsBefore.or(col("_op").equalTo("r").and(col("_prev_op").isNull())
                    .and(col("_held").eqNullSafe(col("_content"))));
        }
        // A re-snapshot's read carries the time Debezium read the row, not a commit time, and may
        // be later than the commit of the key's next change: a key's times never go back.
        Dataset<Row> changes = ordered.filter(not(sameAsBefore)).select(kept.toArray(Column[]::new))
                .withColumn("_source_ts", max(col("_source_ts")).over(inOrder.rowsBetween(Window.unboundedPreceding(), 0)));

        Column nextTs = lead(col("_source_ts"), 1).over(inOrder);
        List<Column> open = new ArrayList<>();
        data.forEach(c -> open.add(col(Silver.q(c))));
        open.add(col("_op"));
        open.add(col("_lsn"));
        open.add(col("_commit_lsn"));
        open.add(col("_source_ts").as("_valid_from"));
        open.addAll(ends(nextTs, lead(col("_op"), 1).over(inOrder), lead(col("_lsn"), 1).over(inOrder),
                lead(col("_commit_lsn"), 1).over(inOrder)));
        open.add(lead(col("_op"), 1).over(inOrder).isNull().as("_is_current"));
        open.add(row_number().over(inOrder).as("_first"));
        Dataset<Row> steps = changes.select(open.toArray(Column[]::new));
        Dataset<Row> versions = Silver.Derived.add(table, steps.filter(col("_op").isin("c", "u", "r")).drop("_first"));
        // A key's first change of the batch ends the version history holds as current: a row
        // with its key and that end, and no _op, which the MERGE takes for an end, not a version.
        List<Column> end = new ArrayList<>();
        keys.forEach(k -> end.add(col(Silver.q(k))));
        end.add(lit(null).cast("string").as("_op"));
        end.addAll(ends(col("_valid_from"), col("_op"), col("_lsn"), col("_commit_lsn")));
        end.add(lit(false).as("_is_current"));
        Dataset<Row> firstChanges = steps.filter(col("_first").equalTo(1)).select(end.toArray(Column[]::new));
        Dataset<Row> source = versions.unionByName(firstChanges, true);

        if (!exists) {
            source.filter("false").write().format("delta").mode(SaveMode.ErrorIfExists).partitionBy(PARTITION).save(path);
            empty.add(path);
        }
        created.add(path);
        if (batches.written(path, batchId)) {
            return;
        }
        if (empty.contains(path)) {
            // Nothing to end yet: the versions are appended.
            versions.write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true").partitionBy(PARTITION)
                    .option("userMetadata", BatchMarks.mark(batchId)).save(path);
            empty.remove(path);
            marked(path, batchId);
            return;
        }
        SparkSession own = ((org.apache.spark.sql.classic.SparkSession) spark).cloneSession();
        own.conf().set("spark.databricks.delta.commitInfo.userMetadata", BatchMarks.mark(batchId));
        if (!reads) {
            // The source is the batch's persisted changes, the same when read again (see Silver#merge).
            own.conf().set("spark.databricks.delta.merge.materializeSource", "none");
            own.conf().set("spark.databricks.delta.merge.failSourceCachedAfterMaterialization", "false");
        }
        String on = "s._op IS NULL AND t._is_current = true AND " + String.join(" AND ",
                keys.stream().map(k -> "t." + Silver.q(k) + " = s." + Silver.q(k)).toList());
        Map<String, String> ended = new LinkedHashMap<>();
        for (String c : List.of("_valid_to", "_end_op", "_end_lsn", "_end_commit_lsn")) {
            ended.put(c, "s." + c);
        }
        ended.put("_is_current", "false");
        DeltaMergeBuilder merge = DeltaTable.forPath(own, path).as("t").merge(source.as("s"), on)
                .whenMatched().updateExpr(ended)
                .whenNotMatched("s._op IS NOT NULL").insertAll();
        if (firstTruncate != null) {
            merge = merge.whenNotMatchedBySource(openBefore(firstTruncate, "t.")).updateExpr(endedBy(firstTruncate));
        }
        merge.execute();
        marked(path, batchId);
    }

    /**
     * The write for {@code batchId} is done. A write that changed nothing (every read a
     * re-snapshot of an unchanged row) made no commit, so no mark: a commit of its own, which only
     * sets a table property, carries it, or the next catch-up (and verify) would think those
     * batches not taken.
     */
    private void marked(String path, long batchId) {
        if (batches.committed(path) < batchId) {
            SparkSession own = ((org.apache.spark.sql.classic.SparkSession) spark).cloneSession();
            own.conf().set("spark.databricks.delta.commitInfo.userMetadata", BatchMarks.mark(batchId));
            own.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` SET TBLPROPERTIES ('minidp.history.taken' = '"
                    + batchId + "')");
        }
        batches.done(path, batchId);
    }

    /** The batch's first TRUNCATE: {@code _op, _lsn, _commit_lsn, _source_ts, _kafka_offset}. */
    private static Row firstTruncate(Dataset<Row> fresh) {
        return fresh.filter(col("_op").equalTo("t"))
                .select(col("_op"), col("_lsn"), col("_commit_lsn"), col("_source_ts"), col("_kafka_offset"))
                .orderBy(Bronze.position(), col("_kafka_offset")).first();
    }

    /** The versions open before {@code truncate} (a {@link #firstTruncate} row): a condition on columns prefixed {@code t}. */
    private static String openBefore(Row truncate, String t) {
        long commitLsn = truncate.getLong(2);
        long lsn = truncate.getLong(1);
        return t + "_is_current AND (" + t + "_commit_lsn < " + commitLsn + " OR (" + t + "_commit_lsn = " + commitLsn
                + " AND " + t + "_lsn < " + lsn + "))";
    }

    /** What a version ended by {@code truncate} is set to. */
    private static Map<String, String> endedBy(Row truncate) {
        Map<String, String> ended = new LinkedHashMap<>();
        ended.put("_valid_to", "TIMESTAMP_MICROS(" + micros(truncate.getTimestamp(3)) + ")");
        ended.put("_end_op", "'t'");
        ended.put("_end_lsn", Long.toString(truncate.getLong(1)));
        ended.put("_end_commit_lsn", Long.toString(truncate.getLong(2)));
        ended.put("_is_current", "false");
        return ended;
    }

    /**
     * Per key, the content of its current version in history, as {@code _held}: the batch's
     * columns, cast to the batch's types, null where history has no such column.
     */
    private Dataset<Row> currentContent(String path, List<String> keys, List<String> data, Dataset<Row> fresh) {
        Dataset<Row> history = spark.read().format("delta").load(path).filter(col("_is_current"));
        List<String> has = List.of(history.columns());
        List<Column> held = new ArrayList<>();
        for (String c : data) {
            DataType type = fresh.schema().apply(c).dataType();
            held.add((has.contains(c) ? col(Silver.q(c)) : lit(null)).cast(type).as(c));
        }
        List<Column> columns = new ArrayList<>();
        keys.forEach(k -> columns.add(col(Silver.q(k))));
        columns.add(struct(held.toArray(Column[]::new)).as("_held"));
        return history.select(columns.toArray(Column[]::new));
    }

    /** The end columns of a version, in order. */
    private static List<Column> ends(Column validTo, Column op, Column lsn, Column commitLsn) {
        return List.of(validTo.cast("timestamp").as("_valid_to"), op.cast("string").as("_end_op"),
                lsn.cast("long").as("_end_lsn"), commitLsn.cast("long").as("_end_commit_lsn"));
    }

    private static long micros(java.sql.Timestamp ts) {
        return java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, ts.toInstant());
    }

    private static scala.collection.immutable.Seq<String> seq(List<String> names) {
        return scala.jdk.javaapi.CollectionConverters.asScala(names).toList();
    }
}
