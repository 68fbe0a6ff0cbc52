package io.minidp.runner.fleet;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The replication slots of PostgreSQL and the WAL each holds back: PostgreSQL keeps every WAL
 * segment from a slot's restart position on, so a slot whose reader is gone or stuck fills the disk.
 */
public final class ReplicationSlots {

    /** One slot; {@code heldBackBytes} is null when the slot has no restart position (invalidated). */
    public record Slot(String name, String type, boolean active, Long heldBackBytes) {}

    private ReplicationSlots() {}

    public static List<Slot> read(PostgresConfig pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                PreparedStatement q = c.prepareStatement("SELECT slot_name, slot_type, active,"
                        + " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots"
                        + " ORDER BY slot_name");
                ResultSet rs = q.executeQuery()) {
            List<Slot> slots = new ArrayList<>();
            while (rs.next()) {
                long held = rs.getLong(4);
                slots.add(new Slot(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.wasNull() ? null : held));
            }
            return slots;
        }
    }

    /** Status lines: one per slot, and a warning for each that holds back more than {@code warnBytes}. */
    public static List<String> lines(List<Slot> slots, long warnBytes) {
        if (slots.isEmpty()) {
            return List.of("replication slots: none");
        }
        List<String> lines = new ArrayList<>();
        for (Slot s : slots) {
            lines.add("slot " + s.name() + " (" + s.type() + ", " + (s.active() ? "active" : "inactive") + "): holds back "
                    + (s.heldBackBytes() == null ? "no WAL (it has no restart position)" : size(s.heldBackBytes()) + " of WAL"));
        }
        for (Slot s : slots) {
            if (s.heldBackBytes() != null && s.heldBackBytes() > warnBytes) {
                lines.add("WARNING: slot " + s.name() + " holds back " + size(s.heldBackBytes()) + " of WAL, more than"
                        + " CDC_SLOT_WAL_WARN_MB=" + warnBytes / (1024 * 1024) + ". PostgreSQL keeps it all until the slot's"
                        + " reader confirms it. " + (s.active() ? "Its reader is connected but behind: check that the"
                        + " connector's tasks are RUNNING (under kafka-connect)." : "Nothing reads it: if its connector"
                        + " is gone for good, ./platform connector delete drops the slot; else start the connector."));
            }
        }
        return lines;
    }

    /** Status lines for the server at {@code pg}, or why it could not be asked. */
    static List<String> status(PostgresConfig pg, long warnBytes) {
        try {
            return lines(read(pg), warnBytes);
        } catch (SQLException e) {
            return List.of("replication slots: unknown (" + e.getMessage() + ")");
        }
    }

    /** Drops {@code slot} if it exists and nothing uses it; true when it was dropped. */
    public static boolean dropIfInactive(PostgresConfig pg, String slot) {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                PreparedStatement q = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                        + " FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
            q.setString(1, slot);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new PlatformException("Cannot drop replication slot " + slot + " at " + pg.address() + ": "
                    + e.getMessage() + ". Drop it by hand (SELECT pg_drop_replication_slot('" + slot + "')), or it keeps"
                    + " WAL for ever.", e);
        }
    }

    static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
