package io.minidp.processor.lake;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once writes: each batch's write to a table carries the batch id in its commit
 * ({@code commitInfo.userMetadata = "minidp-batch <id>"}), so a replayed batch (the job died after
 * the write, before its checkpoint commit) finds it and is skipped.
 *
 * <p>Delta's own {@code txnAppId}/{@code txnVersion} would do the same, but Delta looks the
 * version up in the table's full state, which it rebuilds with a Spark job over the log after
 * every commit: measured, 40% of a micro-batch's time. A replay can only be the first batch a
 * process writes to a table, or a batch id it has written before; only then is the log read, and
 * only its newest commits.
 */
public final class BatchMarks {

    private static final Logger LOG = LoggerFactory.getLogger(BatchMarks.class);
    static final String PREFIX = "minidp-batch ";
    /** How many of a table's newest commits are searched for the last mark. */
    private static final int HISTORY = 100;

    private final SparkSession spark;
    private final String legacyAppId;
    /** Per table path: the highest batch this process has written to it. */
    private final Map<String, Long> written = new ConcurrentHashMap<>();

    /** {@code legacyAppId}: the {@code txnAppId} lakes written before these marks used. */
    public BatchMarks(SparkSession spark, String legacyAppId) {
        this.spark = spark;
        this.legacyAppId = legacyAppId;
    }

    /** The commit metadata that marks a write of {@code batchId}. */
    public static String mark(long batchId) {
        return PREFIX + batchId;
    }

    /** Whether {@code batchId} has been written to the table at {@code path} already. */
    public boolean written(String path, long batchId) {
        Long last = written.get(path);
        if (last != null && batchId > last) {
            return false;
        }
        long committed = committed(path);
        if (committed >= batchId) {
            LOG.info("Batch {} was written to {} before (its last marked commit is batch {}): skipped", batchId, path,
                    committed);
        }
        return committed >= batchId;
    }

    /** The batch has been written to the table at {@code path}. */
    public void done(String path, long batchId) {
        written.merge(path, batchId, Math::max);
    }

    /** The table at {@code path} is gone (archived): the next write to it is its first. */
    public void forget(String path) {
        written.remove(path);
    }

    /** The highest batch id marked in the table's newest commits; -1 when none is (or no table). */
    long committed(String path) {
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return -1;
        }
        List<Row> history = DeltaTable.forPath(spark, path).history(HISTORY).select("userMetadata").collectAsList();
        for (Row r : history) {
            if (!r.isNullAt(0) && r.getString(0).startsWith(PREFIX)) {
                return Long.parseLong(r.getString(0).substring(PREFIX.length()));
            }
        }
        // A lake written before these marks: Delta's own record of the batch (one state rebuild).
        scala.Option<Object> v = DeltaLog.forTable(spark, path).unsafeVolatileSnapshot().transactions().get(legacyAppId);
        return v.isDefined() ? ((Number) v.get()).longValue() : -1;
    }
}
