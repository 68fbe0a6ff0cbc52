package io.minidp.generator;

import io.minidp.common.app.PlatformException;
import io.minidp.common.app.Readiness;
import io.minidp.common.config.PostgresConfig;
import io.minidp.generator.events.EventKind;
import io.minidp.generator.events.Planner;
import io.minidp.generator.model.ShopModel;
import io.minidp.generator.run.Dispatcher;
import io.minidp.generator.run.Stats;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop's application: plans business events one after another and writes them, at the
 * configured rate, until the event count or duration is reached or {@link #stop()} is called.
 */
public final class Generator {

    private static final Logger LOG = LoggerFactory.getLogger(Generator.class);
    /** One generator per database: two would plan with the same ids. */
    private static final long LOCK_KEY = 0x6d696e6964704755L;

    /** What a run did. */
    public record Summary(Map<EventKind, Long> committed, long committedTotal, long rejected, int abandoned,
                          double seconds) {
        public double rate() {
            return seconds == 0 ? 0 : committedTotal / seconds;
        }
    }

    private final GeneratorConfig config;
    private volatile boolean stopRequested;
    private final CountDownLatch finished = new CountDownLatch(1);

    public Generator(GeneratorConfig config) {
        this.config = config;
    }

    public Summary run() throws InterruptedException {
        PostgresConfig pg = config.postgres();
        try (Connection lock = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value())) {
            takeLock(lock);
            SchemaCheck.verify(lock);
            prepareMarks(lock);
            ShopModel model = ShopModel.load(lock);
            Readiness.markReady();
            LOG.info("Shop loaded: {} customers, {} products, {} open orders; writing {} with seed {}",
                    model.customers.size(), model.productIds.size(), model.openOrderIds.size(),
                    config.rate() == 0 ? "as fast as possible" : config.rate() + " events/s", config.seed());
            return generate(new Planner(config.seed(), model, config.mix(), config.simulatedClock() ? null : Clock.systemUTC()));
        } catch (SQLException e) {
            throw new PlatformException("Cannot start the generator against PostgreSQL at " + pg.address() + "/"
                    + pg.database() + ": " + e.getMessage() + ". Check that it runs (./platform status).", e);
        } finally {
            finished.countDown();
        }
    }

    /** Asks a running generator to stop: events being written finish, nothing new starts. */
    public void stop() {
        stopRequested = true;
    }

    /** Waits until {@link #run()} has returned. */
    public void awaitFinished() throws InterruptedException {
        finished.await();
    }

    private Summary generate(Planner planner) throws InterruptedException {
        Stats stats = new Stats();
        Reporter reporter = new Reporter(stats, config.reportInterval());
        long planned = 0;
        long start = System.nanoTime();
        long deadline = config.duration().isZero() ? Long.MAX_VALUE : start + config.duration().toNanos();
        double nanosPerEvent = config.rate() == 0 ? 0 : 1e9 / config.rate();
        try (Dispatcher dispatcher = new Dispatcher(config.postgres(), config.connections(), stats)) {
            reporter.start();
            while (!stopRequested && (config.events() == 0 || planned < config.events())) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                if (nanosPerEvent > 0) {
                    long due = start + (long) (planned * nanosPerEvent);
                    if (due > now) {
                        LockSupport.parkNanos(Math.min(due - now, 50_000_000L));
                        continue;
                    }
                }
                planned++;
                dispatcher.submit(planner.next(), planned);
            }
            if (stopRequested) {
                dispatcher.stop();
            }
            dispatcher.drain();
            reporter.stop();
            Summary summary = new Summary(stats.committedByKind(), stats.committedTotal(), stats.rejectedTotal(),
                    dispatcher.abandoned(), stats.secondsSinceStart());
            LOG.info("Summary: {} events committed in {} s ({} events/s), {} rejected{}; by kind: {}",
                    summary.committedTotal(), String.format("%.1f", summary.seconds()), Math.round(summary.rate()),
                    summary.rejected(), summary.abandoned() == 0 ? "" : ", " + summary.abandoned()
                            + " of unknown outcome (PostgreSQL was down when stopping)",
                    Reporter.describe(summary.committed()));
            return summary;
        }
    }

    /**
     * The marks of applied events live in a schema of their own, outside the shop's tables and so
     * outside change capture. A new run numbers its events from 1, so the old marks go.
     */
    private static void prepareMarks(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS generator");
            s.execute("CREATE TABLE IF NOT EXISTS generator.applied (seq bigint PRIMARY KEY)");
            s.execute("TRUNCATE generator.applied");
        }
    }

    private static void takeLock(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new PlatformException("Another data generator is already writing to this database."
                        + " Stop it first (./platform down data-generator); two would plan with the same ids.");
            }
        }
    }
}
