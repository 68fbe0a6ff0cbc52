package io.minidp.processor.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.minidp.processor.decode.TableChanges;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bronze layer: per table, an append-only Delta table of every change event, partitioned by
 * the commit date.
 *
 * <p>Three guards keep it free of duplicates. A replayed micro-batch (the job died after writing,
 * before its checkpoint commit) is skipped by Delta itself: each append carries
 * {@code txnAppId}/{@code txnVersion} = the batch id. An event Debezium sends again (Connect died
 * before committing its source offsets, and resends from the last committed position) arrives at a
 * new Kafka offset but at an old source position; the high-water mark of each topic partition's
 * source position ({@code _commit_lsn}, {@code _lsn}) drops it. Snapshot reads all share one
 * position, so they are compared with {@code >=}. The same rule applies within a batch, for an event
 * sent again so soon that both copies arrive together.
 */
public final class Bronze {

    private static final Logger LOG = LoggerFactory.getLogger(Bronze.class);
    static final String TXN_APP_ID = "minidp-bronze";

    /** A source position: Debezium's last commit LSN, then the change's own LSN. */
    record Position(long commitLsn, long lsn) {}

    private final SparkSession spark;
    private final LakePaths paths;
    /** Per table, per Kafka partition: the highest source position written by batches before {@link #marksBefore}. */
    private final Map<String, Map<Integer, Position>> marks = new ConcurrentHashMap<>();
    private volatile long marksBefore = -1;

    public Bronze(SparkSession spark, LakePaths paths) {
        this.spark = spark;
        this.paths = paths;
    }

    /**
     * A batch begins. The marks kept in memory cover the batches before it, unless this is the
     * first batch of the process or a batch is replayed: then they are read again from bronze.
     */
    public void batchStart(long batchId) {
        if (marksBefore != batchId) {
            marks.clear();
            marksBefore = batchId;
        }
    }

    /** The events of {@code t} not already in bronze from an earlier batch (see the class comment). */
    public Dataset<Row> fresh(TableChanges t, long batchId) {
        Map<Integer, Position> tableMarks = marks.computeIfAbsent(t.table(), table -> load(table, batchId));
        Column keep = lit(true);
        for (Map.Entry<Integer, Position> m : tableMarks.entrySet()) {
            Position p = m.getValue();
            Column after = col("_commit_lsn").gt(p.commitLsn())
                    .or(col("_commit_lsn").equalTo(p.commitLsn()).and(col("_lsn").gt(p.lsn())));
            Column sameAsMark = col("_commit_lsn").equalTo(p.commitLsn()).and(col("_lsn").equalTo(p.lsn()));
            keep = keep.and(col("_kafka_partition").notEqual(m.getKey()).or(after).or(col("_snapshot").and(sameAsMark)));
        }
        return withoutResends(t.changes().filter(keep));
    }

    /**
     * Drops the events sent again within the batch itself: an event whose source position is not
     * past the highest position at an earlier offset of its partition (a producer that retried
     * after the broker died, a task that restarted, and both copies in one batch). Snapshot reads
     * share one position and are kept.
     */
    static Dataset<Row> withoutResends(Dataset<Row> changes) {
        Column position = when(col("_lsn").isNotNull(), struct(col("_commit_lsn"), col("_lsn")));
        WindowSpec earlier = Window.partitionBy(col("_kafka_partition")).orderBy(col("_kafka_offset"))
                .rowsBetween(Window.unboundedPreceding(), -1);
        Column seen = max(position).over(earlier);
        Column fresh = seen.isNull().or(position.isNull()).or(position.gt(seen))
                .or(col("_snapshot").and(position.equalTo(seen)));
        return changes.withColumn("_seen_before", fresh).filter(col("_seen_before")).drop("_seen_before");
    }

    /** Appends the batch's fresh events; a second append for the same batch id is a no-op. */
    public void append(String table, Dataset<Row> fresh, long batchId) {
        fresh.write().format("delta").mode(SaveMode.Append)
                .option("txnAppId", TXN_APP_ID).option("txnVersion", batchId)
                .option("mergeSchema", "true")
                .partitionBy("_date")
                .save(paths.bronze(table));
    }

    /**
     * Per Kafka partition of {@code fresh}: the partition, the number of events, the highest source
     * position (commit LSN, LSN; null when no event has one) and the latest commit time. One job.
     */
    public static List<Row> summary(Dataset<Row> fresh) {
        return fresh.groupBy(col("_kafka_partition"))
                .agg(count(lit(1)).as("n"),
                        max(when(col("_lsn").isNotNull(), struct(col("_commit_lsn"), col("_lsn")))).as("p"),
                        max(col("_source_ts")).as("ts"))
                .select(col("_kafka_partition"), col("n"), col("p._commit_lsn"), col("p._lsn"), col("ts"))
                .collectAsList();
    }

    /** Moves a table's high-water marks past a written batch, given its {@link #summary}. */
    public void advance(String table, List<Row> summary) {
        Map<Integer, Position> tableMarks = marks.computeIfAbsent(table, t -> new ConcurrentHashMap<>());
        for (Row r : summary) {
            if (!r.isNullAt(2)) {
                Position p = new Position(r.getLong(2), r.getLong(3));
                tableMarks.merge(r.getInt(0), p, (a, b) -> compare(a, b) >= 0 ? a : b);
            }
        }
    }

    /** The batch is done: the marks now cover every batch up to it. */
    public void batchDone(long batchId) {
        marksBefore = batchId + 1;
    }

    /** Records that could not be decoded, kept with their reason and bytes in {@code bronze._rejected}. */
    public void reject(Dataset<Row> rejected, long batchId) {
        rejected.write().format("delta").mode(SaveMode.Append)
                .option("txnAppId", TXN_APP_ID).option("txnVersion", batchId)
                .option("mergeSchema", "true")
                .save(paths.bronze(LakePaths.REJECTED));
    }

    private Map<Integer, Position> load(String table, long batchId) {
        Map<Integer, Position> loaded = new HashMap<>();
        String path = paths.bronze(table);
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return loaded;
        }
        List<Row> rows = highest(spark.read().format("delta").load(path).filter(col("_batch_id").lt(batchId)));
        for (Row r : rows) {
            loaded.put(r.getInt(0), new Position(r.getLong(1), r.getLong(2)));
        }
        LOG.debug("Bronze {}: high-water marks before batch {}: {}", table, batchId, loaded);
        return loaded;
    }

    private static List<Row> highest(Dataset<Row> events) {
        return events.filter(col("_lsn").isNotNull())
                .groupBy(col("_kafka_partition"))
                .agg(max(struct(col("_commit_lsn"), col("_lsn"))).as("p"))
                .select(col("_kafka_partition"), col("p._commit_lsn"), col("p._lsn"))
                .collectAsList();
    }

    private static int compare(Position a, Position b) {
        int c = Long.compare(a.commitLsn(), b.commitLsn());
        return c != 0 ? c : Long.compare(a.lsn(), b.lsn());
    }
}
