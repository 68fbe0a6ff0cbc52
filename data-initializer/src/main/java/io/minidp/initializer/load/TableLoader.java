package io.minidp.initializer.load;

import io.minidp.initializer.csv.CsvSource;
import io.minidp.initializer.schema.ForeignKey;
import io.minidp.initializer.schema.Identifiers;
import io.minidp.initializer.schema.TableSpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Creates a table and fills it with COPY, all in the caller's transaction: a failure leaves no
 * table behind. Foreign keys are added after the rows, one check per key instead of one per row.
 */
public final class TableLoader {

    private static final int CHUNK = 1 << 20;

    private TableLoader() {}

    public static void create(Connection c, TableSpec spec) throws SQLException {
        List<String> defs = new ArrayList<>();
        List<String> columns = spec.plan().columns();
        for (int i = 0; i < columns.size(); i++) {
            String def = Identifiers.quote(columns.get(i)) + " " + spec.types().get(i).sql();
            if (columns.get(i).equals(spec.plan().primaryKey())) {
                def += " PRIMARY KEY";
            }
            defs.add(def);
        }
        execute(c, "CREATE TABLE " + Catalog.qualified(spec.name()) + " (" + String.join(", ", defs) + ")");
    }

    /**
     * Streams the file's rows into the table; {@code progress} hears (bytes read, rows sent).
     * Returns the number of rows PostgreSQL reports copied.
     */
    public static long copy(Connection c, TableSpec spec, BiConsumer<Long, Long> progress) throws SQLException {
        String columnList = String.join(", ", spec.plan().columns().stream().map(Identifiers::quote).toList());
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "COPY " + Catalog.qualified(spec.name()) + " (" + columnList + ") FROM STDIN (FORMAT csv)");
        try (CsvSource csv = CsvSource.open(spec.plan().file())) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(CHUNK + (CHUNK >> 2));
            long rows = 0;
            for (CsvSource.Row row = csv.next(); row != null; row = csv.next()) {
                appendCsvLine(buffer, row.values());
                rows++;
                if (buffer.size() >= CHUNK) {
                    copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
                    buffer.reset();
                    progress.accept(csv.bytesRead(), rows);
                }
            }
            copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    public static void addForeignKeys(Connection c, TableSpec spec) throws SQLException {
        for (ForeignKey fk : spec.plan().foreignKeys()) {
            execute(c, "ALTER TABLE " + Catalog.qualified(spec.name())
                    + " ADD CONSTRAINT " + Identifiers.quote(spec.name() + "_" + fk.column() + "_fkey")
                    + " FOREIGN KEY (" + Identifiers.quote(fk.column()) + ")"
                    + " REFERENCES " + Catalog.qualified(fk.refTable()) + " (" + Identifiers.quote(fk.refColumn()) + ")");
        }
    }

    /**
     * Indexes every foreign-key column unless already indexed. PostgreSQL does not: without one,
     * deleting a referenced row, or finding the rows that refer to it, scans the whole table.
     * Returns the number of indexes created.
     */
    public static int indexForeignKeys(Connection c, TableSpec spec) throws SQLException {
        int created = 0;
        for (ForeignKey fk : spec.plan().foreignKeys()) {
            String index = spec.name() + "_" + fk.column() + "_idx";
            try (var q = c.prepareStatement("SELECT to_regclass(quote_ident(?) || '.' || quote_ident(?)) IS NULL")) {
                q.setString(1, Catalog.SCHEMA);
                q.setString(2, index);
                try (var rs = q.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        continue;
                    }
                }
            }
            execute(c, "CREATE INDEX " + Identifiers.quote(index) + " ON " + Catalog.qualified(spec.name())
                    + " (" + Identifiers.quote(fk.column()) + ")");
            created++;
        }
        return created;
    }

    /** An empty field is NULL (unquoted empty); every value is quoted so commas, quotes and line breaks pass. */
    static void appendCsvLine(ByteArrayOutputStream out, String[] values) {
        StringBuilder line = new StringBuilder(values.length * 16);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            String v = values[i];
            if (v != null) {
                line.append('"').append(v.replace("\"", "\"\"")).append('"');
            }
        }
        line.append('\n');
        out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
