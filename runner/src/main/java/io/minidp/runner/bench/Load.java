package io.minidp.runner.bench;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's workload in PostgreSQL: tables of its own (a key, text, an exact decimal, a
 * timestamp), filled by server-side INSERT ... SELECT so the client is never the bottleneck.
 */
final class Load {

    /** One committed transaction: the rows written so far, and when the commit returned (epoch ms). */
    record Commit(long rowsSoFar, long committedAtMillis) {}

    private final PostgresConfig pg;

    Load(PostgresConfig pg) {
        this.pg = pg;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
    }

    void createTable(String table) {
        execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2),"
                + " note text, created_at timestamptz NOT NULL DEFAULT now())");
    }

    /**
     * Row 0 of {@code table}, before a timed run into it: its first change creates its topic, which
     * the processor finds within seconds ({@code kafka.metadata.max.age.ms}); that wait is not a
     * change's latency.
     */
    void firstRow(String table) {
        execute("INSERT INTO " + table + " (id, name) VALUES (0, 'before the clock starts')");
    }

    /** Writes rows {@code from..to} in one transaction. */
    private static void insert(PreparedStatement insert, long from, long to) throws SQLException {
        insert.setLong(1, from);
        insert.setLong(2, to);
        insert.executeUpdate();
    }

    private static PreparedStatement insertStatement(Connection c, String table) throws SQLException {
        return c.prepareStatement("INSERT INTO " + table + " (id, name, amount, note) SELECT g, 'row ' || g,"
                + " (g % 1000000) / 100.0, repeat('x', 80) FROM generate_series(?::bigint, ?::bigint) g");
    }

    /** {@code rows} rows in transactions of {@code perTransaction}, as fast as PostgreSQL takes them. */
    List<Commit> burst(String table, long rows, int perTransaction) {
        List<Commit> commits = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement insert = insertStatement(c, table)) {
            for (long from = 1; from <= rows; from += perTransaction) {
                long to = Math.min(rows, from + perTransaction - 1);
                insert(insert, from, to);
                commits.add(new Commit(to, System.currentTimeMillis()));
            }
            return commits;
        } catch (SQLException e) {
            throw new PlatformException("The benchmark could not write to " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code perSecond} rows a second for {@code seconds}, in ten transactions a second, each
     * started on a fixed schedule (a late one does not shift the ones after it).
     */
    List<Commit> steady(String table, int perSecond, int seconds) {
        int perTransaction = Math.max(1, perSecond / 10);
        long transactions = (long) seconds * 10;
        List<Commit> commits = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement insert = insertStatement(c, table)) {
            long start = System.nanoTime();
            long id = 0;
            for (long t = 0; t < transactions; t++) {
                long due = start + t * 100_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                insert(insert, id + 1, id + perTransaction);
                id += perTransaction;
                commits.add(new Commit(id, System.currentTimeMillis()));
            }
            return commits;
        } catch (SQLException e) {
            throw new PlatformException("The benchmark could not write to " + table + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted", e);
        }
    }

    /** The row count of every table of the public schema that has rows, by name. */
    java.util.Map<String, Long> rowCounts() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet tables = s.executeQuery("SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String t : names) {
                try (Statement q = c.createStatement(); ResultSet rs = q.executeQuery("SELECT count(*) FROM \"" + t + "\"")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        counts.put(t, rs.getLong(1));
                    }
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new PlatformException("The benchmark cannot count the rows of PostgreSQL's tables: " + e.getMessage(), e);
        }
    }

    /** A logical replication slot of its own, to read the same changes straight from PostgreSQL later. */
    void createSlot(String slot) {
        execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    }

    /**
     * Reads everything the slot holds through pgoutput (the decoder Debezium uses) and drops the
     * slot; returns how long the decoding took, in seconds.
     */
    double decodeAndDrop(String slot, String publication) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            long t0 = System.nanoTime();
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_logical_slot_get_binary_changes('" + slot
                    + "', NULL, NULL, 'proto_version', '1', 'publication_names', '" + publication + "')")) {
                rs.next();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
            return seconds;
        } catch (SQLException e) {
            throw new PlatformException("Cannot decode the benchmark's slot " + slot + ": " + e.getMessage(), e);
        }
    }

    private void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new PlatformException("The benchmark failed on PostgreSQL (" + sql + "): " + e.getMessage(), e);
        }
    }
}
