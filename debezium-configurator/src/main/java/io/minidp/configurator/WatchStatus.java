package io.minidp.configurator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.common.app.PlatformException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the watchdog saw at its last check and what it has done since it started, as the JSON file
 * {@code ./platform status} prints. Times are ISO-8601 instants; absent ones are null.
 *
 * @param connector       the connector's name
 * @param state           the connector's state at the last check (RUNNING, FAILED, ...), or UNKNOWN
 * @param tasks           each task's state by id
 * @param connect         "reachable", or why Kafka Connect did not answer
 * @param restarts        how often the watchdog restarted failed parts of the connector
 * @param reregistrations how often it registered the connector again because Connect had lost it
 * @param lastError       the first line of the last error trace it saw
 * @param nextRestartNotBefore while a failure streak lasts, the earliest time of the next restart
 */
record WatchStatus(String connector, String state, Map<String, String> tasks, String connect, int restarts,
                   int reregistrations, String lastError, String lastErrorAt, String lastRestartAt,
                   String nextRestartNotBefore, String lastCheckAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Replaces the file in one step, so a reader never sees half of it. */
    void write(Path file) {
        try {
            io.minidp.common.json.JsonFile.replace(file, this);
        } catch (IOException e) {
            throw new PlatformException("Cannot write the watchdog's status file " + file + " (CONFIGURATOR_STATUS_FILE): "
                    + e.getMessage() + ". Check that its folder is writable.", e);
        }
    }

    static WatchStatus read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), WatchStatus.class);
    }
}
