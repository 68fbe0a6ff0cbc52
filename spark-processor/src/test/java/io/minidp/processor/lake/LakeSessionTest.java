package io.minidp.processor.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.minidp.processor.LocalSpark;
import java.nio.file.Path;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor's sessions share Spark's code cache: a cloned session (one per MERGE) compiles nothing again. */
class LakeSessionTest {

    private static SparkSession spark;

    @BeforeAll
    static void start(@TempDir Path dir) {
        spark = LakeSession.oneCodeCache(LocalSpark.builder("lake-session-test", dir)).getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aClonedSessionReusesTheCodeOfTheFirst() {
        run(spark);
        long compiled = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
        run(((org.apache.spark.sql.classic.SparkSession) spark).cloneSession());
        run(((org.apache.spark.sql.classic.SparkSession) spark).cloneSession());
        assertThat(CodegenMetrics.METRIC_COMPILATION_TIME().getCount()).isEqualTo(compiled);
    }

    private static void run(SparkSession s) {
        s.range(100).selectExpr("id * 7 + 3 AS x", "cast(id AS string) AS s").filter("x % 2 = 0")
                .groupBy("s").count().collectAsList();
    }
}
