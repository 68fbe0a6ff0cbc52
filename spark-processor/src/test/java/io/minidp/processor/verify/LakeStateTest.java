package io.minidp.processor.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.minidp.processor.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table rebuilt from bronze events, with a real Spark: deletes and TRUNCATEs applied. */
class LakeStateTest {

    @TempDir
    static Path dir;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.builder("lake-state-test", dir).getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * Bronze of one table: keys 1 to 3 created in batch 1, 2 deleted; {@code TRUNCATE; INSERT 1}
     * in one transaction in batch 2; 4 created in batch 3, 5 in batch 4 (not applied to silver yet).
     */
    private static Dataset<Row> bronze() {
        return spark.sql("""
                SELECT * FROM VALUES
                  (1, 'one', 'c', 100L, 100L, 0L, 1L), (2, 'two', 'c', 110L, 110L, 1L, 1L), (3, 'three', 'c', 120L, 120L, 2L, 1L),
                  (2, null, 'd', 130L, 130L, 3L, 1L),
                  (null, null, 't', 200L, 190L, 4L, 2L), (1, 'one again', 'c', 200L, 195L, 5L, 2L),
                  (4, 'four', 'c', 300L, 300L, 6L, 3L), (5, 'five', 'c', 400L, 400L, 7L, 4L)
                AS bronze(id, v, _op, _commit_lsn, _lsn, _kafka_offset, _batch_id)""");
    }

    private static List<String> rows(Dataset<Row> state) {
        return state.orderBy("id").select(functions.concat_ws("=", functions.col("id"), functions.col("v")))
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    private static Dataset<Row> at(Dataset<Row> bronze, long commitLsn) {
        Column seen = functions.col("_commit_lsn").leq(commitLsn);
        return LakeState.at(bronze, List.of("id"), seen, LakeState.truncates(bronze, seen, 4).seen());
    }

    private static Dataset<Row> mustBeInSilver(Dataset<Row> bronze, long appliedBatch) {
        return LakeState.mustBeInSilver(bronze, List.of("id"), appliedBatch,
                LakeState.truncates(bronze, functions.lit(true), appliedBatch).all());
    }

    private static Dataset<Row> behindInSilver(Dataset<Row> bronze, long appliedBatch, Dataset<Row> silver) {
        return LakeState.behindInSilver(bronze, List.of("id"), appliedBatch, silver,
                LakeState.truncates(bronze, functions.lit(true), appliedBatch).applied());
    }

    private static String position(Column literal) {
        return literal == null ? null : spark.range(1).select(functions.to_json(literal)).first().getString(0);
    }

    @Test
    void theLatestTruncateOfAllOfThoseSeenAndOfTheAppliedBatchesInOnePass() {
        LakeState.Truncates before = LakeState.truncates(bronze(), functions.col("_commit_lsn").leq(150L), 1);
        assertThat(position(before.all())).isEqualTo("{\"_commit_lsn\":200,\"_lsn\":190,\"_step\":1}");
        assertThat(before.seen()).isNull();
        assertThat(before.applied()).isNull();
        LakeState.Truncates after = LakeState.truncates(bronze(), functions.lit(true), 2);
        assertThat(position(after.seen())).isEqualTo(position(after.all()));
        assertThat(position(after.applied())).isEqualTo(position(after.all()));
        assertThat(LakeState.truncates(bronze().filter("_op <> 't'"), functions.lit(true), 4).all()).isNull();
    }

    @Test
    void aTruncateHidesEveryEarlierRowAndADeleteItsKey() {
        assertThat(rows(at(bronze(), 150L))).containsExactly("1=one", "3=three");
        assertThat(rows(at(bronze(), 300L))).containsExactly("1=one again", "4=four");
    }

    @Test
    void silverMustHoldOnlyRowsAfterTheLastTruncateInAppliedBatches() {
        // 3 came before the TRUNCATE, 5 in a batch silver has not applied yet: neither is missing from silver.
        assertThat(rows(mustBeInSilver(bronze(), 3))).containsExactly("1=one again", "4=four");
        assertThat(rows(mustBeInSilver(bronze(), 4))).containsExactly("1=one again", "4=four", "5=five");
    }

    private static Dataset<Row> silver(String values) {
        return spark.sql("SELECT * FROM VALUES " + values + " AS silver(id, v, _op, _commit_lsn, _lsn)");
    }

    private static List<String> missed(Dataset<Row> behind) {
        return behind.orderBy("id").select(functions.concat_ws("=", functions.col("id"), functions.col("_missed")))
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    @Test
    void silverUpToDateOrAheadOfTheAppliedBatchesIsNotBehind() {
        // 5 comes from batch 4, which silver has started to apply: ahead, not wrong.
        Dataset<Row> right = silver("(1, 'one again', 'c', 200L, 195L), (4, 'four', 'c', 300L, 300L), (5, 'five', 'c', 400L, 400L)");
        assertThat(missed(behindInSilver(bronze(), 3, right))).isEmpty();
    }

    @Test
    void silverRowsThatMissedADeleteAnUpdateOrATruncateAreNamed() {
        Dataset<Row> beforeTheTruncate = silver("(1, 'one', 'c', 100L, 100L), (3, 'three', 'c', 120L, 120L),"
                + " (4, 'four', 'c', 300L, 300L)");
        assertThat(missed(behindInSilver(bronze(), 3, beforeTheTruncate)))
                .containsExactly("1=TRUNCATE", "3=TRUNCATE");
        Dataset<Row> noTruncate = bronze().filter("_op <> 't'");
        Dataset<Row> stale = silver("(1, 'one', 'c', 100L, 100L), (2, 'two', 'c', 110L, 110L), (3, 'three', 'c', 120L, 120L)");
        assertThat(missed(behindInSilver(noTruncate, 3, stale))).containsExactly("1=c", "2=d");
    }

    @Test
    void withoutATruncateEveryLiveKeyCounts() {
        Dataset<Row> noTruncate = bronze().filter("_op <> 't'");
        assertThat(rows(mustBeInSilver(noTruncate, 4)))
                .containsExactly("1=one again", "3=three", "4=four", "5=five");
    }
}
