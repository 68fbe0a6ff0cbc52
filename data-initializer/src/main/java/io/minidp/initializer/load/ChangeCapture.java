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
