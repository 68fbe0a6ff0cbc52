package io.minidp.processor.verify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;

import io.minidp.processor.lake.Bronze;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** A table's state rebuilt from its bronze change events, as of a point or at given positions. */
final class LakeState {

    private LakeState() {}

    /**
     * Per key, the latest change among those {@code seen} selects, unless it is a delete or comes
     * before the latest TRUNCATE so selected: the table as it stood at that point.
     */
    static Dataset<Row> at(Dataset<Row> bronze, List<String> keys, Column seen) {
        return latest(sinceLastTruncate(bronze.filter(seen)), keys).filter(col("_op").notEqual("d"));
    }

    /**
     * Per key, the change silver must hold: its latest of all, when that is a create, update or read
     * in a batch silver has applied (up to {@code appliedBatch}) and after the table's latest
     * TRUNCATE in bronze. A key whose latest change came before that TRUNCATE is gone from silver, or
     * about to be: bronze takes each batch before silver does.
     */
    static Dataset<Row> mustBeInSilver(Dataset<Row> bronze, List<String> keys, long appliedBatch) {
        return latest(sinceLastTruncate(bronze), keys)
                .filter(col("_op").isin("c", "u", "r").and(col("_batch_id").leq(appliedBatch)));
    }

    /** The row changes among {@code events} after the latest TRUNCATE among them; all of them when there is none. */
    static Dataset<Row> sinceLastTruncate(Dataset<Row> events) {
        Column truncate = lastTruncate(events);
        Dataset<Row> changes = events.filter(col("_op").notEqual("t"));
        return truncate == null ? changes : changes.filter(Bronze.position().gt(truncate));
    }

    /**
     * The silver rows behind bronze, which silver should have replaced: older than the latest
     * change bronze holds for their key in the batches silver has applied (an update or a delete
     * silver missed), or older than the latest TRUNCATE in those batches. Silver may be ahead (the
     * batch after {@code appliedBatch} under way), never behind. The key columns, then
     * {@code _missed}: the operation silver missed ({@code u}, {@code d}, ... or {@code TRUNCATE}).
     */
    static Dataset<Row> behindInSilver(Dataset<Row> bronze, List<String> keys, long appliedBatch, Dataset<Row> silver) {
        Dataset<Row> applied = bronze.filter(col("_batch_id").leq(appliedBatch));
        Column[] keyColumns = keys.stream().map(k -> col(q(k))).toArray(Column[]::new);
        Column truncate = lastTruncate(applied);
        Dataset<Row> last = latest(applied, keys).select(withExtra(keyColumns,
                Bronze.position().as("_bronze_position"), col("_op").as("_bronze_op")));
        Column silverPosition = col("_silver_position");
        Column behind = col("_bronze_position").isNotNull().and(silverPosition.lt(col("_bronze_position")));
        Column truncated = truncate == null ? org.apache.spark.sql.functions.lit(false) : silverPosition.lt(truncate);
        return silver.select(withExtra(keyColumns, Bronze.position().as("_silver_position")))
                .join(last, seq(keys), "left_outer")
                .filter(behind.or(truncated))
                .select(withExtra(keyColumns, org.apache.spark.sql.functions.when(truncated, "TRUNCATE")
                        .otherwise(col("_bronze_op")).as("_missed")));
    }

    /** The position of the latest TRUNCATE among {@code events}, as a literal; null when there is none. */
    private static Column lastTruncate(Dataset<Row> events) {
        Row truncate = events.filter(col("_op").equalTo("t")).agg(max(Bronze.position())).first();
        if (truncate.isNullAt(0)) {
            return null;
        }
        Row t = truncate.getStruct(0);
        return org.apache.spark.sql.functions.struct(
                org.apache.spark.sql.functions.lit(t.getLong(0)).as("_commit_lsn"),
                org.apache.spark.sql.functions.lit(t.getLong(1)).as("_lsn"),
                org.apache.spark.sql.functions.lit(t.getInt(2)).as("_step"));
    }

    private static Column[] withExtra(Column[] columns, Column... extra) {
        Column[] all = java.util.Arrays.copyOf(columns, columns.length + extra.length);
        System.arraycopy(extra, 0, all, columns.length, extra.length);
        return all;
    }

    /** Per key, its latest change of all (a delete or a TRUNCATE included). */
    static Dataset<Row> latest(Dataset<Row> bronze, List<String> keys) {
        Column[] by = keys.stream().map(k -> col(q(k))).toArray(Column[]::new);
        return bronze.filter(col("_op").notEqual("t"))
                .withColumn("_latest", row_number().over(Window.partitionBy(by)
                        .orderBy(Bronze.position().desc(), col("_kafka_offset").desc())))
                .filter(col("_latest").equalTo(1)).drop("_latest");
    }

    /** The bronze change of each key at the position {@code rows} (silver's) hold for it; one each. */
    static Dataset<Row> atPositions(Dataset<Row> bronze, List<String> keys, Dataset<Row> rows) {
        List<String> on = new ArrayList<>(keys);
        on.add("_commit_lsn");
        on.add("_lsn");
        scala.collection.immutable.Seq<String> using = scala.jdk.javaapi.CollectionConverters.asScala(on).toList();
        return bronze.filter(col("_op").isin("c", "u", "r"))
                .join(rows.select(on.stream().map(c -> col(q(c))).toArray(Column[]::new)), using, "left_semi")
                .dropDuplicates(on.toArray(String[]::new));
    }

    static scala.collection.immutable.Seq<String> seq(List<String> names) {
        return scala.jdk.javaapi.CollectionConverters.asScala(names).toList();
    }

    static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
