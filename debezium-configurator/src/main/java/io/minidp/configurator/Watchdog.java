package io.minidp.configurator;

import io.minidp.common.app.PlatformException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the connector running once it was registered: at each check it reads the connector's
 * status from Connect, restarts failed parts (connector and failed tasks, with backoff per failure
 * streak), registers the connector again when Connect has lost it, logs each action, and writes
 * what it saw to the status file. Connect being away is not an error: its own supervisor brings
 * it back, and the watchdog waits for it.
 */
final class Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    static final Duration FIRST_WAIT = Duration.ofSeconds(5);
    static final Duration MAX_WAIT = Duration.ofMinutes(2);
    static final Duration STABLE_AFTER = Duration.ofSeconds(60);

    private final ConnectClient connect;
    private final URI connectUrl;
    private final ConnectorFile file;
    private final Optional<Path> statusFile;
    private final Clock clock;
    private final RestartSchedule schedule;

    private int restarts;
    private int reregistrations;
    private String lastError;
    private Instant lastErrorAt;
    private Instant lastRestartAt;
    private String connectProblem;
    private boolean waitLogged;

    Watchdog(ConnectClient connect, URI connectUrl, ConnectorFile file, Optional<Path> statusFile, Clock clock,
             RestartSchedule schedule) {
        this.connect = connect;
        this.connectUrl = connectUrl;
        this.file = file;
        this.statusFile = statusFile;
        this.clock = clock;
        this.schedule = schedule;
    }

    /** Checks every {@code interval} until the thread is interrupted (or the process is stopped). */
    void run(Duration interval) {
        LOG.info("Watching connector {} every {} s: failed parts are restarted (at once, then after {} s doubling"
                + " up to {} s while they keep failing), and the connector is registered again if Kafka Connect loses it",
                file.name(), interval.toSeconds(), FIRST_WAIT.toSeconds(), MAX_WAIT.toSeconds());
        while (!Thread.currentThread().isInterrupted()) {
            check();
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One look at the connector, and what it calls for. */
    WatchStatus check() {
        Instant now = clock.instant();
        Optional<ConnectClient.Status> status;
        try {
            status = connect.status(file.name());
            if (status.isEmpty() && !connect.started()) {
                throw new PlatformException("Kafka Connect at " + connectUrl + " is still starting (GET /health is not"
                        + " yet healthy), so it does not know its connectors yet");
            }
            if (status.isEmpty()) {
                reregister();
                status = connect.status(file.name());
            }
        } catch (PlatformException e) {
            if (connectProblem == null) {
                LOG.warn("Kafka Connect at {} cannot be asked about the connector ({}); the watchdog waits for it and checks again", connectUrl,
                        e.getMessage());
            }
            connectProblem = e.getMessage();
            return write(now, Optional.empty());
        }
        if (connectProblem != null) {
            LOG.info("Kafka Connect at {} answers again", connectUrl);
            connectProblem = null;
        }
        status.ifPresent(s -> act(s, now));
        return write(now, status);
    }

    private void reregister() {
        reregistrations++;
        LOG.warn("Connector {} is not registered with Kafka Connect at {} (its configuration was lost, or it was deleted"
                + " behind the platform's back); registering it again from the connector file", file.name(), connectUrl);
        connect.put(file.name(), file.configJson());
    }

    private void act(ConnectClient.Status s, Instant now) {
        if (s.running()) {
            if (schedule.running(now)) {
                LOG.info("Connector {} has run for {} s since its last restart; a new failure is restarted at once",
                        file.name(), STABLE_AFTER.toSeconds());
            }
            return;
        }
        schedule.notRunning();
        if (!failed(s)) {
            return; // UNASSIGNED, RESTARTING, PAUSED: Connect is at work, or a person is.
        }
        lastError = firstLine(Configurator.firstTrace(s));
        lastErrorAt = now;
        if (!schedule.due(now)) {
            if (!waitLogged) {
                LOG.info("Connector {} is still FAILED; the next restart is at {}", file.name(), schedule.notBefore().orElseThrow());
                waitLogged = true;
            }
            return;
        }
        restarts++;
        lastRestartAt = now;
        Duration wait = schedule.restarted(now);
        waitLogged = false;
        LOG.warn("Connector {}: {} FAILED ({}). Restarting the failed parts (restart {}, {} of this failure streak);"
                + " if they fail again, the next restart is in {} s", file.name(), whatFailed(s), lastError, restarts,
                schedule.streak(), wait.toSeconds());
        connect.restartFailed(file.name());
    }

    private WatchStatus write(Instant now, Optional<ConnectClient.Status> status) {
        Map<String, String> tasks = new LinkedHashMap<>();
        status.ifPresent(s -> s.tasks().forEach(t -> tasks.put(Integer.toString(t.id()), t.state())));
        WatchStatus w = new WatchStatus(file.name(), status.map(ConnectClient.Status::state).orElse("UNKNOWN"), tasks,
                connectProblem == null ? "reachable" : "unreachable: " + connectProblem, restarts, reregistrations,
                lastError, text(lastErrorAt), text(lastRestartAt),
                schedule.streak() == 0 ? null : schedule.notBefore().map(Instant::toString).orElse(null), now.toString());
        statusFile.ifPresent(w::write);
        return w;
    }

    static boolean failed(ConnectClient.Status s) {
        return "FAILED".equals(s.state()) || s.tasks().stream().anyMatch(t -> "FAILED".equals(t.state()));
    }

    private static String whatFailed(ConnectClient.Status s) {
        StringBuilder what = new StringBuilder("FAILED".equals(s.state()) ? "the connector" : "");
        s.tasks().stream().filter(t -> "FAILED".equals(t.state())).forEach(t ->
                what.append(what.isEmpty() ? "" : ", ").append("task ").append(t.id()));
        return what.toString();
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
