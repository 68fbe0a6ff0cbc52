package io.minidp.initializer.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * Which tables the initializer has loaded, recorded in {@code minidp_initializer.loaded}, outside
 * the captured schema. A table once loaded belongs to the live database: it may since have been
 * truncated, emptied or altered, and the initializer neither fills it again nor compares it with
 * its file; it only says how it differs.
 */
public final class LoadedTables {

    static final String TABLE = "minidp_initializer.loaded";

    private LoadedTables() {}

    /** The names of the tables recorded as loaded; none when nothing was ever recorded. */
    public static Set<String> names(Connection c) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return names;
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name FROM " + TABLE)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** Records {@code table} as loaded from {@code file}, in the caller's transaction. */
    public static void record(Connection c, String table, String file, long rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS minidp_initializer");
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (table_name text PRIMARY KEY, file text NOT NULL,"
                    + " rows bigint NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + TABLE + " (table_name, file, rows)"
                + " VALUES (?, ?, ?) ON CONFLICT (table_name) DO NOTHING")) {
            p.setString(1, table);
            p.setString(2, file);
            p.setLong(3, rows);
            p.executeUpdate();
        }
    }
}
