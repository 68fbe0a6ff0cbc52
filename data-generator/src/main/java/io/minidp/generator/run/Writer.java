package io.minidp.generator.run;

import io.minidp.common.config.PostgresConfig;
import io.minidp.generator.events.Event;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events over one PostgreSQL connection, each committed exactly once. An event is one
 * statement in autocommit mode: one round trip. When the connection breaks, the answer may be lost
 * after the commit, so once PostgreSQL is back and the old session is gone, the event's mark in
 * {@code generator.applied} tells whether it committed; if not, it is written again. Reconnects,
 * and statements PostgreSQL rolled back as worth retrying (no connection slot free, a serialization
 * failure, a deadlock), back off exponentially with jitter up to a few seconds.
 */
final class Writer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);
    private static final long MAX_BACKOFF_MS = Duration.ofSeconds(5).toMillis();
    private static final long RECONNECT_INITIAL_MS = 100;
    /** A rolled-back statement may succeed at once; a full server needs longer, and the doubling gets there. */
    private static final long RETRY_INITIAL_MS = 20;
    static final String TOO_MANY_CONNECTIONS = "53300";

    /** ABANDONED: stopping while PostgreSQL could not be asked; SKIPPED: stopping, and surely not written. */
    enum Result { COMMITTED, REJECTED, ABANDONED, SKIPPED }

    private final PostgresConfig pg;
    private final BooleanSupplier stopping;
    private final DoubleSupplier random;
    private final LongConsumer sleeper;
    private Connection connection;
    private int backendPid;

    Writer(PostgresConfig pg, BooleanSupplier stopping) {
        this(pg, stopping, () -> ThreadLocalRandom.current().nextDouble(), Writer::sleep);
    }

    /** {@code random} jitters the waits and {@code sleeper} waits: tests record both. */
    Writer(PostgresConfig pg, BooleanSupplier stopping, DoubleSupplier random, LongConsumer sleeper) {
        this.pg = pg;
        this.stopping = stopping;
        this.random = random;
        this.sleeper = sleeper;
    }

    /** Writes event number {@code seq}; gives up only when stopping while PostgreSQL is unreachable. */
    Result write(Event event, long seq) {
        Backoff reconnect = new Backoff(RECONNECT_INITIAL_MS, MAX_BACKOFF_MS, random);
        Backoff retry = new Backoff(RETRY_INITIAL_MS, MAX_BACKOFF_MS, random);
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
                        // Rolled back by PostgreSQL, or refused before a session began: nothing committed.
                        if (stopping.getAsBoolean()) {
                            return Result.SKIPPED;
                        }
                        waitBeforeRetry(event, e, retry);
                        continue;
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
                    long wait = reconnect.next();
                    LOG.warn("PostgreSQL at {} is unreachable ({}); retrying in {} ms", pg.address(), e.getMessage(), wait);
                    sleeper.accept(wait);
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
                    // PostgreSQL answers again: write it now.
                }
            }
        }
    }

    private void waitBeforeRetry(Event event, SQLException e, Backoff retry) {
        long wait = retry.next();
        if (TOO_MANY_CONNECTIONS.equals(e.getSQLState())) {
            LOG.warn("PostgreSQL at {} has no connection slot free ({}); waiting {} ms before connecting again"
                    + " (attempt {}). If this lasts, lower GENERATOR_CONNECTIONS or raise PostgreSQL's max_connections.",
                    pg.address(), e.getMessage(), wait, retry.attempts());
        } else {
            LOG.warn("PostgreSQL rolled back {} ({}, SQLSTATE {}); waiting {} ms before writing it again (attempt {})",
                    event, e.getMessage(), e.getSQLState(), wait, retry.attempts());
        }
        sleeper.accept(wait);
    }

    /**
     * Whether event {@code seq} committed: asked once PostgreSQL answers again and the session
     * that ran it ({@code oldPid}) has ended, so it cannot still commit. Null only when the
     * generator is stopping and PostgreSQL still cannot be asked.
     */
    private Boolean settle(long seq, int oldPid) {
        Backoff reconnect = new Backoff(RECONNECT_INITIAL_MS, MAX_BACKOFF_MS, random);
        while (true) {
            try {
                Connection c = connection();
                if (!sessionGone(c, oldPid)) {
                    sleeper.accept(50);
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
                long wait = reconnect.next();
                LOG.warn("PostgreSQL at {} is unreachable ({}); retrying in {} ms", pg.address(), e.getMessage(), wait);
                sleeper.accept(wait);
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
        return state != null && (state.equals("40001") || state.equals("40P01") || state.equals(TOO_MANY_CONNECTIONS));
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
