package io.minidp.processor.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.common.TopicPartition;

/**
 * What the processor's streaming checkpoint says it has done: the last micro-batch it committed
 * and the Kafka offsets that batch ended at. Read by {@code ./platform verify} (to wait for the
 * lake) and by the console (the processor's lag).
 */
public final class CheckpointOffsets {

    private static final Pattern BATCH_FILE = Pattern.compile("\\d+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointOffsets() {}

    /** The id of the last batch the checkpoint at {@code checkpoint} has committed; -1 when none. */
    public static long lastCommittedBatch(String checkpoint, Configuration hadoop) throws IOException {
        return lastCommittedBatch(FileSystem.get(URI.create(checkpoint), hadoop), checkpoint);
    }

    /** As above, through {@code fs} (the checkpoint's file system). */
    public static long lastCommittedBatch(FileSystem fs, String checkpoint) throws IOException {
        long last = -1;
        Path commits = new Path(checkpoint + "/commits");
        if (fs.exists(commits)) {
            for (FileStatus f : fs.listStatus(commits)) {
                if (BATCH_FILE.matcher(f.getPath().getName()).matches()) {
                    last = Math.max(last, Long.parseLong(f.getPath().getName()));
                }
            }
        }
        return last;
    }

    /** The Kafka offsets the last committed batch ended at (the next offset to read), per partition; empty when none. */
    public static Map<TopicPartition, Long> committed(String checkpoint, Configuration hadoop) throws IOException {
        return committed(FileSystem.get(URI.create(checkpoint), hadoop), checkpoint);
    }

    /** As above, through {@code fs} (the checkpoint's file system). */
    public static Map<TopicPartition, Long> committed(FileSystem fs, String checkpoint) throws IOException {
        long last = lastCommittedBatch(fs, checkpoint);
        Map<TopicPartition, Long> done = new HashMap<>();
        if (last < 0) {
            return done;
        }
        String text;
        try (var in = fs.open(new Path(checkpoint + "/offsets/" + last))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // Line 1 is the version, line 2 the batch's metadata, then one line per source.
        List<String> lines = text.lines().toList();
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            JsonNode source = JSON.readTree(line);
            source.properties().forEach(t -> t.getValue().properties().forEach(
                    p -> done.put(new TopicPartition(t.getKey(), Integer.parseInt(p.getKey())), p.getValue().asLong())));
        }
        return done;
    }
}
