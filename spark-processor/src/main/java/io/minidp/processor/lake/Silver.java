package io.minidp.processor.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.delta.tables.DeltaTable;
import io.minidp.processor.decode.ChangeDecoder;
import io.minidp.processor.decode.TableChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The silver layer: per table with a primary key, the table's current state, kept by one Delta
 * MERGE per micro-batch. Within the batch only the latest change of each key counts (by source
 * position: commit LSN, then LSN, then Kafka offset); a delete removes the row; an update or insert
 * is applied only when it is newer than what the row holds, so an older change never overwrites a
 * newer one. New columns join the table's schema (schema auto-merge). The MERGE's commit is marked
 * with the batch id ({@link BatchMarks}), so a replayed batch is not applied twice.
 *
 * <p>Besides the table's columns, silver keeps {@code _op} (the last change: r, c or u),
 * {@code _lsn}, {@code _commit_lsn}, {@code _source_ts} (when PostgreSQL committed it) and
 * {@code _applied_at}, and the derived columns of {@link Derived}.
 */
public final class Silver {

    /** The {@code txnAppId} of lakes written before {@link BatchMarks}. */
    static final String TXN_APP_ID = "minidp-silver";
    /** Bronze's metadata columns that silver keeps. */
    static final List<String> KEPT_META = List.of("_op", "_lsn", "_commit_lsn", "_source_ts");

    private final SparkSession spark;
    private final LakePaths paths;
    private final java.util.Set<String> created = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The tables whose silver this process created: it has seen every row go in. */
    private final java.util.Set<String> createdHere = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final BatchMarks batches;
    private final Map<String, String> keysByPath = new java.util.concurrent.ConcurrentHashMap<>();

    public Silver(SparkSession spark, LakePaths paths) {
        this.spark = spark;
        this.paths = paths;
        this.batches = new BatchMarks(spark, TXN_APP_ID);
    }

    /** The lake cannot follow a change of the table in PostgreSQL; the message says which. */
    public static final class CannotFollow extends RuntimeException {
        public CannotFollow(String message) {
            super(message);
        }
    }

    /** The table property that records which columns a silver table is keyed by. */
    static final String KEY_PROPERTY = "minidp.key";

    /**
     * The key the silver table at {@code path} was created with (its {@link #KEY_PROPERTY});
     * empty when there is no such table or it has no key recorded.
     */
    public static List<String> recordedKey(SparkSession spark, String path) {
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return List.of();
        }
        String recorded = keyProperty(spark, path);
        return recorded != null ? List.of(recorded.split(", ")) : List.of();
    }

    /** The {@link #KEY_PROPERTY} of the silver table at {@code path}, from its latest version; null when it has none. */
    private static String keyProperty(SparkSession spark, String path) {
        scala.Option<String> recorded = org.apache.spark.sql.delta.DeltaLog.forTable(spark, path).update(false,
                scala.Option.empty(), scala.Option.empty()).metadata().configuration().get(KEY_PROPERTY);
        return recorded.isDefined() ? recorded.get() : null;
    }

    /** {@code table}'s silver was archived: the next merge creates it again. */
    public void forget(String table) {
        String path = paths.silver(table);
        created.remove(path);
        createdHere.remove(path);
        keysByPath.remove(path);
        batches.forget(path);
    }

    /** Whether this process created {@code table}'s silver (empty then), so it knows its every row. */
    public boolean createdHere(String table) {
        return createdHere.contains(paths.silver(table));
    }

    /**
     * Applies the batch's fresh changes of {@code t} (a table with a key) to its silver table;
     * returns how the row count changed (inserted minus deleted; 0 when the batch was applied before).
     */
    public long merge(TableChanges t, Dataset<Row> fresh, long batchId) {
        List<String> keys = t.keyColumns();
        Dataset<Row> latest = latestPerKey(fresh.filter(col("_op").notEqual("t")), keys);
        latest = Derived.add(t.table(), latest);
        String path = paths.silver(t.table());
        if (!created.contains(path) && !DeltaTable.isDeltaTable(spark, path)) {
            latest.filter("false").drop("_rank").write().format("delta").mode(SaveMode.ErrorIfExists).save(path);
            createdHere.add(path);
        }
        created.add(path);
        checkKey(path, keys);
        if (batches.written(path, batchId)) {
            return 0;
        }
        String newer = "s._commit_lsn > t._commit_lsn OR (s._commit_lsn = t._commit_lsn AND s._lsn >= t._lsn)";
        String on = keys.stream().map(k -> "t." + q(k) + " = s." + q(k)).collect(Collectors.joining(" AND "));
        // The session configuration is shared by the threads that write tables side by side: a
        // session of our own per MERGE keeps each one's batch mark to itself.
        SparkSession own = ((org.apache.spark.sql.classic.SparkSession) spark).cloneSession();
        own.conf().set("spark.databricks.delta.commitInfo.userMetadata", BatchMarks.mark(batchId));
        // The source is the batch's changes, persisted by the pipeline and the same when read again
        // (fixed Kafka offsets; bronze read at a pinned version): Delta need not copy it first.
        own.conf().set("spark.databricks.delta.merge.materializeSource", "none");
        own.conf().set("spark.databricks.delta.merge.failSourceCachedAfterMaterialization", "false");
        List<Row> metrics = DeltaTable.forPath(own, path).as("t")
                .merge(latest.drop("_rank").as("s"), on)
                .whenMatched("s._op = 'd' AND (" + newer + ")").delete()
                .whenMatched("s._op <> 'd' AND (" + newer + ")").updateAll()
                .whenNotMatched("s._op <> 'd'").insertAll()
                .execute().collectAsList();
        batches.done(path, batchId);
        if (metrics.isEmpty()) {
            return 0;
        }
        Row m = metrics.get(0);
        return m.<Long>getAs("num_inserted_rows") - m.<Long>getAs("num_deleted_rows");
    }

    /**
     * The silver table at {@code path} must be keyed by {@code keys}: the key it was created with is
     * kept in its properties (recorded on first sight for a table made before they were). A MERGE on
     * other columns would match the wrong rows, so a changed key stops the table ({@link CannotFollow}).
     */
    private void checkKey(String path, List<String> keys) {
        String wanted = String.join(", ", keys);
        String known = keysByPath.computeIfAbsent(path, p -> {
            String recorded = keyProperty(spark, p);
            if (recorded != null) {
                return recorded;
            }
            spark.sql("ALTER TABLE delta.`" + p.replace("`", "``") + "` SET TBLPROPERTIES ('" + KEY_PROPERTY + "' = '"
                    + wanted.replace("\\", "\\\\").replace("'", "\\'") + "')");
            return wanted;
        });
        if (!known.equals(wanted)) {
            throw new CannotFollow("its primary key changed from (" + known + ") to (" + wanted + ")");
        }
    }

    /**
     * A TRUNCATE at {@code (commitLsn, lsn)}: deletes every silver row whose last change came
     * before it. Rows written after the TRUNCATE (in the same transaction or later) have higher
     * positions and stay, so running it again (a replayed batch) deletes nothing more. Returns the
     * rows deleted; 0 when the table has no silver table yet.
     */
    public long truncate(String table, long commitLsn, long lsn) {
        String path = paths.silver(table);
        if (!created.contains(path) && !DeltaTable.isDeltaTable(spark, path)) {
            return 0;
        }
        List<Row> result = spark.sql("DELETE FROM delta.`" + path.replace("`", "``") + "` WHERE _commit_lsn < "
                + commitLsn + " OR (_commit_lsn = " + commitLsn + " AND _lsn < " + lsn + ")").collectAsList();
        return result.isEmpty() || result.get(0).isNullAt(0) ? 0 : result.get(0).getLong(0);
    }

    /** The changes after a TRUNCATE at {@code (commitLsn, lsn)}: the only ones that count for silver. */
    public static Dataset<Row> after(Dataset<Row> changes, long commitLsn, long lsn) {
        return changes.filter(col("_commit_lsn").gt(commitLsn)
                .or(col("_commit_lsn").equalTo(commitLsn).and(col("_lsn").gt(lsn))));
    }

    /** Each key's latest change in the batch, with the columns silver keeps. */
    static Dataset<Row> latestPerKey(Dataset<Row> changes, List<String> keys) {
        Column[] by = keys.stream().map(k -> col(q(k))).toArray(Column[]::new);
        Dataset<Row> ranked = changes.withColumn("_rank", row_number().over(Window.partitionBy(by)
                .orderBy(col("_commit_lsn").desc(), col("_lsn").desc_nulls_last(), col("_kafka_offset").desc())));
        List<Column> kept = new ArrayList<>();
        for (String c : changes.columns()) {
            if (!ChangeDecoder.META_COLUMNS.contains(c) || KEPT_META.contains(c)) {
                kept.add(col(q(c)));
            }
        }
        kept.add(io.minidp.processor.decode.BatchConstant.now().as("_applied_at"));
        kept.add(col("_rank"));
        return ranked.filter(col("_rank").equalTo(1)).select(kept.toArray(Column[]::new));
    }

    static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** Derived columns, where they help; each needs its inputs in the table. */
    static final class Derived {

        /** table → (column → SQL expression over the table's columns). */
        private static final Map<String, Map<String, String>> DERIVED = Map.of(
                "orders", Map.of("total_amount", "CAST(quantity * unit_price AS DECIMAL(18, 2))"));
        private static final Map<String, List<String>> INPUTS = Map.of("total_amount", List.of("quantity", "unit_price"));

        private Derived() {}

        static Dataset<Row> add(String table, Dataset<Row> rows) {
            Dataset<Row> out = rows;
            List<String> columns = List.of(rows.columns());
            for (Map.Entry<String, String> d : DERIVED.getOrDefault(table, Map.of()).entrySet()) {
                if (columns.containsAll(INPUTS.get(d.getKey())) && !columns.contains(d.getKey())) {
                    out = out.withColumn(d.getKey(), org.apache.spark.sql.functions.expr(d.getValue()));
                }
            }
            return out;
        }
    }
}
