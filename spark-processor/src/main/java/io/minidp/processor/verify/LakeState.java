package io.minidp.processor.verify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

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
     * The positions of a table's latest TRUNCATE in bronze, as literals (null where there is none):
     * of all its events, of those {@code seen} selects, and of those in batches silver has applied
     * (up to {@code appliedBatch}). One Spark job for the three.
     */
    record Truncates(Column all, Column seen, Column applied) {}

    static Truncates truncates(Dataset<Row> bronze, Column seen, long appliedBatch) {
        Column position = Bronze.position();
        Row r = bronze.filter(col("_op").equalTo("t")).agg(max(position), max(when(seen, position)),
                max(when(col("_batch_id").leq(appliedBatch), position))).first();
        return new Truncates(literal(r, 0), literal(r, 1), literal(r, 2));
    }

    /**
     * Per key, the latest change among those {@code seen} selects, unless it is a delete or comes
     * before {@code truncate} (the latest TRUNCATE so selected, {@link Truncates#seen}): the table
     * as it stood at that point.
     */
    static Dataset<Row> at(Dataset<Row> bronze, List<String> keys, Column seen, Column truncate) {
        return latest(since(bronze.filter(seen), truncate), keys).filter(col("_op").notEqual("d"));
    }

    /**
     * Per key, the change silver must hold: its latest of all, when that is a create, update or read
     * in a batch silver has applied (up to {@code appliedBatch}) and after the table's latest
     * TRUNCATE in bronze ({@link Truncates#all}). A key whose latest change came before that
     * TRUNCATE is gone from silver, or about to be: bronze takes each batch before silver does.
     */
    static Dataset<Row> mustBeInSilver(Dataset<Row> bronze, List<String> keys, long appliedBatch, Column truncate) {
        return latest(since(bronze, truncate), keys)
                .filter(col("_op").isin("c", "u", "r").and(col("_batch_id").leq(appliedBatch)));
    }

    /** The row changes among {@code events} after {@code truncate}; all of them when it is null. */
    private static Dataset<Row> since(Dataset<Row> events, Column truncate) {
        Dataset<Row> changes = events.filter(col("_op").notEqual("t"));
        return truncate == null ? changes : changes.filter(Bronze.position().gt(truncate));
    }

    /**
     * The silver rows behind bronze, which silver should have replaced: older than the latest
     * change bronze holds for their key in the batches silver has applied (an update or a delete
     * silver missed), or older than {@code truncate}, the latest TRUNCATE in those batches
     * ({@link Truncates#applied}). Silver may be ahead (the batch after {@code appliedBatch} under
     * way), never behind. The key columns, then {@code _missed}: the operation silver missed
     * ({@code u}, {@code d}, ... or {@code TRUNCATE}).
     */
    static Dataset<Row> behindInSilver(Dataset<Row> bronze, List<String> keys, long appliedBatch, Dataset<Row> silver,
            Column truncate) {
        Dataset<Row> applied = bronze.filter(col("_batch_id").leq(appliedBatch));
        Column[] keyColumns = keys.stream().map(k -> col(q(k))).toArray(Column[]::new);
        Dataset<Row> last = latest(applied, keys).select(withExtra(keyColumns,
                Bronze.position().as("_bronze_position"), col("_op").as("_bronze_op")));
        Column silverPosition = col("_silver_position");
        Column behind = col("_bronze_position").isNotNull().and(silverPosition.lt(col("_bronze_position")));
        Column truncated = truncate == null ? lit(false) : silverPosition.lt(truncate);
        return silver.select(withExtra(keyColumns, Bronze.position().as("_silver_position")))
                .join(last, seq(keys), "left_outer")
                .filter(behind.or(truncated))
                .select(withExtra(keyColumns, when(truncated, "TRUNCATE").otherwise(col("_bronze_op")).as("_missed")));
    }

    /** Field {@code i} of {@code r}, a position struct, as a literal; null when it is null. */
    private static Column literal(Row r, int i) {
        if (r.isNullAt(i)) {
            return null;
        }
        Row t = r.getStruct(i);
        return struct(lit(t.getLong(0)).as("_commit_lsn"), lit(t.getLong(1)).as("_lsn"), lit(t.getInt(2)).as("_step"));
    }

    static Column[] withExtra(Column[] columns, Column... extra) {
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
