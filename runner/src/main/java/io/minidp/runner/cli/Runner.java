package io.minidp.runner.cli;

import io.minidp.common.app.PlatformException;
import io.minidp.engines.process.Folders;
import io.minidp.runner.PlatformConfig;
import io.minidp.runner.fleet.Fleet;
import io.minidp.runner.fleet.JavaService;
import io.minidp.runner.fleet.ReplicationSlots;
import io.minidp.runner.fleet.LocalService;
import io.minidp.runner.process.ProcessState;
import io.minidp.runner.process.Supervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/** up, down, restart and status of the local fleet. */
public final class Runner {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final PlatformConfig config;
    private final Fleet fleet;
    private final Supervisor supervisor;
    private final Console console;

    public Runner(PlatformConfig config, Fleet fleet, Console console) {
        this.config = config;
        this.fleet = fleet;
        this.supervisor = new Supervisor(config.runDir());
        this.console = console;
    }

    /** Starts the named services (all when none) and what they need, each once what it needs is healthy. */
    public void up(List<String> names) {
        up(names, false);
    }

    /**
     * As {@link #up(List)}; with {@code withoutDependencies}, only the named services, whether what
     * they need runs or not (as {@code docker compose up --no-deps}): to see how a service copes.
     */
    public void up(List<String> names, boolean withoutDependencies) {
        if (withoutDependencies && names.isEmpty()) {
            throw new PlatformException("--no-deps starts only the services it is given; name at least one.");
        }
        long started = System.nanoTime();
        List<LocalService> services = withoutDependencies ? names.stream().map(fleet::get).toList()
                : fleet.withDependencies(names);
        for (LocalService s : services) {
            if (s.oneShot()) {
                runOnce(s);
            } else {
                ensureRunning(s);
            }
        }
        console.say("The platform is up (%.1f s). ./platform status shows it; ./platform down stops it.",
                (System.nanoTime() - started) / 1e9);
        if (services.stream().anyMatch(s -> s.name().equals(Fleet.QUERY_SERVICE))) {
            console.say("The console: %s", config.query().console());
        }
    }

    /** Stops the named services (all when none) and what depends on them; --wipe also deletes local state. */
    public void down(List<String> names, boolean wipe) {
        down(names, wipe, false);
    }

    /** As {@link #down(List, boolean)}; with {@code withoutDependents}, only the named services. */
    public void down(List<String> names, boolean wipe, boolean withoutDependents) {
        if (wipe && !names.isEmpty()) {
            throw new PlatformException("--wipe deletes the state of the whole platform; use it without service names.");
        }
        if (withoutDependents && names.isEmpty()) {
            throw new PlatformException("--no-deps stops only the services it is given; name at least one.");
        }
        List<LocalService> services = withoutDependents ? names.stream().map(fleet::get).toList()
                : fleet.withDependents(names);
        for (LocalService s : services) {
            ProcessState state = supervisor.state(s.name());
            if (state.supervised()) {
                console.say("%-22s stopping (%s)", s.name(), state.running() ? "pid " + state.pid().getAsLong()
                        : "it was waiting to be restarted");
                supervisor.stop(s.name(), s.stopSignal(), STOP_GRACE);
                console.say("%-22s stopped", s.name());
            }
        }
        if (wipe) {
            if (!config.postgresEmbedded()) {
                dropSlotOfExternalPostgres();
            }
            wipeState();
            console.say("Deleted the local state in %s (logs are kept in %s).", relative(config.dataDir()), relative(config.logsDir()));
        }
    }

    /**
     * Removes the connector with nothing left behind: stops the configurator (whose watchdog would
     * register it again), then runs it once to delete the connector, its offsets and its slot.
     */
    public void deleteConnector() {
        JavaService configurator = (JavaService) fleet.get("debezium-configurator");
        for (LocalService dep : fleet.withDependencies(List.of("postgres", "kafka-connect"))) {
            ensureRunning(dep);
        }
        ProcessState state = supervisor.state(configurator.name());
        if (state.supervised()) {
            console.say("%-22s stopping, so that it does not register the connector again", configurator.name());
            supervisor.stop(configurator.name(), configurator.stopSignal(), STOP_GRACE);
        }
        runOnce(configurator.oneShotVariant("debezium-configurator-delete",
                Map.of("CONFIGURATOR_ACTION", "delete", "CONFIGURATOR_WATCH_SECONDS", "0")));
        console.say("The connector, its offsets and its replication slot are gone. ./platform up registers it again,"
                + " and it starts with a new snapshot.");
    }

    /** With the platform's data wiped, the slot in a PostgreSQL the runner does not own would keep WAL for ever. */
    private void dropSlotOfExternalPostgres() {
        String slot = config.cdc().slot();
        try {
            if (ReplicationSlots.dropIfInactive(config.postgres(), slot)) {
                console.say("Dropped replication slot %s in %s.", slot, config.postgres().address());
            }
        } catch (PlatformException e) {
            console.say("warning: %s", e.getMessage());
        }
    }

    /** Stops one service and starts it again; a one-shot service runs again. What it needs is started if down. */
    public void restart(String name) {
        LocalService target = fleet.get(name);
        for (LocalService dep : fleet.withDependencies(target.dependsOn())) {
            if (!dep.oneShot()) {
                ensureRunning(dep);
            }
        }
        ProcessState state = supervisor.state(name);
        if (state.supervised()) {
            console.say("%-22s stopping%s", name, state.running() ? " (pid " + state.pid().getAsLong() + ")" : "");
            supervisor.stop(name, target.stopSignal(), STOP_GRACE);
        }
        if (target.oneShot()) {
            runOnce(target);
        } else {
            start(target);
        }
    }

    public void status() {
        String format = "%-22s %-26s %-8s %-34s %s";
        console.say(format, "SERVICE", "STATE", "PID", "ADDRESS", "LOG");
        for (LocalService s : fleet.all()) {
            ProcessState state = supervisor.state(s.name());
            String pid = state.pid().isPresent() ? Long.toString(state.pid().getAsLong()) : "-";
            console.say(format, s.name(), describe(s, state), pid, s.address(), relative(config.logFile(s.name())));
            state.restarts().ifPresent(r -> console.say("%-22s restarted by the platform %d time(s) since it was started;"
                    + " the last after exit code %d, at %s", "", r.count(), r.lastExitCode(), r.lastAt()));
            for (String line : s.details()) {
                console.say("%-22s %s", "", line);
            }
        }
    }

    String describe(LocalService s, ProcessState state) {
        if (!s.managed()) {
            return "external, " + (s.healthy() ? "healthy" : "unreachable");
        }
        if (state.running()) {
            return s.oneShot() ? "running" : "running, " + (s.healthy() ? "healthy" : "unhealthy");
        }
        if (state.restarting()) {
            return "restarting";
        }
        if (state.exited()) {
            return state.stoppedByRunner() ? "stopped" : "exited (code " + state.exitCode().getAsInt() + ")";
        }
        return "not started";
    }

    private void ensureRunning(LocalService s) {
        if (!s.managed()) {
            awaitHealthy(s, () -> true);
            console.say("%-22s external, healthy (%s)", s.name(), s.address());
            return;
        }
        if (supervisor.state(s.name()).supervised()) {
            // Running, or crashed and about to be started again by its shell: never start a second copy.
            awaitHealthy(s, () -> supervisor.state(s.name()).supervised());
            console.say("%-22s already running, healthy%s", s.name(), where(s));
            return;
        }
        start(s);
    }

    private void start(LocalService s) {
        long t0 = System.nanoTime();
        console.say("%-22s starting", s.name());
        s.prepare();
        supervisor.start(s.name(), s.command(), s.environment(), config.home(), config.logFile(s.name()),
                Supervisor.Restart.ON_FAILURE);
        try {
            awaitHealthy(s, () -> supervisor.state(s.name()).running());
        } catch (PlatformException e) {
            // A service that exits before it is ever healthy is not restarted over and over behind the user's back.
            if (!supervisor.state(s.name()).running()) {
                supervisor.stop(s.name(), s.stopSignal(), STOP_GRACE);
            }
            throw e;
        }
        s.afterHealthy();
        console.say("%-22s healthy%s in %.1f s", s.name(), where(s), (System.nanoTime() - t0) / 1e9);
    }

    private static String where(LocalService s) {
        return s.address().equals("-") ? "" : " (" + s.address() + ")";
    }

    private void awaitHealthy(LocalService s, java.util.function.BooleanSupplier alive) {
        long deadline = System.nanoTime() + s.startTimeout().toNanos();
        while (!s.healthy()) {
            if (!alive.getAsBoolean()) {
                throw new PlatformException(s.name() + " exited while starting (" + describe(s, supervisor.state(s.name()))
                        + "). Its log, " + relative(config.logFile(s.name())) + ", ends with:" + tail(s.name()));
            }
            if (System.nanoTime() > deadline) {
                throw new PlatformException(s.name() + " did not become healthy within " + s.startTimeout().toSeconds()
                        + " s" + (s.managed() ? "" : " at " + s.address()) + ". Its log, "
                        + relative(config.logFile(s.name())) + ", ends with:" + tail(s.name()));
            }
            pause();
        }
    }

    /** Runs a one-shot service to completion, showing its log as it goes. */
    void runOnce(LocalService s) {
        console.say("%-22s running", s.name());
        s.prepare();
        Path log = config.logFile(s.name());
        LogFollower follower = new LogFollower(log, "  " + s.name() + " | ", LogFollower.endOf(log));
        supervisor.start(s.name(), s.command(), s.environment(), config.home(), log, Supervisor.Restart.NO);
        OptionalInt code = OptionalInt.empty();
        while (code.isEmpty()) {
            code = supervisor.awaitExit(s.name(), Duration.ofMillis(250));
            follower.pump(console);
        }
        if (code.getAsInt() != 0) {
            throw new PlatformException(s.name() + " failed with exit code " + code.getAsInt()
                    + "; its messages are above and in " + relative(log) + ".");
        }
        console.say("%-22s done (exit code 0)", s.name());
    }

    private String tail(String service) {
        Path log = config.logFile(service);
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = new ArrayList<>(lines.toList());
            List<String> last = all.subList(Math.max(0, all.size() - 15), all.size());
            return System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", last);
        } catch (Exception e) {
            return " (no log yet)";
        }
    }

    private void wipeState() {
        if (!Files.isDirectory(config.dataDir())) {
            return;
        }
        try (Stream<Path> entries = Files.list(config.dataDir())) {
            // The unpacked engine binaries are a cache, not state: keep them.
            for (Path p : entries.filter(p -> !p.getFileName().toString().equals("bin")).toList()) {
                Folders.deleteTree(p);
            }
        } catch (java.io.IOException e) {
            throw new PlatformException("Cannot list " + config.dataDir() + ": " + e.getMessage(), e);
        }
    }

    private String relative(Path p) {
        return p.startsWith(config.home()) ? config.home().relativize(p).toString() : p.toString();
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted", e);
        }
    }
}
