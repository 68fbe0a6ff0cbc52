package io.minidp.runner;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import io.minidp.common.config.PostgresConfig;
import java.nio.file.Path;
import java.util.Set;

/**
 * The local runner's settings.
 *
 * @param home             the repository root: service jars, input data and relative paths start here
 * @param dataDir          local state of every service, kept across down/up
 * @param logsDir          one log file per service
 * @param postgresEmbedded start PostgreSQL ourselves; by default when POSTGRES_HOST is this machine
 * @param env              everything the services are configured from, handed on to them
 */
public record PlatformConfig(Path home, Path dataDir, Path logsDir, PostgresConfig postgres, boolean postgresEmbedded,
                             Env env) {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

    public static PlatformConfig read(ConfigReader r) {
        Path home = r.path("PLATFORM_HOME", ".").toAbsolutePath().normalize();
        PostgresConfig pg = PostgresConfig.read(r);
        boolean embedded = r.bool("POSTGRES_EMBEDDED", LOOPBACK.contains(pg.host()));
        if (embedded && !LOOPBACK.contains(pg.host())) {
            r.problem("POSTGRES_EMBEDDED=true needs POSTGRES_HOST=127.0.0.1 (the embedded server listens on loopback"
                    + " only), but POSTGRES_HOST is '" + pg.host() + "'");
        }
        return new PlatformConfig(home,
                home.resolve(r.path("PLATFORM_DATA_DIR", "data/local")).normalize(),
                home.resolve(r.path("LOGS_DIR", "logs")).normalize(),
                pg, embedded, r.env());
    }

    public Path runDir() {
        return dataDir.resolve("run");
    }

    public Path logFile(String service) {
        return logsDir.resolve(service + ".log");
    }
}
