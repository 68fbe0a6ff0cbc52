package io.minidp.common.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Debezium's signalling table, and the re-snapshots it starts.
 *
 * <p>Some changes reach a table without reaching the WAL as row changes: {@code ALTER TABLE ... ADD
 * COLUMN c ... DEFAULT 7} gives every existing row 7, a type change or a volatile default rewrites
 * the table, a rename moves values to a new name. The change stream cannot carry them, so after
 * an {@code ALTER TABLE} that changes the columns of a table with a primary key in the captured
 * schema, an event trigger writes an {@code execute-snapshot} signal in the same transaction: Debezium then re-reads that
 * table in chunks (an incremental snapshot) while streaming goes on, and the lake is exact again
 * once it has read the table. {@code ./platform resnapshot} writes the same signal by hand.
 *
 * <p>The table lives outside the captured schema ({@code minidp_cdc}), in the publication, and is
 * named by the connector's {@code signal.data.collection}; Debezium also writes its watermarks there.
 */
public final class Signals {

    public static final String SCHEMA = "minidp_cdc";
    /** The value of the connector's {@code signal.data.collection}. */
    public static final String TABLE = SCHEMA + ".debezium_signal";
    static final String TRIGGER = "minidp_resnapshot_after_alter";
    static final String SHAPES = SCHEMA + ".table_shapes";
    /** Set to {@code off} in a transaction ({@code SET LOCAL}) for ALTERs that need no re-snapshot. */
    public static final String SETTING = "minidp.resnapshot_after_alter";

    private Signals() {}

    /**
     * Creates the signal table (in {@code publication} too) and the trigger, unless there; returns
     * what it did. Needs a superuser, as event triggers do.
     */
    public static List<String> install(Connection c, String publication) throws SQLException {
        List<String> done = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            if (!exists(c, "SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
                s.execute("CREATE TABLE " + TABLE + " (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL,"
                        + " data varchar(2048))");
                done.add("created the signal table " + TABLE);
            }
            s.execute("CREATE TABLE IF NOT EXISTS " + SHAPES + " (relid oid PRIMARY KEY, shape text)");
            try (PreparedStatement q = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_publication p"
                    + " WHERE p.pubname = ?) AND NOT EXISTS (SELECT 1 FROM pg_publication_tables"
                    + " WHERE pubname = ? AND schemaname = ? AND tablename = 'debezium_signal')")) {
                q.setString(1, publication);
                q.setString(2, publication);
                q.setString(3, SCHEMA);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        s.execute("ALTER PUBLICATION \"" + publication.replace("\"", "\"\"") + "\" ADD TABLE " + TABLE);
                        done.add("added " + TABLE + " to publication " + publication);
                    }
                }
            }
            if (!exists(c, "SELECT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = '" + TRIGGER + "')")) {
                s.execute(triggerFunction());
                recordShapes(s);
                s.execute("CREATE EVENT TRIGGER " + TRIGGER + " ON ddl_command_end"
                        + " WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE')"
                        + " EXECUTE FUNCTION " + SCHEMA + "." + TRIGGER + "()");
                done.add("installed an event trigger that re-snapshots a table after ALTER TABLE");
            }
        }
        return done;
    }

    /**
     * Asks Debezium for an incremental snapshot of {@code tables} (of the public schema); returns
     * the signal's id.
     */
    public static String requestSnapshot(Connection c, List<String> tables) throws SQLException {
        String id = "resnapshot-" + UUID.randomUUID();
        StringBuilder collections = new StringBuilder();
        for (String t : tables) {
            collections.append(collections.length() == 0 ? "" : ", ").append(json(collectionPattern("public", t)));
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + TABLE + " (id, type, data) VALUES (?, ?, ?)")) {
            p.setString(1, id);
            p.setString(2, "execute-snapshot");
            p.setString(3, "{\"data-collections\": [" + collections + "], \"type\": \"incremental\"}");
            p.executeUpdate();
        }
        return id;
    }

    /** A data collection as Debezium's signal names it: a regular expression over {@code schema.table}. */
    static String collectionPattern(String schema, String table) {
        return quoteRegex(schema) + "\\." + quoteRegex(table);
    }

    private static String quoteRegex(String s) {
        return s.matches("[A-Za-z0-9_]+") ? s : java.util.regex.Pattern.quote(s);
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The trigger's function. It keeps each table's shape (its columns, their types and order) in
     * {@code table_shapes}, recorded at CREATE TABLE, and signals a re-snapshot after an ALTER
     * TABLE that changed the shape: not after one that only set a replica identity, a default or a
     * constraint, which leave the rows as they were.
     */
    private static String triggerFunction() {
        return "CREATE OR REPLACE FUNCTION " + SCHEMA + "." + TRIGGER + "() RETURNS event_trigger LANGUAGE plpgsql AS $$\n"
                + "DECLARE altered record; name text; before text; after text;\n"
                + "BEGIN\n"
                + "  FOR altered IN SELECT DISTINCT objid, command_tag FROM pg_event_trigger_ddl_commands()\n"
                + "      WHERE object_type IN ('table', 'table column') AND schema_name = 'public' LOOP\n"
                + "    SELECT relname INTO name FROM pg_class WHERE oid = altered.objid AND relkind IN ('r', 'p');\n"
                + "    CONTINUE WHEN name IS NULL;\n"
                + "    SELECT shape INTO before FROM " + SHAPES + " WHERE relid = altered.objid;\n"
                + "    SELECT string_agg(quote_ident(attname) || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)\n"
                + "      INTO after FROM pg_attribute WHERE attrelid = altered.objid AND attnum > 0 AND NOT attisdropped;\n"
                + "    INSERT INTO " + SHAPES + " (relid, shape) VALUES (altered.objid, after)\n"
                + "      ON CONFLICT (relid) DO UPDATE SET shape = excluded.shape;\n"
                + "    CONTINUE WHEN altered.command_tag <> 'ALTER TABLE' OR before IS NOT DISTINCT FROM after\n"
                + "      OR coalesce(current_setting('" + SETTING + "', true), '') = 'off';\n"
                // Debezium's incremental snapshot reads a table in key order: tables without a key stay as they are.
                + "    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = altered.objid AND indisprimary);\n"
                + "    INSERT INTO " + TABLE + " (id, type, data) VALUES (\n"
                + "      'alter-' || altered.objid || '-' || txid_current() || '-' || md5(after),\n"
                + "      'execute-snapshot',\n"
                + "      json_build_object('data-collections', json_build_array('public\\.' ||\n"
                + "        CASE WHEN name ~ '^[A-Za-z0-9_]+$' THEN name ELSE '\\Q' || name || '\\E' END),\n"
                + "        'type', 'incremental')::text)\n"
                + "    ON CONFLICT (id) DO NOTHING;\n"
                + "  END LOOP;\n"
                + "END $$";
    }

    /** Records the shape of every table of the public schema, as the trigger does at CREATE TABLE. */
    private static void recordShapes(Statement s) throws SQLException {
        s.execute("INSERT INTO " + SHAPES + " (relid, shape) SELECT c.oid, (SELECT string_agg(quote_ident(attname) || ' '"
                + " || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = c.oid"
                + " AND attnum > 0 AND NOT attisdropped) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ON CONFLICT (relid) DO NOTHING");
    }

    private static boolean exists(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
