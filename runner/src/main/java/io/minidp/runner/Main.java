package io.minidp.runner;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import io.minidp.runner.bench.Bench;
import io.minidp.runner.cli.Console;
import io.minidp.runner.cli.GeneratorBench;
import io.minidp.runner.cli.QueryCommand;
import io.minidp.runner.cli.ResnapshotCommand;
import io.minidp.runner.cli.Runner;
import io.minidp.runner.cli.SparkCommand;
import io.minidp.runner.cli.SqlCommand;
import io.minidp.runner.fleet.Fleet;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** {@code ./platform <command>}: the local runner. */
public final class Main {

    static final String USAGE = """
            Usage: ./platform <command> [arguments]

              up [service...]          start the platform (or the named services and what they need)
              up --no-deps <service...>
                                       start only the named services, even if what they need is down
              down [service...]        stop the platform (or the named services and what needs them)
              down --no-deps <service...>
                                       stop only the named services, leaving what needs them running
              down --wipe              stop everything and delete the local state (data/local); with an
                                       external PostgreSQL, also drop the connector's replication slot
              connector delete         delete the Debezium connector, its offsets and its replication
                                       slot (./platform up registers it again, with a new snapshot)
              status                   each service: state, pid, address, log file, restarts; the
                                       connector's watchdog; the WAL each replication slot holds back
              logs <service> [--no-follow]
                                       show one service's log and follow it
              restart <service>        stop and start one service; a one-shot service runs again
              sql "<statement>"        run SQL against the platform's PostgreSQL and print the result
              query [--format table|csv|json] "<statement>"
                                       read-only Spark SQL over the lake (bronze.<table>,
                                       silver.<table>, gold.<name>), answered by the query service
              verify [table...]        compare every PostgreSQL table (or the named ones) with the
                                       lake, at a consistent point; exit 0 only when all are equal
              resnapshot [--rebuild] <table>...
                                       Debezium re-reads the tables while streaming goes on (an
                                       incremental snapshot), showing its progress; --rebuild first
                                       archives their lake tables (for a table whose apply stopped)
              bench [--snapshot-rows=N] [--changes=N] [--latency-rate=N] [--latency-seconds=N]
                                       on a fresh platform of its own: snapshot rate, end-to-end
                                       throughput, commit-to-silver latency, the logical-decoding
                                       floor and peak memory; results in bench-results/
              bench-generator [seconds]
                                       the generator's sustained rate at full speed, on a fresh
                                       copy of the shop (default 30 s)
            """;

    private Main() {}

    public static void main(String[] args) {
        Console console = new Console(System.out);
        try {
            System.exit(run(List.of(args), Env.load(), console));
        } catch (PlatformException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(List<String> args, Env env, Console console) {
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
            console.say(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        ConfigReader reader = new ConfigReader(env);
        PlatformConfig config = PlatformConfig.read(reader);
        reader.validate();
        Fleet fleet = Fleet.local(config);
        Runner runner = new Runner(config, fleet, console);
        String command = args.get(0);
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        switch (command) {
            case "up" -> {
                boolean noDeps = rest.remove("--no-deps");
                runner.up(rest, noDeps);
            }
            case "down" -> {
                boolean wipe = rest.remove("--wipe");
                boolean noDeps = rest.remove("--no-deps");
                runner.down(rest, wipe, noDeps);
            }
            case "status" -> runner.status();
            case "connector" -> {
                if (!rest.equals(List.of("delete"))) {
                    throw new PlatformException("Usage: ./platform connector delete");
                }
                runner.deleteConnector();
            }
            case "restart" -> runner.restart(single(rest, "restart <service>"));
            case "logs" -> {
                boolean follow = !rest.remove("--no-follow");
                String service = single(rest, "logs <service> [--no-follow]");
                fleet.get(service);
                return logs(config, service, follow);
            }
            case "sql" -> SqlCommand.run(config.postgres(), single(rest, "sql \"<statement>\""), console);
            case "query" -> {
                return QueryCommand.run(config, rest, console);
            }
            case "verify" -> {
                return SparkCommand.verify(config, rest, console);
            }
            case "resnapshot" -> {
                return ResnapshotCommand.run(config, rest, console);
            }
            case "bench" -> {
                return Bench.run(env, config, console, rest);
            }
            case "bench-generator" -> GeneratorBench.run(config, fleet, runner, console, seconds(rest));
            default -> {
                console.say("Unknown command '%s'.%n%s", command, USAGE);
                return 2;
            }
        }
        return 0;
    }

    private static int logs(PlatformConfig config, String service, boolean follow) {
        var log = config.logFile(service);
        if (!Files.exists(log)) {
            throw new PlatformException("No log yet for " + service + " (" + log + "): it has not run.");
        }
        List<String> cmd = follow ? List.of("tail", "-n", "200", "-F", log.toString()) : List.of("cat", log.toString());
        try {
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } catch (Exception e) {
            throw new PlatformException("Cannot show " + log + ": " + e.getMessage(), e);
        }
    }

    private static int seconds(List<String> rest) {
        if (rest.isEmpty()) {
            return 30;
        }
        try {
            int n = Integer.parseInt(single(rest, "bench-generator [seconds]"));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Falls through to the usage.
        }
        throw new PlatformException("Usage: ./platform bench-generator [seconds], seconds a whole number above 0");
    }

    private static String single(List<String> rest, String usage) {
        if (rest.size() != 1) {
            throw new PlatformException("Usage: ./platform " + usage);
        }
        return rest.get(0);
    }
}
