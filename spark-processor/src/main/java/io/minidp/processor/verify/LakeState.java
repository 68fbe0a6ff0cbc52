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
        Dataset<Row> visible = bronze.filter(seen);
        Row truncate = visible.filter(col("_op").equalTo("t")).agg(max(Bronze.position())).first();
        Dataset<Row> changes = visible.filter(col("_op").notEqual("t"));
        if (!truncate.isNullAt(0)) {
            Row t = truncate.getStruct(0);
            changes = changes.filter(Bronze.position().gt(org.apache.spark.sql.functions.struct(
                    org.apache.spark.sql.functions.lit(t.getLong(0)).as("_commit_lsn"),
                    org.apache.spark.sql.functions.lit(t.getLong(1)).as("_lsn"),
                    org.apache.spark.sql.functions.lit(t.getInt(2)).as("_step"))));
        }
        return latest(changes, keys).filter(col("_op").notEqual("d"));
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
