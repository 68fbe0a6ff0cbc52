package io.minidp.processor.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.common.lake.LakeLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tables whose apply has stopped because the lake cannot follow a change of theirs in PostgreSQL
 * (a column's type changed to one the lake's column cannot hold, the primary key changed). The
 * other tables go on. Until the table is rebuilt, the processor keeps its changes, with their bytes
 * and the reason, in {@code bronze._rejected} instead of applying them. It is rebuilt when
 * {@code ./platform resnapshot --rebuild <table>} asks for it ({@link LakeLayout#rebuildKey}): the
 * processor moves the table's bronze, silver and history to
 * {@code _minidp/archive/} and forgets them, and Debezium's re-snapshot fills them again from
 * PostgreSQL. Each stop is kept in the lake ({@link LakeLayout#stoppedKey}), so it outlives a restart.
 */
public final class StoppedTables {

    private static final Logger LOG = LoggerFactory.getLogger(StoppedTables.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    /** Why a table stopped, and at which batch. */
    public record Stop(String table, long batchId, Instant at, String reason) {}

    private final SparkSession spark;
    private final LakePaths paths;
    private final Map<String, Stop> stopped = new ConcurrentHashMap<>();

    public StoppedTables(SparkSession spark, LakePaths paths) {
        this.spark = spark;
        this.paths = paths;
    }

    /** Reads the stops kept in the lake, as the processor starts. */
    public void load() {
        stopped.clear();
        try {
            FileSystem fs = fs();
            Path dir = new Path(paths.root() + "/" + LakeLayout.STOPPED);
            if (!fs.exists(dir)) {
                return;
            }
            for (FileStatus st : fs.listStatus(dir)) {
                try (InputStream in = fs.open(st.getPath())) {
                    JsonNode n = JSON.readTree(in);
                    Stop s = new Stop(n.path("table").asText(), n.path("batch").asLong(), Instant.parse(n.path("at").asText()),
                            n.path("reason").asText());
                    stopped.put(s.table(), s);
                    LOG.warn("The apply of {} stays stopped (since batch {}): {}. {}", s.table(), s.batchId(), s.reason(),
                            howToResume(s.table()));
                }
            }
        } catch (IOException e) {
            throw LakePaths.storeFailed("Cannot read the stopped tables under " + paths.root() + "/" + LakeLayout.STOPPED
                   , e);
        }
    }

    public boolean isStopped(String table) {
        return stopped.containsKey(table);
    }

    public Map<String, Stop> all() {
        return Map.copyOf(stopped);
    }

    /** Stops {@code table}'s apply at {@code batchId}, in memory and in the lake. */
    public void stop(String table, long batchId, String reason) {
        Stop s = new Stop(table, batchId, Instant.now(), reason);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("table", table);
        doc.put("batch", batchId);
        doc.put("at", s.at().toString());
        doc.put("reason", reason);
        try (OutputStream out = fs().create(new Path(paths.root() + "/" + LakeLayout.stoppedKey(table)), true)) {
            out.write(JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw LakePaths.storeFailed("Cannot record that " + table + " stopped", e);
        }
        stopped.put(table, s);
        LOG.error("Batch {}: the apply of {} stopped, the other tables go on. The lake cannot follow its change in"
                + " PostgreSQL: {}. Its changes are kept in bronze._rejected until then. {}", batchId, table, reason, howToResume(table));
    }

    /** What a user does to resume a stopped table. */
    public static String howToResume(String table) {
        return "To rebuild it from PostgreSQL (its bronze, silver and history are archived under " + LakeLayout.ARCHIVE
                + "/): ./platform resnapshot --rebuild " + table;
    }

    /** Whether any rebuild is asked for (its folder exists): what {@link #rebuildRequested} looks at first. */
    public synchronized boolean rebuildAsked() {
        Path dir = new Path(paths.root() + "/" + LakeLayout.REBUILD);
        try {
            return fs().exists(dir);
        } catch (IOException e) {
            throw LakePaths.storeFailed("Cannot look for rebuild requests in " + dir, e);
        }
    }

    /**
     * Carries out the rebuilds asked for since the last call: each table's bronze, silver and history move to
     * the archive, {@code forget} drops what the processor holds of the table, and its stop is
     * lifted. With {@code onlyStopped}, only tables whose apply is stopped (no batch writes them):
     * that is safe while a batch runs. Returns the tables rebuilt.
     */
    public synchronized List<String> rebuildRequested(boolean onlyStopped, java.util.function.Consumer<String> forget) {
        List<String> rebuilt = new ArrayList<>();
        Path dir = new Path(paths.root() + "/" + LakeLayout.REBUILD);
        try {
            // Asked every few seconds: the shared file system looks; a file system of its own moves.
            if (!fs().exists(dir)) {
                return rebuilt;
            }
        } catch (IOException e) {
            throw LakePaths.storeFailed("Cannot look for rebuild requests in " + dir, e);
        }
        // Moving a table copies its objects; S3Proxy's folder markers carry no ETag, which s3a's
        // default change detection refuses. Delta's files are written once: a warning is enough.
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(
                spark.sparkContext().hadoopConfiguration());
        conf.set("fs.s3a.change.detection.mode", "warn");
        conf.set("fs.s3a.change.detection.version.required", "false");
        try (FileSystem fs = FileSystem.newInstance(URI.create(paths.root()), conf)) {
            for (FileStatus st : fs.listStatus(dir)) {
                String name = st.getPath().getName();
                String table = name.endsWith(".json") ? LakeLayout.tableOfFolder(name.substring(0, name.length() - 5)) : null;
                if (table == null || (onlyStopped && !stopped.containsKey(table))) {
                    continue;
                }
                Path archive = new Path(paths.root() + "/" + LakeLayout.ARCHIVE + "/" + LakeLayout.folder(table) + "-"
                        + STAMP.format(Instant.now()));
                for (String layer : List.of("bronze", "silver", "history")) {
                    Path from = new Path(paths.table(layer, table));
                    if (fs.exists(from)) {
                        fs.mkdirs(archive);
                        if (!fs.rename(from, new Path(archive, layer))) {
                            throw new IOException("renaming " + from + " to " + archive + "/" + layer + " failed");
                        }
                    }
                }
                forget.accept(table);
                fs.delete(new Path(paths.root() + "/" + LakeLayout.stoppedKey(table)), false);
                fs.delete(st.getPath(), false);
                stopped.remove(table);
                rebuilt.add(table);
                LOG.info("Rebuilding {}: its bronze, silver and history moved to {}; the re-snapshot fills them again", table, archive);
            }
        } catch (IOException e) {
            throw LakePaths.storeFailed("Cannot rebuild tables asked for under " + paths.root() + "/" + LakeLayout.REBUILD
                   , e);
        }
        return rebuilt;
    }

    private FileSystem fs() throws IOException {
        return FileSystem.get(URI.create(paths.root()), spark.sparkContext().hadoopConfiguration());
    }
}
