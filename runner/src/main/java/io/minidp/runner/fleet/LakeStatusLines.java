package io.minidp.runner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The processor's per-table status lines, from the JSON file it rewrites after every micro-batch. */
final class LakeStatusLines {

    private LakeStatusLines() {}

    static List<String> read(Path file) {
        if (!Files.exists(file)) {
            return List.of("lake: no status yet (" + file + ")");
        }
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            return List.of("lake: status unreadable (" + e.getMessage() + ")");
        }
        Instant now = Instant.now();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("lake: last batch %d, %s", doc.path("lastBatch").asLong(-1), ago(doc.path("lastBatchAt"), now)));
        lines.add(String.format("%-20s %8s %8s %12s  %s", "table", "bronze v", "silver v", "silver rows",
                "freshness (since the last change applied)"));
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("tables").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> t = it.next();
            JsonNode n = t.getValue();
            long silver = n.path("silverVersion").asLong(-1);
            lines.add(String.format("%-20s %8s %8s %12s  %s", t.getKey(), version(n.path("bronzeVersion").asLong(-1)),
                    version(silver), silver < 0 ? "(no key)" : String.format("%,d", n.path("silverRows").asLong()),
                    ago(n.path("lastAppliedAt"), now)));
            if (n.path("stopped").isTextual()) {
                lines.add("  STOPPED: " + n.path("stopped").asText());
            }
        }
        return lines;
    }

    private static String version(long v) {
        return v < 0 ? "-" : Long.toString(v);
    }

    private static String ago(JsonNode at, Instant now) {
        if (at.isMissingNode() || at.isNull()) {
            return "never";
        }
        Duration d = Duration.between(Instant.parse(at.asText()), now);
        long s = Math.max(0, d.getSeconds());
        return s < 120 ? s + " s ago" : s < 7200 ? s / 60 + " min ago" : s / 3600 + " h ago";
    }
}
