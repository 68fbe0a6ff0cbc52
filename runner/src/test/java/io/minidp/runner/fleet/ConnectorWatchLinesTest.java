package io.minidp.runner.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorWatchLinesTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theWatchdogsRestartsAndLastErrorAreShown() throws Exception {
        Path file = dir.resolve("status.json");
        Files.writeString(file, """
                {"connector": "shop-postgres", "state": "RUNNING", "tasks": {"0": "FAILED"}, "connect": "reachable",
                 "restarts": 3, "reregistrations": 1,
                 "lastError": "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler",
                 "lastErrorAt": "2026-01-01T11:59:30Z", "lastRestartAt": "2026-01-01T11:59:50Z",
                 "nextRestartNotBefore": "2026-01-01T12:00:10Z", "lastCheckAt": "2026-01-01T11:59:58Z"}""");

        assertThat(ConnectorWatchLines.read(file, NOW)).containsExactly(
                "watchdog: connector shop-postgres RUNNING, tasks: 0 FAILED; checked 2 s ago",
                "watchdog: 3 restart(s) of failed parts, 1 re-registration(s); the last restart 10 s ago;"
                        + " next restart at 2026-01-01T12:00:10Z",
                "watchdog: last error (30 s ago): org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded"
                        + " in error handler");
    }

    @Test
    void aQuietWatchdogWithConnectAwaySaysSo() throws Exception {
        Path file = dir.resolve("status.json");
        Files.writeString(file, """
                {"connector": "shop-postgres", "state": "UNKNOWN", "tasks": {}, "connect": "unreachable: connection refused",
                 "restarts": 0, "reregistrations": 0, "lastError": null, "lastErrorAt": null, "lastRestartAt": null,
                 "nextRestartNotBefore": null, "lastCheckAt": "2026-01-01T11:55:00Z"}""");

        assertThat(ConnectorWatchLines.read(file, NOW)).containsExactly(
                "watchdog: connector shop-postgres UNKNOWN, tasks: none; checked 5 min ago; Kafka Connect unreachable:"
                        + " connection refused",
                "watchdog: 0 restart(s) of failed parts, 0 re-registration(s)");
    }

    @Test
    void noFileYetSaysWhere() {
        assertThat(ConnectorWatchLines.read(dir.resolve("status.json"), NOW))
                .containsExactly("watchdog: no status yet (" + dir.resolve("status.json") + ")");
    }
}
