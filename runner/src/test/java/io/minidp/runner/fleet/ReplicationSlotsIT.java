package io.minidp.runner.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.minidp.common.config.PostgresConfig;
import io.minidp.engines.postgres.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The slots' WAL against a real PostgreSQL with logical decoding. */
class ReplicationSlotsIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path dir;
    private static EmbeddedPostgres server;
    private static PostgresConfig pg;

    @BeforeAll
    static void start() throws SQLException {
        server = EmbeddedPostgres.start(dir, "slots");
        pg = server.config();
        execute("CREATE TABLE filler (id integer PRIMARY KEY, payload text)");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aSlotNobodyReadsHoldsBackTheWalWrittenSinceAndIsWarnedAboutPastTheLimit() throws Exception {
        execute("SELECT pg_create_logical_replication_slot('idle_slot', 'pgoutput')");
        String before = text("SELECT pg_current_wal_lsn()::text");
        execute("INSERT INTO filler SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
        long written = number("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + before + "')::bigint");
        assertThat(written).as("WAL written by the insert").isGreaterThan(2 * MIB);

        ReplicationSlots.Slot slot = ReplicationSlots.read(pg).stream().filter(s -> s.name().equals("idle_slot"))
                .findFirst().orElseThrow();

        assertThat(slot.type()).isEqualTo("logical");
        assertThat(slot.active()).isFalse();
        assertThat(slot.heldBackBytes()).isGreaterThanOrEqualTo(written);
        List<String> lines = ReplicationSlots.lines(List.of(slot), MIB);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("WARNING: slot idle_slot holds back ")
                .contains(" of WAL, more than CDC_SLOT_WAL_WARN_MB=1. ").endsWith("Nothing reads it: if its connector"
                        + " is gone for good, ./platform connector delete drops the slot; else start the connector.");
        assertThat(ReplicationSlots.lines(List.of(slot), 1024 * MIB)).hasSize(1);
    }

    @Test
    void anInactiveSlotIsDroppedAndADroppedOneIsNoError() throws Exception {
        execute("SELECT pg_create_logical_replication_slot('dropped_slot', 'pgoutput')");

        assertThat(ReplicationSlots.dropIfInactive(pg, "dropped_slot")).isTrue();
        assertThat(number("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'dropped_slot'")).isZero();
        assertThat(ReplicationSlots.dropIfInactive(pg, "dropped_slot")).isFalse();
    }

    @Test
    void theStatusOfAServerThatIsNotThereSaysWhy() {
        PostgresConfig nowhere = new PostgresConfig(pg.host(), EmbeddedPostgres.freePort(), "slots", pg.user(), pg.password());
        assertThat(ReplicationSlots.status(nowhere, MIB)).singleElement().asString()
                .startsWith("replication slots: unknown (Connection to 127.0.0.1:" + nowhere.port() + " refused.");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String text(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long number(String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }
}
