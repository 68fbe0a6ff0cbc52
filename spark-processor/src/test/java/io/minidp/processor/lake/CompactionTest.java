package io.minidp.processor.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.minidp.processor.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction with a real Spark and Delta: when it is due, what it keeps, and what readers see after it. */
class CompactionTest {

    @TempDir
    static Path dir;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.delta("compaction-test", dir).getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Appends batch {@code batch} (ids batch*10 .. batch*10+9) in one file, marked as the processor marks bronze's writes. */
    private static void append(String path, long batch) {
        spark.range(batch * 10, batch * 10 + 10).selectExpr("id", "CAST(" + batch + " AS BIGINT) AS _batch_id")
                .coalesce(1).write().format("delta").mode("append")
                .option("userMetadata", BatchMarks.mark(batch)).save(path);
    }

    private static String table(String name, int batches) {
        String path = dir.resolve(name).toUri().toString();
        for (long b = 0; b < batches; b++) {
            append(path, b);
        }
        return path;
    }

    @Test
    void aTableSeenFirstIsCompactedWhenItHasAsManyFilesAndKeepsEveryRowAndItsBatchMark() {
        String path = table("bronze-a", 12);
        long versionBefore = DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
        List<Row> before = spark.read().format("delta").load(path).orderBy("id").collectAsList();
        Compaction c = new Compaction(spark, 10);
        assertThat(c.files(path)).isEqualTo(12);

        var done = c.compactIfDue(path);

        assertThat(done).hasValueSatisfying(d -> {
            assertThat(d.filesRemoved()).isEqualTo(12);
            assertThat(d.filesAdded()).isEqualTo(1);
        });
        assertThat(c.files(path)).isEqualTo(1);
        assertThat(spark.read().format("delta").load(path).orderBy("id").collectAsList()).isEqualTo(before);
        // A reader pinned to the version before still reads it; the compaction's commit carries no batch mark,
        // so a replayed batch still finds the last one written.
        assertThat(spark.read().format("delta").option("versionAsOf", versionBefore).load(path).count()).isEqualTo(120);
        Row last = DeltaTable.forPath(spark, path).history(1).select("operation", "userMetadata").first();
        assertThat(last.getString(0)).isEqualTo("OPTIMIZE");
        assertThat(last.isNullAt(1)).isTrue();
        assertThat(new BatchMarks(spark, "legacy").committed(path)).isEqualTo(11);
    }

    @Test
    void afterACompactionTheNextIsDueAfterAsManyWritesAgain() {
        String path = table("bronze-b", 4);
        Compaction c = new Compaction(spark, 3);
        assertThat(c.compactIfDue(path)).isPresent();

        append(path, 4);
        c.wrote(path);
        append(path, 5);
        c.wrote(path);
        assertThat(c.compactIfDue(path)).isEmpty();
        append(path, 6);
        c.wrote(path);

        assertThat(c.compactIfDue(path)).hasValueSatisfying(d -> assertThat(d.filesRemoved()).isEqualTo(4));
        assertThat(c.files(path)).isEqualTo(1);
        assertThat(spark.read().format("delta").load(path).count()).isEqualTo(70);
        assertThat(c.compactIfDue(path)).isEmpty();
    }

    @Test
    void aTableWrittenBeforeItsFirstLookIsCountedByItsFiles() {
        String path = table("bronze-d", 6);
        Compaction c = new Compaction(spark, 5);
        append(path, 6);
        c.wrote(path);

        assertThat(c.compactIfDue(path)).hasValueSatisfying(d -> assertThat(d.filesRemoved()).isEqualTo(7));
    }

    @Test
    void zeroWritesMeansNeverAndAMissingTableIsNotDue() {
        String path = table("bronze-c", 5);
        assertThat(new Compaction(spark, 0).compactIfDue(path)).isEmpty();
        assertThat(new Compaction(spark, 0).files(path)).isEqualTo(5);
        assertThat(new Compaction(spark, 1).compactIfDue(dir.resolve("none").toUri().toString())).isEmpty();
    }
}
