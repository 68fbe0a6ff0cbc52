package io.minidp.initializer.load;

import io.minidp.initializer.schema.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What logical decoding needs from the tables. REPLICA IDENTITY FULL makes updates and deletes
 * carry the whole old row, not just the key; the publication covers the whole schema, so tables
 * created later are captured without changing it.
 */
public final class ChangeCapture {

    private ChangeCapture() {}

    /** Sets REPLICA IDENTITY FULL unless already set; returns true when it changed something. */
    public static boolean replicaIdentityFull(Connection c, String table) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "SELECT relreplident FROM pg_class WHERE oid = (quote_ident(?) || '.' || quote_ident(?))::regclass")) {
            q.setString(1, Catalog.SCHEMA);
            q.setString(2, table);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                if ("f".equals(rs.getString(1))) {
                    return false;
                }
            }
        }
        TableLoader.execute(c, "ALTER TABLE " + Catalog.qualified(table) + " REPLICA IDENTITY FULL");
        return true;
    }

    /** The event trigger that gives tables created later the same replica identity. */
    static final String TRIGGER = "cdc_replica_identity_full";

    /**
     * Installs, unless present, an event trigger that sets REPLICA IDENTITY FULL on every table
     * created in the schema from now on, so that their updates and deletes carry the whole old
     * row as well. Needs a superuser (event triggers do); returns true when it installed it.
     */
    public static boolean ensureReplicaIdentityTrigger(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_event_trigger WHERE evtname = ?")) {
            q.setString(1, TRIGGER);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        TableLoader.execute(c, "CREATE OR REPLACE FUNCTION " + Identifiers.quote(Catalog.SCHEMA) + "." + TRIGGER
                + "() RETURNS event_trigger LANGUAGE plpgsql AS $$\n"
                + "DECLARE created record;\n"
                + "BEGIN\n"
                + "  FOR created IN SELECT * FROM pg_event_trigger_ddl_commands()\n"
                + "      WHERE command_tag = 'CREATE TABLE' AND object_type = 'table' AND schema_name = "
                + "'" + Catalog.SCHEMA + "' LOOP\n"
                + "    EXECUTE format('ALTER TABLE %s REPLICA IDENTITY FULL', created.object_identity);\n"
                + "  END LOOP;\n"
                + "END $$");
        TableLoader.execute(c, "CREATE EVENT TRIGGER " + TRIGGER + " ON ddl_command_end WHEN TAG IN ('CREATE TABLE')"
                + " EXECUTE FUNCTION " + Identifiers.quote(Catalog.SCHEMA) + "." + TRIGGER + "()");
        return true;
    }

    /** Creates the publication for the schema unless it exists; returns true when it was created. */
    public static boolean ensurePublication(Connection c, String publication) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            q.setString(1, publication);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        TableLoader.execute(c, "CREATE PUBLICATION " + Identifiers.quote(publication)
                + " FOR TABLES IN SCHEMA " + Identifiers.quote(Catalog.SCHEMA));
        return true;
    }
}
