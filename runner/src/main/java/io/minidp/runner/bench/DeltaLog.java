package io.minidp.runner.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.common.app.PlatformException;
import io.minidp.common.config.S3Config;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads a Delta table's commits straight from its {@code _delta_log} over the S3 API: when each
 * version was committed and how many rows it added (a bronze append's output rows, a silver
 * MERGE's inserted rows). The benchmark's tables only grow, in the order they were written, so
 * "the first commit after which the table holds n rows" is when row n became visible.
 */
final class DeltaLog implements AutoCloseable {

    /** One version: its commit time (epoch ms) and the rows it added. */
    record Commit(long version, long timestampMillis, long rowsAdded) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;
    private final Map<String, List<Commit>> read = new HashMap<>();

    DeltaLog(S3Config config) {
        this.bucket = config.bucket();
        this.s3 = io.minidp.runner.LakeS3.client(config);
    }

    /** Every commit of {@code layer/table} so far, oldest first; commits read once are not read again. */
    List<Commit> commits(String layer, String table) {
        String key = layer + "/" + table;
        List<Commit> known = read.computeIfAbsent(key, k -> new ArrayList<>());
        String prefix = key + "/_delta_log/";
        String after = known.isEmpty() ? prefix : String.format("%s%020d.json", prefix, known.get(known.size() - 1).version());
        List<S3Object> objects = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).startAfter(after)).contents().forEach(objects::add);
        for (S3Object o : objects) {
            String name = o.key().substring(prefix.length());
            if (!name.matches("\\d{20}\\.json")) {
                continue;
            }
            known.add(parse(Long.parseLong(name.substring(0, 20)), s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()))
                    .asUtf8String(), o));
        }
        return known;
    }

    private static Commit parse(long version, String text, S3Object object) {
        for (String line : text.split("\n")) {
            try {
                JsonNode info = JSON.readTree(line).path("commitInfo");
                if (info.isMissingNode()) {
                    continue;
                }
                long at = info.has("inCommitTimestamp") ? info.path("inCommitTimestamp").asLong()
                        : info.path("timestamp").asLong(object.lastModified().toEpochMilli());
                JsonNode metrics = info.path("operationMetrics");
                long rows = metrics.has("numTargetRowsInserted") ? metrics.path("numTargetRowsInserted").asLong()
                        : metrics.path("numOutputRows").asLong(0);
                return new Commit(version, at, rows);
            } catch (IOException e) {
                throw new PlatformException("Unreadable Delta log entry " + object.key() + ": " + e.getMessage(), e);
            }
        }
        return new Commit(version, object.lastModified().toEpochMilli(), 0);
    }

    /** When {@code layer/table} first held at least {@code rows} rows (epoch ms), if it has yet. */
    OptionalLong reached(String layer, String table, long rows) {
        long total = 0;
        for (Commit c : commits(layer, table)) {
            total += c.rowsAdded();
            if (total >= rows) {
                return OptionalLong.of(c.timestampMillis());
            }
        }
        return OptionalLong.empty();
    }

    /** The rows {@code layer/table} holds now, by its commits. */
    long rows(String layer, String table) {
        return commits(layer, table).stream().mapToLong(Commit::rowsAdded).sum();
    }

    @Override
    public void close() {
        s3.close();
    }
}
