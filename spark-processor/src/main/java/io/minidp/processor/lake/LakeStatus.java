package io.minidp.processor.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;

/**
 * Per table: the last Delta versions of bronze and silver, the rows in silver, when the last change
 * was committed in PostgreSQL and when it was applied. Kept after every micro-batch in a JSON file
 * that {@code ./platform status} reads.
 */
public final class LakeStatus {

    /** One table's figures; versions are -1 and times null when the table does not exist yet. */
    public record TableStatus(long bronzeVersion, long silverVersion, long silverRows, Instant lastChangeAt,
                              Instant lastAppliedAt) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LakeStatus.class);

    private final SparkSession spark;
    private final LakePaths paths;
    private final Path file;
    private final Map<String, TableStatus> tables = new TreeMap<>();
    /** Per stopped table: why (see {@link StoppedTables}). */
    private final Map<String, String> stopped = new TreeMap<>();
    private long batchId = -1;
    /** When a failed write of the status to the lake was last logged. */
    private Instant lakeWriteWarned;
    private Instant batchAt;

    public LakeStatus(SparkSession spark, LakePaths paths, Path file) {
        this.spark = spark;
        this.paths = paths;
        this.file = file;
    }

    /**
     * Reads every table's figures, as the processor starts. A table whose silver is still the Delta
     * table (by id) and at the version the last process wrote in the file keeps that process's
     * figures: only the processor writes silver, so its count still holds. Any other table is
     * counted in the lake.
     */
    public void load() {
        Map<String, String> writtenIds = new TreeMap<>();
        Map<String, TableStatus> written = written(writtenIds);
        List<String> counted = new ArrayList<>();
        for (String t : paths.tables(spark, "bronze")) {
            if (t.equals(LakePaths.REJECTED)) {
                continue;
            }
            TableStatus before = written.get(t);
            long silver = version(paths.silver(t));
            if (before != null && silver >= 0 && before.silverVersion() == silver
                    && LakePaths.tableId(spark, paths.silver(t)).equals(writtenIds.get(t))) {
                synchronized (this) {
                    tables.put(t, new TableStatus(version(paths.bronze(t)), silver, before.silverRows(),
                            before.lastChangeAt(), before.lastAppliedAt()));
                }
            } else {
                update(t, null);
                counted.add(t);
            }
        }
        LOG.info("Lake status: {} tables as the last run left them, counted in the lake: {}", tables.size() - counted.size(),
                counted);
        write();
    }

    /** The figures in the file a process wrote before this one; none when it has none or cannot be read. */
    private Map<String, TableStatus> written(Map<String, String> silverIds) {
        Map<String, TableStatus> found = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            return found;
        }
        try {
            JSON.readTree(file.toFile()).path("tables").fields().forEachRemaining(e -> {
                com.fasterxml.jackson.databind.JsonNode t = e.getValue();
                if (t.path("silverVersion").isNumber() && t.path("silverRows").isNumber()) {
                    found.put(e.getKey(), new TableStatus(t.path("bronzeVersion").asLong(-1), t.path("silverVersion").asLong(),
                            t.path("silverRows").asLong(), instant(t.path("lastChangeAt")), instant(t.path("lastAppliedAt"))));
                    silverIds.put(e.getKey(), t.path("silverTableId").asText(""));
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read the last status in {}; counting every table in the lake instead: {}", file, e.toString());
            found.clear();
        }
        return found;
    }

    private static Instant instant(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isTextual() ? Instant.parse(n.asText()) : null;
    }

    /** Reads a table's figures from the lake (at start, and the first time a table is seen). */
    public synchronized void update(String table, Instant lastChangeAt) {
        long silver = version(paths.silver(table));
        long rows = silver < 0 ? 0 : spark.read().format("delta").load(paths.silver(table)).count();
        Instant change = lastChangeAt;
        Instant applied = null;
        if (change == null && silver >= 0) {
            Row r = spark.read().format("delta").load(paths.silver(table)).selectExpr("max(_source_ts)", "max(_applied_at)").first();
            change = r.isNullAt(0) ? null : r.getTimestamp(0).toInstant();
            applied = r.isNullAt(1) ? null : r.getTimestamp(1).toInstant();
        }
        tables.put(table, new TableStatus(version(paths.bronze(table)), silver, rows, change, applied));
    }

    /**
     * A batch was applied to {@code table}: silver's row count moved by {@code silverDelta}; the
     * versions come from the Delta logs this process just committed to, without reading S3. A
     * table seen for the first time is counted in the lake, unless {@code silverNew} says that
     * this process created its silver table (then the batch's rows are all it holds).
     */
    public synchronized void applied(String table, long silverDelta, Instant lastChangeAt, boolean silverNew) {
        TableStatus before = tables.get(table);
        if (before == null && silverNew) {
            before = new TableStatus(version(paths.bronze(table)), version(paths.silver(table)), silverDelta, null, null);
        } else if (before == null) {
            update(table, lastChangeAt);
            before = tables.get(table);
        } else {
            before = new TableStatus(version(paths.bronze(table)), version(paths.silver(table)),
                    before.silverRows() + silverDelta, before.lastChangeAt(), before.lastAppliedAt());
        }
        Instant change = lastChangeAt == null || (before.lastChangeAt() != null && before.lastChangeAt().isAfter(lastChangeAt))
                ? before.lastChangeAt() : lastChangeAt;
        tables.put(table, new TableStatus(before.bronzeVersion(), before.silverVersion(), before.silverRows(), change,
                Instant.now()));
    }

    /** The tables whose apply is stopped now, and why. */
    public synchronized void stopped(Map<String, StoppedTables.Stop> now) {
        stopped.clear();
        now.forEach((table, stop) -> stopped.put(table, "stopped at batch " + stop.batchId() + ": " + stop.reason()
                + ". " + StoppedTables.howToResume(table)));
    }

    /** {@code table}'s lake tables were archived: its figures start again. */
    public synchronized void forget(String table) {
        tables.remove(table);
    }

    /** Writes the file again, with what changed between batches (a table rebuilt). */
    public synchronized void rewrite() {
        write();
    }

    public synchronized void batchDone(long id) {
        batchId = id;
        batchAt = Instant.now();
        write();
    }

    /** The table's latest version this process knows of (the Delta log is read once, then kept current by commits). */
    private long version(String path) {
        return DeltaLog.forTable(spark, path).unsafeVolatileSnapshot().version();
    }

    private void write() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("lastBatch", batchId);
        doc.put("lastBatchAt", batchAt == null ? null : batchAt.toString());
        Map<String, Object> byTable = new LinkedHashMap<>();
        tables.forEach((name, t) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bronzeVersion", t.bronzeVersion());
            m.put("silverVersion", t.silverVersion());
            m.put("silverRows", t.silverRows());
            m.put("silverTableId", t.silverVersion() < 0 ? null : LakePaths.tableId(spark, paths.silver(name)));
            m.put("lastChangeAt", t.lastChangeAt() == null ? null : t.lastChangeAt().toString());
            m.put("lastAppliedAt", t.lastAppliedAt() == null ? null : t.lastAppliedAt().toString());
            m.put("stopped", stopped.get(name));
            byTable.put(name, m);
        });
        stopped.forEach((name, why) -> {
            if (!byTable.containsKey(name)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("bronzeVersion", -1);
                m.put("silverVersion", -1);
                m.put("silverRows", 0);
                m.put("stopped", why);
                byTable.put(name, m);
            }
        });
        doc.put("tables", byTable);
        try {
            io.minidp.common.json.JsonFile.replace(file, doc);
        } catch (IOException e) {
            throw new io.minidp.common.app.PlatformException("Cannot write the lake status to " + file + ": " + e.getMessage()
                    + ". Check that PROCESSOR_WORK_DIR is writable.", e);
        }
        writeToLake(doc);
    }

    /**
     * The same document in the lake ({@link LakePaths#statusObject}, one PUT), for the console. A
     * store that is away costs the console its view, not the batch: it is logged, at most once a minute.
     */
    private void writeToLake(Map<String, Object> doc) {
        try {
            org.apache.hadoop.fs.Path object = new org.apache.hadoop.fs.Path(paths.statusObject());
            org.apache.hadoop.fs.FileSystem fs = object.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (var out = fs.create(object, true)) {
                out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
            }
        } catch (IOException | RuntimeException e) {
            Instant now = Instant.now();
            if (lakeWriteWarned == null || now.isAfter(lakeWriteWarned.plusSeconds(60))) {
                lakeWriteWarned = now;
                LOG.warn("Cannot write the status to {} (the console shows the last one it read): {}",
                        paths.statusObject(), e.toString());
            }
        }
    }
}
