package io.minidp.configurator;

import io.minidp.common.app.PlatformException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the connector so that nothing is left behind: stops it, deletes its offsets (registered
 * again, it starts with a snapshot instead of resuming at a position no slot holds any more),
 * deletes it, then drops its replication slot once no walsender uses it. Deleting a connector
 * alone keeps the slot, and PostgreSQL keeps every WAL segment from the slot's position on.
 */
final class ConnectorRemoval {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRemoval.class);

    private final ConnectClient connect;
    private final ConnectorFile file;
    private final Duration timeout;

    ConnectorRemoval(ConnectClient connect, ConnectorFile file, Duration timeout) {
        this.connect = connect;
        this.file = file;
        this.timeout = timeout;
    }

    void run() {
        String name = file.name();
        if (connect.status(name).isPresent()) {
            LOG.info("Stopping connector {}", name);
            connect.stop(name);
            await(() -> connect.status(name).map(s -> "STOPPED".equals(s.state())).orElse(true),
                    "connector " + name + " to stop");
            connect.deleteOffsets(name);
            LOG.info("Deleted the offsets of connector {}: registered again, it starts with a snapshot", name);
            connect.delete(name);
            await(() -> connect.status(name).isEmpty(), "Kafka Connect to forget connector " + name);
            LOG.info("Deleted connector {}", name);
        } else {
            LOG.info("Connector {} is not registered with Kafka Connect; only its replication slot is left to drop", name);
        }
        dropSlot();
    }

    private void dropSlot() {
        String slot = file.config().getOrDefault("slot.name", "debezium");
        String url = "jdbc:postgresql://" + file.config().get("database.hostname") + ":" + file.config().get("database.port")
                + "/" + file.config().get("database.dbname");
        try (Connection c = DriverManager.getConnection(url, file.config().get("database.user"),
                file.config().get("database.password"))) {
            if (slotState(c, slot).isEmpty()) {
                LOG.info("Replication slot {} does not exist in {}; nothing to drop", slot, url);
                return;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            Optional<String> user;
            while ((user = slotState(c, slot).flatMap(s -> s)).isPresent()) {
                if (System.nanoTime() > deadline) {
                    throw new PlatformException("Replication slot " + slot + " in " + url + " is still in use by process "
                            + user.get() + " " + timeout.toSeconds() + " s after its connector was deleted, so it was not"
                            + " dropped. Find what reads it (SELECT * FROM pg_stat_replication) and stop that, then run"
                            + " this again.");
                }
                pause();
            }
            long held = heldBackBytes(c, slot);
            try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                drop.setString(1, slot);
                drop.execute();
            }
            LOG.info("Dropped replication slot {} in {}; it held back {} KiB of WAL", slot, url, held / 1024);
        } catch (SQLException e) {
            throw new PlatformException("Cannot drop replication slot " + slot + " in " + url + ": " + e.getMessage()
                    + ". Check that PostgreSQL runs (./platform status) and that the connector file's database settings"
                    + " are right; the slot keeps WAL until it is dropped.", e);
        }
    }

    /** Empty when there is no such slot; else the pid of the process using it, if any. */
    private static Optional<Optional<String>> slotState(Connection c, String slot) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            q.setString(1, slot);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(Optional.ofNullable(rs.getString(1))) : Optional.empty();
            }
        }
    }

    private static long heldBackBytes(Connection c, String slot) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            q.setString(1, slot);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new PlatformException("Waited " + timeout.toSeconds() + " s for " + what + "; it did not happen."
                        + " See logs/kafka-connect.log, then run this again.");
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while removing the connector", e);
        }
    }
}
