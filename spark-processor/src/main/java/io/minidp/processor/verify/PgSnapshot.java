package io.minidp.processor.verify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;

import io.minidp.common.config.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One consistent view of PostgreSQL for {@code ./platform verify}: a REPEATABLE READ transaction
 * held open while the comparison runs, its snapshot exported so that Spark's JDBC reads see
 * exactly it, and what it needs to judge a change event: which transactions it sees
 * ({@code xmax} and the in-progress list of {@code pg_current_snapshot()}) and the WAL position
 * when it was taken. The lake is then compared as of this snapshot, however far the database has
 * moved on since: a live database gives an exact answer too.
 */
final class PgSnapshot implements AutoCloseable {

    private static final long XID_SPACE = 1L << 32;

    private final PostgresConfig pg;
    private final Connection held;
    private final String id;
    private final long xmax;
    private final List<Long> inProgress;
    private final String walLsn;

    private PgSnapshot(PostgresConfig pg, Connection held, String id, long xmax, List<Long> inProgress, String walLsn) {
        this.pg = pg;
        this.held = held;
        this.id = id;
        this.xmax = xmax;
        this.inProgress = inProgress;
        this.walLsn = walLsn;
    }

    static PgSnapshot take(PostgresConfig pg) throws SQLException {
        Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                    SELECT pg_export_snapshot(), pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                           array(SELECT pg_snapshot_xip(pg_current_snapshot())::text::bigint)::text,
                           pg_current_wal_insert_lsn()::text""")) {
                rs.next();
                List<Long> xip = new ArrayList<>();
                String list = rs.getString(3).replaceAll("[{}]", "");
                for (String x : list.isEmpty() ? new String[0] : list.split(",")) {
                    xip.add(Long.parseLong(x.strip()) % XID_SPACE);
                }
                return new PgSnapshot(pg, c, rs.getString(1), rs.getLong(2) % XID_SPACE, xip, rs.getString(4));
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * The WAL position when the snapshot was taken: everything it sees was committed before it.
     * The insert position, not the write position: with {@code synchronous_commit = off} a commit
     * the snapshot sees may still be in WAL buffers, past what was written.
     */
    String walLsn() {
        return walLsn;
    }

    /** How a column is read as text, where Spark's JDBC types would not compare with the lake's. */
    enum AsText {
        /** numeric without a precision: no Spark decimal holds every value. */
        NUMERIC,
        /** numeric(p,s) wider than Spark's decimals (p over 38): its exact text, as the lake keeps it. */
        WIDE_NUMERIC,
        /** money: its amount as numeric text ({@code 1234.56}, not the locale's {@code $1,234.56}), as the lake keeps it. */
        MONEY,
        /** interval: as ISO 8601 ({@code P1Y2M3DT4H5M6.5S}), the form the lake keeps. */
        INTERVAL,
        /** an enum (or another type of the user's): its label. */
        USER_DEFINED
    }

    /** The columns of {@code public.<table>} that are read as text, and why. */
    java.util.Map<String, AsText> textColumns(String table) throws SQLException {
        java.util.Map<String, AsText> columns = new java.util.HashMap<>();
        try (java.sql.PreparedStatement p = held.prepareStatement("SELECT column_name, data_type, numeric_precision"
                + " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?"
                + " AND ((data_type = 'numeric' AND (numeric_precision IS NULL OR numeric_precision > 38))"
                + " OR data_type IN ('interval', 'money', 'USER-DEFINED'))")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), switch (rs.getString(2)) {
                        case "numeric" -> rs.getObject(3) == null ? AsText.NUMERIC : AsText.WIDE_NUMERIC;
                        case "money" -> AsText.MONEY;
                        case "interval" -> AsText.INTERVAL;
                        default -> AsText.USER_DEFINED;
                    });
                }
            }
        }
        return columns;
    }

    /**
     * {@code public.<table>} as the snapshot sees it, read by Spark; the {@code asText} columns
     * as PostgreSQL's text (see {@link #textColumns}), intervals in ISO 8601.
     */
    Dataset<Row> read(SparkSession spark, String table, java.util.Map<String, AsText> asText) throws SQLException {
        var reader = spark.read().format("jdbc");
        if (!asText.isEmpty()) {
            reader = reader.option("customSchema", String.join(", ", asText.keySet().stream()
                    .map(c -> "`" + c.replace("`", "``") + "` STRING").toList()));
        }
        String from = "public." + quoted(table);
        if (asText.containsValue(AsText.MONEY)) {
            List<String> select = new ArrayList<>();
            for (String c : columns(table)) {
                select.add(asText.get(c) == AsText.MONEY ? quoted(c) + "::numeric::text AS " + quoted(c) : quoted(c));
            }
            from = "(SELECT " + String.join(", ", select) + " FROM " + from + ") AS money_as_numbers";
        }
        return reader
                .option("url", pg.jdbcUrl()).option("user", pg.user()).option("password", pg.password().value())
                .option("driver", "org.postgresql.Driver").option("dbtable", from)
                .option("sessionInitStatement", "BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '" + id + "';"
                        + " SET LOCAL intervalstyle = 'iso_8601'")
                .option("preferTimestampNTZ", "true").option("fetchsize", "10000")
                .load();
    }

    /**
     * Whether the snapshot sees a bronze change event. A streamed change: when its transaction
     * (Debezium's 32-bit xid) committed before the snapshot: before {@code xmax} and not in
     * progress then. A read of the initial snapshot: always, it is older than any verify. A read
     * of an incremental snapshot (no transaction of its own): when its window closed before the
     * snapshot's WAL position.
     */
    Column sees(long walPosition) {
        Column streamed = not(col("_snapshot")).and(pmod(lit(xmax).minus(col("_tx_id")), lit(XID_SPACE)).between(1, XID_SPACE / 2 - 1));
        if (!inProgress.isEmpty()) {
            streamed = streamed.and(not(col("_tx_id").isin(inProgress.toArray())));
        }
        Column initialRead = col("_snapshot").and(col("_commit_lsn").leq(0)).and(col("_tx_id").isNotNull());
        Column incrementalRead = col("_snapshot").and(col("_tx_id").isNull()).and(col("_lsn").leq(walPosition));
        return streamed.or(initialRead).or(incrementalRead);
    }

    /** The columns of {@code public.<table>}, in their order. */
    private List<String> columns(String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (java.sql.PreparedStatement p = held.prepareStatement("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close() throws SQLException {
        held.close();
    }
}
