package io.minidp.initializer.load;

import io.minidp.initializer.schema.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What PostgreSQL already holds: the shape of an existing table, and whether it has rows. */
public final class Catalog {

    public static final String SCHEMA = "public";

    /** An existing table: its columns with their types as format_type() names them, and its key. */
    public record ExistingTable(List<String> columns, List<String> types, List<String> primaryKey, boolean hasRows) {}

    private Catalog() {}

    public static Optional<ExistingTable> describe(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                FROM pg_attribute a
                JOIN pg_class t ON t.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = ? AND t.relname = ? AND t.relkind IN ('r', 'p')
                  AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            q.setString(1, SCHEMA);
            q.setString(2, table);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    types.add(rs.getString(2));
                }
            }
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT a.attname
                FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)""")) {
            q.setString(1, SCHEMA);
            q.setString(2, table);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        boolean hasRows;
        try (PreparedStatement q = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM " + qualified(table) + ")");
                ResultSet rs = q.executeQuery()) {
            rs.next();
            hasRows = rs.getBoolean(1);
        }
        return Optional.of(new ExistingTable(columns, types, key, hasRows));
    }

    public static String qualified(String table) {
        return Identifiers.quote(SCHEMA) + "." + Identifiers.quote(table);
    }
}
