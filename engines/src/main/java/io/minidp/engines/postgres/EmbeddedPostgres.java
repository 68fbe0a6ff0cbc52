package io.minidp.engines.postgres;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.PostgresConfig;
import io.minidp.common.config.Secret;
import io.minidp.engines.process.LocalProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server in a folder of its own, for integration tests: the same binaries and
 * settings as the platform's, on a free loopback port, stopped by {@link #close()}. It can be
 * stopped and started again on the same port and data, to test what happens when it goes away.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private final Path home;
    private final Path dataDir;
    private final PostgresConfig config;
    private final Path logFile;
    private LocalProcess process;

    private EmbeddedPostgres(Path home, Path dataDir, PostgresConfig config, Path logFile) {
        this.home = home;
        this.dataDir = dataDir;
        this.config = config;
        this.logFile = logFile;
    }

    /** Starts a throw-away server, with the binaries cached in the system's temporary folder for every test run. */
    public static EmbeddedPostgres start(Path workDir, String database) {
        return start(workDir, Path.of(System.getProperty("java.io.tmpdir"), "minidp-engines-cache"), database);
    }

    /**
     * Starts a throw-away server under {@code workDir} (binaries cached in {@code cacheDir}) with
     * database {@code database}.
     */
    public static EmbeddedPostgres start(Path workDir, Path cacheDir, String database) {
        Path home = PostgresBinaries.install(cacheDir);
        PostgresConfig pg = new PostgresConfig("127.0.0.1", freePort(), database, "postgres", new Secret("test-only"));
        Path dataDir = workDir.resolve("pgdata");
        PostgresServer.initIfNeeded(home, dataDir, pg, false);
        EmbeddedPostgres server = new EmbeddedPostgres(home, dataDir, pg, workDir.resolve("postgres.log"));
        server.startAgain();
        PostgresServer.ensureDatabase(pg);
        return server;
    }

    /** Starts the server (again) on the same port and data. */
    public void startAgain() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = LocalProcess.start("PostgreSQL", PostgresServer.serverCommand(home, dataDir, config.port(),
                PostgresServer.serverSettings(false)), logFile);
        try {
            PostgresServer.awaitReady(config, Duration.ofSeconds(60), process::isAlive);
        } catch (RuntimeException e) {
            stop();
            throw new PlatformException(e.getMessage() + " Log: " + logFile, e);
        }
    }

    public PostgresConfig config() {
        return config;
    }

    /** The same server, another database; it is created if missing. */
    public PostgresConfig database(String name) {
        PostgresConfig other = new PostgresConfig(config.host(), config.port(), name, config.user(), config.password());
        PostgresServer.ensureDatabase(other);
        return other;
    }

    public Path logFile() {
        return logFile;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new PlatformException("No free loopback port: " + e.getMessage(), e);
        }
    }

    /** Fast shutdown (SIGINT): open sessions are ended, then the server stops cleanly. */
    public void stop() {
        if (process != null) {
            process.stop("INT");
        }
    }

    @Override
    public void close() {
        stop();
    }
}
