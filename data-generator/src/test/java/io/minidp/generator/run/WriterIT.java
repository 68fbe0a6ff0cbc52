package io.minidp.generator.run;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.minidp.common.config.PostgresConfig;
import io.minidp.common.config.Secret;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.generator.events.Event;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The writer against a real PostgreSQL that refuses connections: a role allowed only one. */
class WriterIT {

    @TempDir
    static java.nio.file.Path serverDir;
    private static EmbeddedPostgres server;
    private static PostgresConfig limited;

    @BeforeAll
    static void startPostgres() throws SQLException {
        server = EmbeddedPostgres.start(serverDir, "writer");
        execute(server.config(), """
                CREATE TABLE customers (customer_id integer PRIMARY KEY, first_name text, last_name text, email text,
                  phone text, street text, city text, country text, signed_up_at timestamptz, is_active boolean);
                CREATE SCHEMA generator;
                CREATE TABLE generator.applied (seq bigint PRIMARY KEY);
                CREATE ROLE limited LOGIN PASSWORD 'limited-password' CONNECTION LIMIT 1;
                GRANT USAGE ON SCHEMA generator TO limited;
                GRANT ALL ON customers, generator.applied TO limited;""");
        PostgresConfig pg = server.config();
        limited = new PostgresConfig(pg.host(), pg.port(), pg.database(), "limited", new Secret("limited-password"));
    }

    @AfterAll
    static void stopPostgres() {
        server.close();
    }

    @Test
    void noConnectionSlotFreeIsWaitedOutWithGrowingWaitsAndALogLineThenTheEventCommits() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(Writer.class)).addAppender(log);
        Connection hog = connect(limited);
        List<Long> waits = new ArrayList<>();
        // The third wait frees the role's only slot: the fourth attempt connects.
        Writer writer = new Writer(limited, () -> false, () -> 0.0, ms -> {
            waits.add(ms);
            if (waits.size() == 3) {
                close(hog);
                awaitNoSessionOf("limited");
            }
        });
        Event signup = new Event.Signup(1, "Ada", "Lovelace", "ada@example.com", "1 Main Street", "London", "GB",
                Instant.parse("2025-03-01T10:00:00Z"));

        Writer.Result result = writer.write(signup, 1);
        writer.close();

        assertThat(result).isEqualTo(Writer.Result.COMMITTED);
        assertThat(waits).containsExactly(10L, 20L, 40L);
        assertThat(count("SELECT count(*) FROM customers WHERE customer_id = 1")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM generator.applied WHERE seq = 1")).isEqualTo(1);
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("PostgreSQL at " + limited.address() + " has no connection slot free"
                + " (FATAL: too many connections for role \"limited\"); waiting 10 ms before connecting again (attempt 1)."
                + " If this lasts, lower GENERATOR_CONNECTIONS or raise PostgreSQL's max_connections.");
        assertThat(lines.get(2)).contains("waiting 40 ms before connecting again (attempt 3)");
    }

    @Test
    void aWriterStoppingWhileNoSlotIsFreeSkipsTheEventWithoutWaiting() throws Exception {
        try (Connection hog = connect(limited); Writer writer = new Writer(limited, () -> true, () -> 0.0, ms -> {
            throw new AssertionError("waited " + ms + " ms while stopping");
        })) {
            Event signup = new Event.Signup(2, "Grace", "Hopper", "grace@example.com", "2 Main Street", "New York", "US",
                    Instant.parse("2025-03-01T10:00:00Z"));
            assertThat(writer.write(signup, 2)).isEqualTo(Writer.Result.SKIPPED);
        }
        assertThat(count("SELECT count(*) FROM customers WHERE customer_id = 2")).isZero();
    }

    /** A closed connection's backend ends a moment later; until then it still counts against the limit. */
    private static void awaitNoSessionOf(String role) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        try {
            while (count("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + role + "'") > 0) {
                assertThat(System.nanoTime()).as("the sessions of %s gone within 10 s", role).isLessThan(deadline);
                Thread.sleep(20);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException("Cannot watch the sessions of " + role, e);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = connect(server.config()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(PostgresConfig pg, String sql) throws SQLException {
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection connect(PostgresConfig pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot close the connection that holds the role's only slot", e);
        }
    }
}
