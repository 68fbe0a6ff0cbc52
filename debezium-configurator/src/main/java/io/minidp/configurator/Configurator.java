package io.minidp.configurator;

import io.minidp.common.app.PlatformException;
import io.minidp.common.app.Readiness;
import io.minidp.common.config.Env;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Kafka Connect run the connector the file describes: waits for Connect, has it validate
 * the configuration (showing its own messages if it objects), creates or updates the connector
 * (a PUT, so running it twice changes nothing), then waits until the connector and every task
 * run, restarting failed ones a few times before giving up with their error.
 */
public final class Configurator {

    private static final Logger LOG = LoggerFactory.getLogger(Configurator.class);
    private static final int MAX_RESTARTS = 3;

    public enum Outcome { CREATED, UPDATED, UNCHANGED }

    private final ConfiguratorConfig config;
    private final Env env;
    private final ConnectClient connect;

    public Configurator(ConfiguratorConfig config, Env env) {
        this.config = config;
        this.env = env;
        this.connect = new ConnectClient(config.connectUrl());
    }

    /**
     * After {@link #run()}: says the service is ready, then watches the connector until the process
     * is stopped (CONFIGURATOR_WATCH_SECONDS above 0).
     */
    public void watch() {
        ConnectorFile file = ConnectorFile.read(config.configFile(), env);
        Readiness.markReady();
        new Watchdog(connect, config.connectUrl(), file, config.statusFile(), Clock.systemUTC(),
                new RestartSchedule(Watchdog.FIRST_WAIT, Watchdog.MAX_WAIT, Watchdog.STABLE_AFTER))
                .run(config.watchInterval());
    }

    /** Removes the connector, its offsets and its replication slot (CONFIGURATOR_ACTION=delete). */
    public void delete() {
        ConnectorFile file = ConnectorFile.read(config.configFile(), env);
        awaitConnect(System.nanoTime() + config.timeout().toNanos());
        new ConnectorRemoval(connect, file, config.timeout()).run();
    }

    public Outcome run() {
        ConnectorFile file = ConnectorFile.read(config.configFile(), env);
        LOG.info("Connector {} from {}: {}", file.name(), config.configFile(), file.printable());
        long deadline = System.nanoTime() + config.timeout().toNanos();
        awaitConnect(deadline);

        var problems = connect.validate(file.config().getOrDefault("connector.class", ""), file.configJsonWithName());
        if (!problems.isEmpty()) {
            throw new PlatformException("Kafka Connect rejected the configuration of connector " + file.name() + " in "
                    + config.configFile() + ":" + System.lineSeparator() + "  - "
                    + String.join(System.lineSeparator() + "  - ", problems) + System.lineSeparator()
                    + "Fix the file, or the .env variables it uses.");
        }
        Optional<Map<String, String>> current = connect.config(file.name());
        Outcome outcome;
        if (current.isPresent() && withoutName(current.get()).equals(withoutName(file.config()))) {
            outcome = Outcome.UNCHANGED;
        } else {
            outcome = connect.put(file.name(), file.configJson()) ? Outcome.CREATED : Outcome.UPDATED;
        }
        LOG.info("Connector {}: {}", file.name(), switch (outcome) {
            case CREATED -> "created";
            case UPDATED -> "updated with the file's configuration";
            case UNCHANGED -> "already configured as the file says; nothing changed";
        });
        awaitRunning(file.name(), deadline);
        return outcome;
    }

    private void awaitConnect(long deadline) {
        long nextLog = 0;
        while (!connect.reachable()) {
            if (System.nanoTime() > deadline) {
                throw new PlatformException("Kafka Connect at " + config.connectUrl() + " did not answer within "
                        + config.timeout().toSeconds() + " s. Check that it runs (./platform status) and KAFKA_CONNECT_URL.");
            }
            if (System.nanoTime() > nextLog) {
                LOG.info("Waiting for Kafka Connect at {}", config.connectUrl());
                nextLog = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            }
            pause();
        }
    }

    private void awaitRunning(String name, long deadline) {
        int restarts = 0;
        while (true) {
            Optional<ConnectClient.Status> status = connect.status(name);
            if (status.isPresent() && status.get().running()) {
                LOG.info("Connector {} and its {} task(s) are RUNNING", name, status.get().tasks().size());
                return;
            }
            if (status.isPresent() && failed(status.get())) {
                if (restarts == MAX_RESTARTS) {
                    throw new PlatformException("Connector " + name + " keeps failing after " + MAX_RESTARTS
                            + " restarts: " + firstTrace(status.get()) + System.lineSeparator()
                            + "See logs/kafka-connect.log for the whole story.");
                }
                restarts++;
                LOG.warn("Connector {} has failed ({}); restarting it ({} of {})", name,
                        firstLine(firstTrace(status.get())), restarts, MAX_RESTARTS);
                connect.restartFailed(name);
            }
            if (System.nanoTime() > deadline) {
                throw new PlatformException("Connector " + name + " is not RUNNING after " + config.timeout().toSeconds()
                        + " s (state: " + status.map(s -> s.state() + ", tasks " + s.tasks()).orElse("unknown")
                        + "). See logs/kafka-connect.log.");
            }
            pause();
        }
    }

    private static boolean failed(ConnectClient.Status s) {
        return Watchdog.failed(s);
    }

    static String firstTrace(ConnectClient.Status s) {
        if (s.trace() != null) {
            return s.trace();
        }
        return s.tasks().stream().filter(t -> t.trace() != null).map(ConnectClient.Status.Task::trace).findFirst()
                .orElse("no error given");
    }

    private static String firstLine(String s) {
        return Watchdog.firstLine(s);
    }

    private static Map<String, String> withoutName(Map<String, String> config) {
        Map<String, String> copy = new java.util.HashMap<>(config);
        copy.remove("name");
        return copy;
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted", e);
        }
    }
}
