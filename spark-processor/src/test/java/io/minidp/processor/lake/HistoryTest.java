package io.minidp.processor.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.minidp.processor.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History's versions, with a real Spark and Delta: updates, deletes, TRUNCATEs, re-snapshots, key changes, replays. */
class HistoryTest {

    @TempDir
    static Path dir;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.delta("history-test", dir)
                .config("spark.databricks.delta.schema.autoMerge.enabled", "true")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Change events of table {@code t(id, v)}: (id, v, op, commit LSN, LSN, commit time's second, Kafka offset). */
    private static Dataset<Row> changes(String values) {
        // A transaction's changes share Debezium's commit LSN (that of the transaction before) and its id.
        return spark.sql("SELECT id, v, _op, _commit_lsn, _lsn, if(_op = 'r', NULL, _commit_lsn + 1000) AS _tx_id,"
                + " to_timestamp(_ts) AS _source_ts, _kafka_offset, _op = 'r' AS _snapshot, 0 AS _kafka_partition FROM VALUES " + values
                + " AS c(id, v, _op, _commit_lsn, _lsn, _ts, _kafka_offset)");
    }

    private static final List<String> ID = List.of("id");

    /** The versions, one line each: key=value [from, to) opened by → ended by, and * for the current one. */
    private static List<String> versions(String root) {
        return spark.read().format("delta").load(root + "/history/t")
                .selectExpr("concat(id, '=', v, ' [', date_format(_valid_from, 'ss.SSSSSS'), ', ',"
                        + " coalesce(date_format(_valid_to, 'ss.SSSSSS'), ''), ') ', _op, '>', coalesce(_end_op, ''),"
                        + " if(_is_current, ' *', '')) AS line")
                .orderBy("line").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    @Test
    void eachChangeOpensAVersionThatTheNextChangeOfItsKeyOrATruncateEnds() {
        String root = dir.resolve("lake").toUri().toString();
        History history = new History(spark, new LakePaths(root));
        // Batch 0: the initial snapshot.
        history.merge("t", ID, changes("(1, 'a', 'r', -1L, 10L, '2026-01-01 00:00:00', 0L),"
                + " (2, 'b', 'r', -1L, 10L, '2026-01-01 00:00:00', 1L), (3, 'c', 'r', -1L, 10L, '2026-01-01 00:00:00', 2L)"),
                false, true, 0);
        // Batch 1: an update, a delete, a key created and updated in the same batch; in one
        // transaction, 7 inserted then updated and 8 inserted then deleted.
        Dataset<Row> one = changes("(1, 'a1', 'u', 100L, 100L, '2026-01-01 00:00:01.000001', 3L),"
                + " (2, 'b', 'd', 110L, 110L, '2026-01-01 00:00:02', 4L), (4, 'd', 'c', 120L, 120L, '2026-01-01 00:00:03', 5L),"
                + " (7, 'g', 'c', 125L, 125L, '2026-01-01 00:00:03.5', 20L), (8, 'h', 'c', 125L, 126L, '2026-01-01 00:00:03.5', 21L),"
                + " (7, 'g1', 'u', 125L, 127L, '2026-01-01 00:00:03.5', 22L), (8, 'h', 'd', 125L, 128L, '2026-01-01 00:00:03.5', 23L),"
                + " (4, 'd1', 'u', 130L, 130L, '2026-01-01 00:00:04', 6L)");
        history.merge("t", ID, one, false, false, 1);
        // Batch 2: a re-snapshot that finds 1 unchanged and 3 changed (a default filled in without
        // WAL), then TRUNCATE (4 has no event in this batch) and a new row after it.
        Dataset<Row> two = changes("(1, 'a1', 'r', 130L, 140L, '2026-01-01 00:00:05', 7L),"
                + " (3, 'c3', 'r', 130L, 141L, '2026-01-01 00:00:05.5', 8L),"
                + " (null, null, 't', 150L, 150L, '2026-01-01 00:00:06.123456', 9L),"
                + " (5, 'e', 'c', 160L, 160L, '2026-01-01 00:00:07', 10L)");
        history.merge("t", ID, two, true, true, 2);
        List<String> afterTwo = versions(root);
        // Replayed (the job died before its checkpoint commit): nothing changes.
        new History(spark, new LakePaths(root)).merge("t", ID, two, true, true, 2);
        assertThat(versions(root)).isEqualTo(afterTwo);
        // Batch 3: an update of the key, 5 to 6: a delete and a create at one LSN.
        Dataset<Row> three = changes("(5, 'e', 'd', 170L, 170L, '2026-01-01 00:00:08', 11L),"
                + " (6, 'e', 'c', 170L, 170L, '2026-01-01 00:00:08', 12L)");
        history.merge("t", ID, three, false, false, 3);

        assertThat(versions(root)).containsExactly(
                "1=a [00.000000, 01.000001) r>u",
                "1=a1 [01.000001, 06.123456) u>t",
                "2=b [00.000000, 02.000000) r>d",
                "3=c [00.000000, 05.500000) r>r",
                "3=c3 [05.500000, 06.123456) r>t",
                "4=d [03.000000, 04.000000) c>u",
                "4=d1 [04.000000, 06.123456) u>t",
                "5=e [07.000000, 08.000000) c>d",
                "6=e [08.000000, ) c> *",
                "7=g1 [03.500000, 06.123456) u>t");
        // As of an instant, the versions valid then are the table then.
        assertThat(spark.read().format("delta").load(root + "/history/t")
                .filter("_valid_from <= '2026-01-01 00:00:03.5' AND (_valid_to IS NULL OR _valid_to > '2026-01-01 00:00:03.5')")
                .selectExpr("concat(id, '=', v) AS line").orderBy("line").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactly("1=a1", "3=c", "4=d", "7=g1");
    }

    @Test
    void batchesOfOnlyTruncatesEndEveryOpenVersion() {
        String root = dir.resolve("truncated").toUri().toString();
        History history = new History(spark, new LakePaths(root));
        Dataset<Row> zero = changes("(1, 'a', 'c', 100L, 100L, '2026-01-01 00:00:01', 0L), (2, 'b', 'c', 110L, 110L, '2026-01-01 00:00:02', 1L)");
        history.merge("t", ID, zero, false, false, 0);
        Dataset<Row> one = changes("(2, 'b1', 'u', 120L, 120L, '2026-01-01 00:00:03', 2L)");
        history.merge("t", ID, one, false, false, 1);
        Dataset<Row> two = changes("(null, null, 't', 130L, 130L, '2026-01-01 00:00:04', 3L),"
                + " (null, null, 't', 140L, 140L, '2026-01-01 00:00:05', 4L)");
        history.merge("t", ID, two, true, false, 2);
        history.merge("t", ID, two, true, false, 2);
        assertThat(versions(root)).containsExactly(
                "1=a [01.000000, 04.000000) c>t",
                "2=b [02.000000, 03.000000) c>u",
                "2=b1 [03.000000, 04.000000) u>t");
    }

    @Test
    void aCatchUpTakesTheBatchesBronzeHoldsSinceTheLastOneHistoryTookInOneMerge() {
        String root = dir.resolve("from-bronze").toUri().toString();
        String bronze = root + "/bronze/t";
        changes("(1, 'a', 'c', 100L, 100L, '2026-01-01 00:00:01', 0L), (2, 'b', 'c', 110L, 110L, '2026-01-01 00:00:02', 1L)")
                .withColumn("_batch_id", functions.lit(0L)).write().format("delta").save(bronze);
        changes("(2, 'b1', 'u', 120L, 120L, '2026-01-01 00:00:03', 2L)")
                .withColumn("_batch_id", functions.lit(1L)).write().format("delta").mode("append").save(bronze);
        History history = new History(spark, new LakePaths(root));
        assertThat(history.takenUpTo("t")).isEqualTo(-1);
        assertThat(history.catchUp("t", ID)).isEqualTo(3);
        assertThat(history.takenUpTo("t")).isEqualTo(1);
        assertThat(history.catchUp("t", ID)).isZero();
        changes("(1, 'a', 'd', 130L, 130L, '2026-01-01 00:00:04', 3L)")
                .withColumn("_batch_id", functions.lit(2L)).write().format("delta").mode("append").save(bronze);
        // Another process goes on from the mark of the last MERGE.
        History next = new History(spark, new LakePaths(root));
        assertThat(next.catchUp("t", ID)).isEqualTo(1);
        assertThat(History.takenUpTo(spark, root + "/history/t")).isEqualTo(2);
        // A batch that changes nothing in history (a re-snapshot of an unchanged row) is taken too.
        changes("(2, 'b1', 'r', 140L, 140L, '2026-01-01 00:00:05', 4L)")
                .withColumn("_batch_id", functions.lit(3L)).write().format("delta").mode("append").save(bronze);
        assertThat(next.catchUp("t", ID)).isEqualTo(1);
        assertThat(History.takenUpTo(spark, root + "/history/t")).isEqualTo(3);
        assertThat(versions(root)).containsExactly(
                "1=a [01.000000, 04.000000) c>d",
                "2=b [02.000000, 03.000000) c>u",
                "2=b1 [03.000000, ) u> *");
    }
}
