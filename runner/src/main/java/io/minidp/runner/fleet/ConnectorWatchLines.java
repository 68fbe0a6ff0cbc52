package io.minidp.runner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The configurator's watchdog as status lines, from the JSON file it rewrites at each check. */
final class ConnectorWatchLines {

    private ConnectorWatchLines() {}

    static List<String> read(Path file, Instant now) {
        if (!Files.exists(file)) {
            return List.of("watchdog: no status yet (" + file + ")");
        }
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            return List.of("watchdog: status unreadable (" + file + ": " + e.getMessage() + ")");
        }
        List<String> tasks = new ArrayList<>();
        doc.path("tasks").fields().forEachRemaining(t -> tasks.add(t.getKey() + " " + t.getValue().asText()));
        List<String> lines = new ArrayList<>();
        lines.add("watchdog: connector " + doc.path("connector").asText() + " " + doc.path("state").asText() + ", tasks: "
                + (tasks.isEmpty() ? "none" : String.join(", ", tasks)) + "; checked " + ago(doc.path("lastCheckAt"), now)
                + ("reachable".equals(doc.path("connect").asText()) ? "" : "; Kafka Connect " + doc.path("connect").asText()));
        lines.add("watchdog: " + doc.path("restarts").asInt() + " restart(s) of failed parts, "
                + doc.path("reregistrations").asInt() + " re-registration(s)"
                + (doc.path("lastRestartAt").isTextual() ? "; the last restart " + ago(doc.path("lastRestartAt"), now) : "")
                + (doc.path("nextRestartNotBefore").isTextual() ? "; next restart at " + doc.path("nextRestartNotBefore").asText()
                : ""));
        if (doc.path("lastError").isTextual()) {
            lines.add("watchdog: last error (" + ago(doc.path("lastErrorAt"), now) + "): " + doc.path("lastError").asText());
        }
        return lines;
    }

    private static String ago(JsonNode at, Instant now) {
        if (!at.isTextual()) {
            return "never";
        }
        long s = Math.max(0, Duration.between(Instant.parse(at.asText()), now).getSeconds());
        return s < 120 ? s + " s ago" : s < 7200 ? s / 60 + " min ago" : s / 3600 + " h ago";
    }
}
