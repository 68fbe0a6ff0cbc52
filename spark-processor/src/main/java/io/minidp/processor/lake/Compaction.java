package io.minidp.processor.lake;

import io.delta.tables.DeltaTable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Rewrites the small files of a bronze or history table into few (Delta's OPTIMIZE), beside the
 * stream. Each micro-batch appends at least one file to each bronze table it touches, and each
 * history catch-up adds more; left alone, a day at the generator's rate leaves thousands of small
 * files per table, and every reader of the whole table (verify, a query, a replayed batch's scan of
 * bronze) opens each one.
 *
 * <p>Safe beside the stream: bronze only ever gets appends, which never conflict with a compaction
 * (it removes only files it read and adds their rows back, with {@code dataChange=false}, so
 * readers by version and Delta's streaming readers see no change); history is written on the same
 * thread as its compaction. Its commits carry no batch mark (a session of its own), so
 * {@link BatchMarks} looks past them. Silver is not compacted here: its MERGEs rewrite files, and a
 * compaction beside them could make a batch's commit fail.
 */
public final class Compaction {

    /** What one compaction did. */
    public record Done(String path, long filesRemoved, long filesAdded, long millis) {}

    private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
    /**
     * Files at least this big are left as they are: the last compaction's file is rewritten with
     * the new small ones until it is this big, not every file of the table each time (Delta's
     * default, 1 GiB, would). The small ones are packed into files of up to {@link #MAX_FILE_BYTES}.
     */
    static final long MIN_FILE_BYTES = 64L << 20;
    static final long MAX_FILE_BYTES = 256L << 20;

    private final SparkSession session;
    private final int afterWrites;
    /** Per table path: the writes since its last compaction (from the first look in a process: its files). */
    private final Map<String, Long> writes = new ConcurrentHashMap<>();
    /** The tables whose files this process has counted. */
    private final java.util.Set<String> counted = ConcurrentHashMap.newKeySet();

    /** Compacts a table after {@code afterWrites} writes to it; 0: never. */
    public Compaction(SparkSession spark, int afterWrites) {
        // The processor's settings (a clone), without a batch mark.
        this.session = ((org.apache.spark.sql.classic.SparkSession) spark).cloneSession();
        this.session.conf().unset(USER_METADATA);
        this.session.conf().set("spark.databricks.delta.optimize.minFileSize", Long.toString(MIN_FILE_BYTES));
        this.session.conf().set("spark.databricks.delta.optimize.maxFileSize", Long.toString(MAX_FILE_BYTES));
        this.afterWrites = afterWrites;
    }

    /** A write added files to the table at {@code path}. */
    public void wrote(String path) {
        if (afterWrites > 0) {
            writes.merge(path, 1L, Long::sum);
        }
    }

    /** The table at {@code path} was archived: the next one there starts afresh. */
    public void forget(String path) {
        writes.remove(path);
        counted.remove(path);
    }

    /**
     * Compacts the table at {@code path} when it is due: {@code afterWrites} writes since its last
     * compaction, or, the first time this process looks at it, as many files. Empty when not due.
     */
    public Optional<Done> compactIfDue(String path) {
        if (afterWrites <= 0 || !DeltaTable.isDeltaTable(session, path)) {
            return Optional.empty();
        }
        if (counted.add(path)) {
            // Its files hold every write so far, those of earlier processes too.
            writes.put(path, files(path));
        }
        long since = writes.getOrDefault(path, 0L);
        if (since < afterWrites) {
            return Optional.empty();
        }
        long started = System.nanoTime();
        Row m = DeltaTable.forPath(session, path).optimize().executeCompaction()
                .select("metrics.numFilesRemoved", "metrics.numFilesAdded").first();
        writes.merge(path, -since, Long::sum);
        return Optional.of(new Done(path, m.getLong(0), m.getLong(1), (System.nanoTime() - started) / 1_000_000));
    }

    /** The files of the table's current version. */
    long files(String path) {
        return DeltaTable.forPath(session, path).detail().select("numFiles").first().getLong(0);
    }
}
