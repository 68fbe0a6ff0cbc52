package io.minidp.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.minidp.processor.LocalSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch's own values as columns: the right values, and the same generated code in every batch (Spark's engine). */
class BatchConstantTest {

    private static SparkSession spark;

    @BeforeAll
    static void start(@TempDir Path dir) {
        spark = LocalSpark.builder("batch-constant-test", dir).getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void everyRowGetsTheBatchsValues() {
        Timestamp before = new Timestamp(System.currentTimeMillis());
        List<Row> rows = batch(BatchConstant.of(42), BatchConstant.now()).collectAsList();
        assertThat(rows).hasSize(3).allSatisfy(r -> {
            assertThat(r.getLong(1)).isEqualTo(42);
            assertThat(r.getTimestamp(2)).isAfterOrEqualTo(before).isBeforeOrEqualTo(new Timestamp(System.currentTimeMillis()));
        });
        assertThat(rows.stream().map(r -> r.getTimestamp(2)).distinct()).hasSize(1);
        org.apache.spark.sql.types.StructField[] fields = batch(BatchConstant.of(42), BatchConstant.now()).schema().fields();
        assertThat(fields[1].nullable()).as("_batch_id nullable").isFalse();
        assertThat(fields[2].nullable()).as("_at nullable").isFalse();
    }

    @Test
    void anotherBatchIsTheSameCode() {
        assertThat(code(batch(BatchConstant.of(1), BatchConstant.now())))
                .isEqualTo(code(batch(BatchConstant.of(2), BatchConstant.now())));
        // What it replaces: a literal is written into the code, so each batch would be compiled anew.
        assertThat(code(batch(lit(1L), lit(new Timestamp(1000))))).isNotEqualTo(code(batch(lit(2L), lit(new Timestamp(2000)))));
    }

    private static Dataset<Row> batch(Column batchId, Column at) {
        return spark.range(3).filter(col("id").geq(0)).select(col("id"), batchId.as("_batch_id"), at.as("_at"));
    }

    /** The Java code Spark generates for the plan's stages. */
    private static String code(Dataset<Row> df) {
        StringBuilder all = new StringBuilder();
        scala.collection.Seq<scala.Tuple3<String, String, org.apache.spark.sql.catalyst.expressions.codegen.ByteCodeStats>> stages =
                org.apache.spark.sql.execution.debug.package$.MODULE$.codegenStringSeq(df.queryExecution().executedPlan());
        scala.jdk.javaapi.CollectionConverters.asJava(stages).forEach(s -> all.append(s._2()));
        assertThat(all).isNotEmpty();
        return all.toString();
    }
}
