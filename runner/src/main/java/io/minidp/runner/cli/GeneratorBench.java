package io.minidp.runner.cli;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.PostgresConfig;
import io.minidp.runner.PlatformConfig;
import io.minidp.runner.fleet.Fleet;
import io.minidp.runner.fleet.JavaService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * {@code ./platform bench-generator [seconds]}: the generator's sustained rate at full speed,
 * measured on a fresh copy of the shop (a database of its own, loaded from data/input and dropped
 * afterwards), so the figure does not depend on how long the platform has been running and the
 * platform's own data is left alone.
 */
public final class GeneratorBench {

    private GeneratorBench() {}

    public static void run(PlatformConfig config, Fleet fleet, Runner runner, Console console, int seconds) {
        runner.up(List.of("postgres"));
        String benchDb = config.postgres().database() + "_bench";
        PostgresConfig pg = config.postgres();
        recreate(pg, benchDb, false);
        try {
            Map<String, String> db = Map.of("POSTGRES_DB", benchDb);
            runner.runOnce(((JavaService) fleet.get("data-initializer")).oneShotVariant("bench-data-initializer", db));
            console.say("Writing at full speed for %d s into database %s ...", seconds, benchDb);
            runner.runOnce(((JavaService) fleet.get("data-generator")).oneShotVariant("bench-data-generator", Map.of(
                    "POSTGRES_DB", benchDb, "GENERATOR_RATE", "max", "GENERATOR_DURATION", seconds + "s",
                    "GENERATOR_EVENTS", "0", "GENERATOR_CLOCK", "simulated", "GENERATOR_REPORT_SECONDS", "5")));
            console.say("The Summary line above gives the sustained rate (events committed / seconds).");
        } finally {
            recreate(pg, benchDb, true);
        }
    }

    private static void recreate(PostgresConfig pg, String database, boolean dropOnly) {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
            if (!dropOnly) {
                s.execute("CREATE DATABASE \"" + database + "\"");
            }
        } catch (SQLException e) {
            throw new PlatformException("Cannot prepare the benchmark database " + database + ": " + e.getMessage(), e);
        }
    }
}
