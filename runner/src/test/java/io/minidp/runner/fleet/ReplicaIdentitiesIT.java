package io.minidp.runner.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.minidp.common.config.PostgresConfig;
import io.minidp.engines.postgres.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables whose replica identity is not FULL, found in a real PostgreSQL and named in status. */
class ReplicaIdentitiesIT {

    @TempDir
    static Path dir;
    private static EmbeddedPostgres server;
    private static PostgresConfig pg;

    @BeforeAll
    static void start() throws SQLException {
        server = EmbeddedPostgres.start(dir, "identities");
        pg = server.config();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyTableWhoseIdentityIsNotFullIsNamedWithWhatItCostsAndHowToUndoIt() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE full_one (id integer PRIMARY KEY, body text);
                    ALTER TABLE full_one REPLICA IDENTITY FULL;
                    CREATE TABLE "Left Alone" (id integer PRIMARY KEY, body text);
                    CREATE TABLE nothing_at_all (id integer);
                    ALTER TABLE nothing_at_all REPLICA IDENTITY NOTHING;
                    CREATE SCHEMA other;
                    CREATE TABLE other.not_captured (id integer PRIMARY KEY);
                    """);
        }

        List<ReplicaIdentities.Table> tables = ReplicaIdentities.notFull(pg);

        assertThat(tables).containsExactly(new ReplicaIdentities.Table("Left Alone", 'd', true),
                new ReplicaIdentities.Table("nothing_at_all", 'n', false));
        assertThat(ReplicaIdentities.lines(tables)).containsExactly(
                "WARNING: table Left Alone has REPLICA IDENTITY DEFAULT, not FULL: an update that leaves a large (TOASTed)"
                        + " value alone reaches the lake with a placeholder in its place. Run ALTER TABLE \"Left Alone\""
                        + " REPLICA IDENTITY FULL, then ./platform resnapshot 'Left Alone' to repair what arrived meanwhile.",
                "WARNING: table nothing_at_all has REPLICA IDENTITY NOTHING, not FULL: an update that leaves a large"
                        + " (TOASTed) value alone reaches the lake with a placeholder in its place. Run ALTER TABLE"
                        + " \"nothing_at_all\" REPLICA IDENTITY FULL (the table has no primary key: the lake keeps its"
                        + " changes in bronze only).");
        assertThat(ReplicaIdentities.lines(List.of())).isEmpty();
    }
}
