package io.minidp.runner.fleet;

import io.minidp.common.config.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tables of the captured schema whose replica identity is not FULL. The lake relies on FULL (the
 * initializer sets it, and its event trigger on every table made by CREATE TABLE later): without it
 * PostgreSQL does not write an unchanged out-of-line (TOASTed) value of an updated row to the WAL,
 * and Debezium sends a placeholder in its place, which the lake would then hold. A table whose
 * identity was set otherwise by hand, or made by CREATE TABLE AS or SELECT INTO (which the trigger
 * does not see), is named in {@code ./platform status} with what it costs and how to undo it.
 */
public final class ReplicaIdentities {

    /**
     * A table, its replica identity as PostgreSQL names it ({@code d} default, {@code n} nothing,
     * {@code i} index), and whether it has a primary key.
     */
    public record Table(String name, char identity, boolean keyed) {}

    private ReplicaIdentities() {}

    /** The ordinary and partitioned tables of schema public whose replica identity is not FULL, by name. */
    public static List<Table> notFull(PostgresConfig pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                PreparedStatement q = c.prepareStatement("SELECT t.relname, t.relreplident,"
                        + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND i.indisprimary) FROM pg_class t"
                        + " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'"
                        + " AND t.relkind IN ('r', 'p') AND t.relreplident <> 'f' ORDER BY t.relname");
                ResultSet rs = q.executeQuery()) {
            List<Table> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(new Table(rs.getString(1), rs.getString(2).charAt(0), rs.getBoolean(3)));
            }
            return tables;
        }
    }

    /** A warning per table, or nothing when every table's identity is FULL. */
    public static List<String> lines(List<Table> tables) {
        List<String> lines = new ArrayList<>();
        for (Table t : tables) {
            String identity = switch (t.identity()) {
                case 'd' -> "DEFAULT";
                case 'n' -> "NOTHING";
                case 'i' -> "USING INDEX";
                default -> String.valueOf(t.identity());
            };
            lines.add("WARNING: table " + t.name() + " has REPLICA IDENTITY " + identity + ", not FULL: an update that"
                    + " leaves a large (TOASTed) value alone reaches the lake with a placeholder in its place. Run"
                    + " ALTER TABLE \"" + t.name().replace("\"", "\"\"") + "\" REPLICA IDENTITY FULL"
                    + (t.keyed() ? ", then ./platform resnapshot " + shellWord(t.name()) + " to repair what arrived meanwhile."
                            : " (the table has no primary key: the lake keeps its changes in bronze only)."));
        }
        return lines;
    }

    /** {@code name} as one word of a shell command line. */
    private static String shellWord(String name) {
        return name.matches("[A-Za-z0-9_]+") ? name : "'" + name.replace("'", "'\\''") + "'";
    }

    /** Status lines for the server at {@code pg}, or why it could not be asked. */
    static List<String> status(PostgresConfig pg) {
        try {
            return lines(notFull(pg));
        } catch (SQLException e) {
            return List.of("replica identities: unknown (" + e.getMessage() + ")");
        }
    }
}
