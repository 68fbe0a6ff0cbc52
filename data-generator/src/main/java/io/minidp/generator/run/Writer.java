package io.minidp.generator.run;

import io.minidp.common.config.PostgresConfig;
import io.minidp.generator.events.Event;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events over one PostgreSQL connection, each committed exactly once. An event is one
 * statement in autocommit mode: one round trip. When the connection breaks, the answer may be lost
 * after the commit, so once PostgreSQL is back and the old session is gone, the event's mark in
 * {@code generator.applied} tells whether it committed; if not, it is written again. Reconnects
 * back off up to a few seconds.
 */
final class Writer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);
    private static final long MAX_BACKOFF_MS = Duration.ofSeconds(5).toMillis();

    /** ABANDONED: stopping while PostgreSQL could not be asked; SKIPPED: stopping, and surely not written. */
    enum Result { COMMITTED, REJECTED, ABANDONED, SKIPPED }

    private final PostgresConfig pg;
    private final BooleanSupplier stopping;
    private Connection connection;
    private int backendPid;

    Writer(PostgresConfig pg, BooleanSupplier stopping) {
        this.pg = pg;
        this.stopping = stopping;
    }

    /** Writes event number {@code seq}; gives up only when stopping while PostgreSQL is unreachable. */
    Result write(Event event, long seq) {
        long backoff = 100;
        while (true) {
            int pidAtFailure = 0;
            try {
                Connection c = connection();
                pidAtFailure = backendPid;
                if (event.apply(c, seq)) {
                    return Result.COMMITTED;
                }
                LOG.warn("Not as planned, so not written: {} (was the data changed outside the generator?)", event);
                return Result.REJECTED;
            } catch (SQLException e) {
                if (!isConnectionLoss(e)) {
                    if (isRetryable(e)) {
                        continue; // rolled back by PostgreSQL: nothing committed
                    }
                    LOG.warn("PostgreSQL refused {}: {}", event, e.getMessage());
                    return Result.REJECTED;
                }
                dropConnection();
                if (pidAtFailure == 0) {
                    // Not even connected: nothing was sent, so nothing can have committed.
                    if (stopping.getAsBoolean()) {
                        return Result.SKIPPED;
                    }
                    LOG.warn("PostgreSQL at {} is unreachable ({}); retrying in {} ms", pg.address(), e.getMessage(), backoff);
                } else {
                    LOG.warn("Lost PostgreSQL at {} while writing ({}); reconnecting", pg.address(), e.getMessage());
                    Boolean committed = settle(seq, pidAtFailure);
                    if (committed == null) {
                        LOG.warn("Stopping before PostgreSQL came back: whether {} committed is unknown", event);
                        return Result.ABANDONED;
                    }
                    if (committed) {
                        LOG.info("{} had committed before the connection broke", event);
                        return Result.COMMITTED;
                    }
                    if (stopping.getAsBoolean()) {
                        return Result.SKIPPED;
                    }
                    continue; // PostgreSQL answers again: write it now
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    /**
     * Whether event {@code seq} committed: asked once PostgreSQL answers again and the session
     * that ran it ({@code oldPid}) has ended, so it cannot still commit. Null only when the
     * generator is stopping and PostgreSQL still cannot be asked.
     */
    private Boolean settle(long seq, int oldPid) {
        long backoff = 100;
        while (true) {
            try {
                Connection c = connection();
                if (!sessionGone(c, oldPid)) {
                    sleep(50);
                    continue;
                }
                try (PreparedStatement q = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM generator.applied WHERE seq = ?)")) {
                    q.setLong(1, seq);
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        return rs.getBoolean(1);
                    }
                }
            } catch (SQLException e) {
                dropConnection();
                if (stopping.getAsBoolean()) {
                    return null;
                }
                LOG.warn("PostgreSQL at {} is unreachable ({}); retrying in {} ms", pg.address(), e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    private static boolean sessionGone(Connection c, int pid) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = ?)")) {
            q.setInt(1, pid);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
            backendPid = connection.unwrap(PGConnection.class).getBackendPID();
        }
        return connection;
    }

    /** The session broke: whether the statement committed is unknown until settled. */
    static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    /** PostgreSQL rolled the statement back and says trying again may work. */
    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("40001") || state.equals("40P01") || state.equals("53300"));
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Already broken.
            }
            connection = null;
            backendPid = 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        dropConnection();
    }
}
