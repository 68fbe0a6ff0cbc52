package io.minidp.processor.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
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
 * newer one. New columns join the table's schema (schema auto-merge). The MERGE runs with Delta's
 * {@code txnAppId}/{@code txnVersion} set to the batch, so a replayed batch is not applied twice.
 *
 * <p>Besides the table's columns, silver keeps {@code _op} (the last change: r, c or u),
 * {@code _lsn}, {@code _commit_lsn}, {@code _source_ts} (when PostgreSQL committed it) and
 * {@code _applied_at}, and the derived columns of {@link Derived}.
 */
public final class Silver {

    static final String TXN_APP_ID = "minidp-silver";
    /** Bronze's metadata columns that silver keeps. */
    static final List<String> KEPT_META = List.of("_op", "_lsn", "_commit_lsn", "_source_ts");

    private final SparkSession spark;
    private final LakePaths paths;
    private final java.util.Set<String> created = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Silver(SparkSession spark, LakePaths paths) {
        this.spark = spark;
        this.paths = paths;
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
        }
        created.add(path);
        String newer = "s._commit_lsn > t._commit_lsn OR (s._commit_lsn = t._commit_lsn AND s._lsn >= t._lsn)";
        String on = keys.stream().map(k -> "t." + q(k) + " = s." + q(k)).collect(Collectors.joining(" AND "));
        // The session configuration is shared by the threads that write tables side by side: a
        // session of our own per MERGE keeps each one's transaction id to itself.
        SparkSession own = ((org.apache.spark.sql.classic.SparkSession) spark).cloneSession();
        own.conf().set("spark.databricks.delta.write.txnAppId", TXN_APP_ID);
        own.conf().set("spark.databricks.delta.write.txnVersion", Long.toString(batchId));
        List<Row> metrics = DeltaTable.forPath(own, path).as("t")
                .merge(latest.drop("_rank").as("s"), on)
                .whenMatched("s._op = 'd' AND (" + newer + ")").delete()
                .whenMatched("s._op <> 'd' AND (" + newer + ")").updateAll()
                .whenNotMatched("s._op <> 'd'").insertAll()
                .execute().collectAsList();
        if (metrics.isEmpty()) {
            return 0;
        }
        Row m = metrics.get(0);
        return m.<Long>getAs("num_inserted_rows") - m.<Long>getAs("num_deleted_rows");
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
        kept.add(current_timestamp().as("_applied_at"));
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
