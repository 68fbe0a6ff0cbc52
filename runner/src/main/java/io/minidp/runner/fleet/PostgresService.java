package io.minidp.runner.fleet;

import io.minidp.common.config.PostgresConfig;
import io.minidp.engines.postgres.PostgresBinaries;
import io.minidp.engines.postgres.PostgresServer;
import io.minidp.runner.PlatformConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * PostgreSQL: embedded (binaries from Maven, data under the local data folder, listening on
 * 127.0.0.1 at POSTGRES_PORT), or an external server that the runner only checks.
 */
final class PostgresService implements LocalService {

    private final PlatformConfig config;
    private Path home;

    PostgresService(PlatformConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public boolean managed() {
        return config.postgresEmbedded();
    }

    @Override
    public String address() {
        return config.postgres().address();
    }

    Path dataDir() {
        return config.dataDir().resolve("postgres/data");
    }

    @Override
    public void prepare() {
        home = PostgresBinaries.install(config.dataDir().resolve("bin"));
        PostgresServer.initIfNeeded(home, dataDir(), config.postgres(), true);
    }

    @Override
    public List<String> command() {
        return PostgresServer.serverCommand(home, dataDir(), config.postgres().port(), PostgresServer.serverSettings(true));
    }

    @Override
    public boolean healthy() {
        PostgresConfig pg = config.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password().value())) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void afterHealthy() {
        PostgresServer.ensureDatabase(config.postgres());
    }

    /**
     * The WAL each replication slot holds back, with a warning past CDC_SLOT_WAL_WARN_MB, and a
     * warning for each table whose replica identity is not FULL.
     */
    @Override
    public List<String> details() {
        List<String> lines = new java.util.ArrayList<>(ReplicationSlots.status(config.postgres(), config.cdc().slotWalWarnBytes()));
        lines.addAll(ReplicaIdentities.status(config.postgres()));
        return lines;
    }

    /** Fast shutdown: ends open sessions instead of waiting for clients to leave. */
    @Override
    public String stopSignal() {
        return "INT";
    }
}
