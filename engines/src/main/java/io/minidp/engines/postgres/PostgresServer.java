package io.minidp.engines.postgres;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.PostgresConfig;
import io.minidp.engines.process.Commands;
import io.minidp.engines.process.Unprivileged;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * How a local PostgreSQL server is created and started: a data folder made by initdb with the
 * configured superuser and password, and a {@code postgres} process set up for logical decoding,
 * listening on 127.0.0.1 only. The runner supervises that process; tests use {@link EmbeddedPostgres}.
 */
public final class PostgresServer {

    private PostgresServer() {}

    /** The settings change capture needs, and loopback-only networking. */
    public static Map<String, String> serverSettings(boolean durable) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("unix_socket_directories", "");
        settings.put("wal_level", "logical");
        settings.put("max_wal_senders", "10");
        settings.put("max_replication_slots", "10");
        settings.put("max_connections", "100");
        if (!durable) {
            // Test servers trade crash safety for speed; their data is thrown away.
            settings.put("fsync", "off");
            settings.put("synchronous_commit", "off");
            settings.put("full_page_writes", "off");
        }
        return settings;
    }

    /** Creates the data folder with initdb unless it already holds a cluster. */
    public static void initIfNeeded(Path home, Path dataDir, PostgresConfig pg, boolean durable) {
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            return;
        }
        Path pwFile = null;
        try {
            Files.createDirectories(dataDir.getParent());
            pwFile = Files.createTempFile(dataDir.getParent(), ".pw", "",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pwFile, pg.password().value(), StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of(
                    home.resolve("bin/initdb").toString(),
                    "--pgdata=" + dataDir,
                    "--username=" + pg.user(),
                    "--pwfile=" + pwFile,
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--locale-provider=builtin",
                    "--builtin-locale=C.UTF-8",
                    "--no-instructions"));
            if (!durable) {
                cmd.add("--no-sync");
            }
            Commands.run(Unprivileged.command(cmd), null, 120);
        } catch (IOException e) {
            throw new PlatformException("Cannot prepare the PostgreSQL data folder " + dataDir + ": " + e.getMessage(), e);
        } finally {
            if (pwFile != null) {
                try {
                    Files.deleteIfExists(pwFile);
                } catch (IOException ignored) {
                    // Best effort: the file lives in the platform's own state folder and is mode 600.
                }
            }
        }
    }

    /** The command line of the server process. */
    public static List<String> serverCommand(Path home, Path dataDir, int port, Map<String, String> settings) {
        List<String> cmd = new ArrayList<>(List.of(
                home.resolve("bin/postgres").toString(), "-D", dataDir.toString(), "-p", Integer.toString(port)));
        settings.forEach((k, v) -> {
            cmd.add("-c");
            cmd.add(k + "=" + v);
        });
        return Unprivileged.command(cmd);
    }

    /**
     * Waits until the server accepts logins at {@code pg}'s address, failing early when
     * {@code alive} says the process has ended.
     */
    public static void awaitReady(PostgresConfig pg, Duration timeout, BooleanSupplier alive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new PlatformException("PostgreSQL exited while starting; see its log.");
            }
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password().value())) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(Duration.ofMillis(200));
        }
        throw new PlatformException("PostgreSQL at " + pg.address() + " did not accept logins within "
                + timeout.toSeconds() + " s" + (last == null ? "" : " (last error: " + last.getMessage() + ")")
                + ". Check its log and that nothing else uses port " + pg.port() + ".");
    }

    /** Creates {@code pg.database()} if it does not exist; returns true when it was created. */
    public static boolean ensureDatabase(PostgresConfig pg) {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password().value());
                PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            q.setString(1, pg.database());
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
            try (Statement s = c.createStatement()) {
                // The name was validated as an identifier by PostgresConfig; quoting keeps its case.
                s.execute("CREATE DATABASE \"" + pg.database() + "\"");
            }
            return true;
        } catch (SQLException e) {
            throw new PlatformException("Cannot create database " + pg.database() + " at " + pg.address() + ": "
                    + e.getMessage(), e);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while waiting for PostgreSQL", e);
        }
    }
}
