package io.minidp.initializer;

import io.minidp.common.app.PlatformException;
import io.minidp.common.cdc.Signals;
import io.minidp.common.config.PostgresConfig;
import io.minidp.initializer.csv.CsvSource;
import io.minidp.initializer.load.Catalog;
import io.minidp.initializer.load.ChangeCapture;
import io.minidp.initializer.load.LoadedTables;
import io.minidp.initializer.load.TableLoader;
import io.minidp.initializer.schema.ColumnType;
import io.minidp.initializer.schema.ForeignKey;
import io.minidp.initializer.schema.KeyPlanner;
import io.minidp.initializer.schema.TablePlan;
import io.minidp.initializer.schema.TableSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates one table per CSV file of the input folder and loads it. Every file is read and
 * checked before anything is written, so bad input leaves the database as it was; then each
 * table is created and filled in one transaction. Tables that already exist with the same shape
 * are left alone, which makes a second run a no-op. A table it loaded once is the live database's
 * from then on ({@link LoadedTables}): truncated, emptied or altered since, it is left as it is,
 * and the differences from its file are only reported.
 */
public final class Initializer {

    private static final Logger LOG = LoggerFactory.getLogger(Initializer.class);
    /** Serialises initializers started at the same time against one database. */
    private static final long LOCK_KEY = 0x6d696e6964704cL;

    public enum Action { CREATED, FILLED_EMPTY_TABLE, UNCHANGED, EVOLVED }

    /** A table's outcome; {@code changes} says how an {@link Action#EVOLVED} table differs from its file. */
    public record Outcome(String table, Action action, long rows, List<String> changes) {}

    /** What a run did: each table's outcome, and the indexes, replica identities and publication it added. */
    public record Result(List<Outcome> tables, List<String> preparations) {
        public boolean changedNothing() {
            return preparations.isEmpty()
                    && tables.stream().allMatch(o -> o.action() == Action.UNCHANGED || o.action() == Action.EVOLVED);
        }
    }

    private final InitializerConfig config;

    public Initializer(InitializerConfig config) {
        this.config = config;
    }

    public Result run() {
        List<TableSpec> specs = readAndCheckFiles();
        PostgresConfig pg = config.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value())) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
                // What the initializer alters (replica identity, foreign keys) leaves the rows as they are.
                s.execute("SET " + Signals.SETTING + " = off");
            }
            Set<String> loaded = LoadedTables.names(c);
            Map<TableSpec, Outcome> decided = decide(c, specs, loaded);
            List<Outcome> outcomes = new ArrayList<>();
            List<String> preparations = new ArrayList<>();
            c.setAutoCommit(false);
            for (TableSpec spec : specs) {
                Outcome outcome = decided.get(spec);
                if (outcome.action() == Action.CREATED || outcome.action() == Action.FILLED_EMPTY_TABLE) {
                    load(c, spec, outcome.action());
                } else if (!loaded.contains(spec.name())) {
                    // Loaded by an initializer from before the record was kept.
                    LoadedTables.record(c, spec.name(), spec.plan().file().toString(), spec.rows());
                    c.commit();
                    preparations.add("recorded " + spec.name() + " as loaded");
                }
                outcomes.add(outcome);
            }
            preparations.addAll(prepareChangeCapture(c, specs));
            return new Result(outcomes, preparations);
        } catch (SQLException e) {
            throw new PlatformException("PostgreSQL at " + pg.address() + " (database " + pg.database() + ", user "
                    + pg.user() + ") failed: " + e.getMessage() + ". " + advice(e.getSQLState()), e);
        }
    }

    /** What to check for a failed connection, by PostgreSQL's error code. */
    static String advice(String sqlState) {
        if ("28P01".equals(sqlState)) {
            return "POSTGRES_PASSWORD does not match the password of POSTGRES_USER on the server: fix it in .env"
                    + " (or the environment).";
        }
        if ("28000".equals(sqlState)) {
            return "The server refuses POSTGRES_USER: check POSTGRES_USER in .env and that the role exists.";
        }
        if ("3D000".equals(sqlState)) {
            return "There is no database POSTGRES_DB on the server: check POSTGRES_DB in .env.";
        }
        return "Check that it is running (./platform status) and the POSTGRES_* settings.";
    }

    private List<TableSpec> readAndCheckFiles() {
        List<Path> files = csvFiles(config.inputDir());
        List<KeyPlanner.Header> headers = new ArrayList<>();
        for (Path file : files) {
            try (CsvSource csv = CsvSource.open(file)) {
                headers.add(new KeyPlanner.Header(file, csv.columns()));
            }
        }
        List<TablePlan> plans = KeyPlanner.plan(headers, config.primaryKeys());
        checkTypeOverrides(plans, config.columnTypes());
        plans.forEach(p -> LOG.info("Table {} from {}: key {}, references {}", p.name(), p.file(),
                p.hasPrimaryKey() ? p.primaryKey() : "none (no id or " + p.name() + "_id column)",
                p.foreignKeys().isEmpty() ? "none" : p.foreignKeys().stream()
                        .map(fk -> fk.column() + " -> " + fk.refTable()).collect(Collectors.joining(", "))));
        Set<String> referenced = plans.stream().flatMap(p -> p.foreignKeys().stream())
                .map(ForeignKey::refTable).collect(Collectors.toSet());
        TableScanner scanner = new TableScanner(config.columnTypes(), referenced);
        return plans.stream().map(scanner::scan).toList();
    }

    static List<Path> csvFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new PlatformException("The input folder " + dir + " does not exist."
                    + " Set INITIALIZER_INPUT_DIR to the folder that holds the CSV files.");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> files = entries.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".csv"))
                    .filter(Files::isRegularFile).sorted().toList();
            if (files.isEmpty()) {
                throw new PlatformException("The input folder " + dir + " holds no .csv file."
                        + " Put the CSV files there, or set INITIALIZER_INPUT_DIR to their folder.");
            }
            return files;
        } catch (IOException e) {
            throw new PlatformException("Cannot list the input folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void checkTypeOverrides(List<TablePlan> plans, Map<String, ColumnType> overrides) {
        for (String key : overrides.keySet()) {
            String[] tc = key.split("\\.", 2);
            Optional<TablePlan> plan = plans.stream().filter(p -> p.name().equals(tc[0])).findFirst();
            if (plan.isEmpty() || !plan.get().columns().contains(tc[1])) {
                throw new PlatformException("INITIALIZER_COLUMN_TYPES names " + key + ", but "
                        + (plan.isEmpty() ? "no file gives table " + tc[0] : plan.get().file() + " has no column " + tc[1])
                        + ". Fix the setting in .env.");
            }
        }
    }

    /**
     * Compares every table with what exists. A table loaded before is left as it is, however it
     * has changed since; any other table of another shape stops the run before a write.
     */
    private Map<TableSpec, Outcome> decide(Connection c, List<TableSpec> specs, Set<String> loaded) throws SQLException {
        Map<TableSpec, Outcome> actions = new LinkedHashMap<>();
        List<String> conflicts = new ArrayList<>();
        for (TableSpec spec : specs) {
            Optional<Catalog.ExistingTable> existing = Catalog.describe(c, spec.name());
            if (existing.isEmpty()) {
                if (loaded.contains(spec.name())) {
                    LOG.warn("Table {} was loaded from {} before and has been dropped since; it is not loaded again."
                            + " To load it again, delete its row from {}.", spec.name(), spec.plan().file(),
                            "minidp_initializer.loaded");
                    actions.put(spec, new Outcome(spec.name(), Action.EVOLVED, 0, List.of("dropped")));
                } else {
                    actions.put(spec, new Outcome(spec.name(), Action.CREATED, spec.rows(), List.of()));
                }
                continue;
            }
            List<String> differences = ShapeComparison.differences(spec, existing.get());
            if (loaded.contains(spec.name())) {
                actions.put(spec, new Outcome(spec.name(), differences.isEmpty() ? Action.UNCHANGED : Action.EVOLVED,
                        spec.rows(), differences));
            } else if (!differences.isEmpty()) {
                conflicts.add("table " + spec.name() + " exists with another shape than " + spec.plan().file()
                        + " gives: " + String.join("; ", differences));
            } else {
                actions.put(spec, new Outcome(spec.name(), existing.get().hasRows() ? Action.UNCHANGED
                        : Action.FILLED_EMPTY_TABLE, spec.rows(), List.of()));
            }
        }
        if (!conflicts.isEmpty()) {
            throw new PlatformException(String.join(". ", conflicts) + ". Nothing was changed. The initializer never"
                    + " merges shapes: drop the table (or ./platform down --wipe for a fresh start), or make the file match it.");
        }
        return actions;
    }

    private void load(Connection c, TableSpec spec, Action action) throws SQLException {
        Progress progress = new Progress(LOG, "Loading " + spec.name(), fileSize(spec.plan().file()));
        try {
            if (action == Action.CREATED) {
                TableLoader.create(c, spec);
            }
            long copied = TableLoader.copy(c, spec, progress::update);
            TableLoader.addForeignKeys(c, spec);
            TableLoader.indexForeignKeys(c, spec);
            ChangeCapture.replicaIdentityFull(c, spec.name());
            LoadedTables.record(c, spec.name(), spec.plan().file().toString(), copied);
            c.commit();
            long ms = Math.max(1, progress.elapsed().toMillis());
            LOG.info("Loaded {} rows into {} in {} ms ({} rows/s)", copied, spec.name(), ms, copied * 1000 / ms);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw new PlatformException("Loading " + spec.plan().file() + " into table " + spec.name()
                    + " failed, and nothing of it was kept: " + e.getMessage(), e);
        }
    }

    /** For tables left unchanged too, what an older initializer may not have set up; returns what it did. */
    private List<String> prepareChangeCapture(Connection c, List<TableSpec> specs) throws SQLException {
        List<String> done = new ArrayList<>();
        for (TableSpec spec : specs) {
            if (ChangeCapture.replicaIdentityFull(c, spec.name())) {
                done.add("set REPLICA IDENTITY FULL on " + spec.name());
            }
            int indexes = TableLoader.indexForeignKeys(c, spec);
            if (indexes > 0) {
                done.add("indexed " + indexes + " foreign-key column(s) of " + spec.name());
            }
        }
        if (ChangeCapture.ensureReplicaIdentityTrigger(c)) {
            done.add("installed an event trigger that sets REPLICA IDENTITY FULL on tables created later");
        }
        if (ChangeCapture.ensurePublication(c, config.publication())) {
            done.add("created publication " + config.publication() + " for all tables of schema " + Catalog.SCHEMA);
        }
        done.addAll(Signals.install(c, config.publication()));
        c.commit();
        done.forEach(d -> LOG.info("Prepared for change capture: {}", d));
        return done;
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new PlatformException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
