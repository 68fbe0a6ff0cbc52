package io.minidp.runner.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The state of a compose project's containers, as {@code docker compose ps} shows it, and a bounded wait for health. */
final class ComposeFleet {

    /** One service's container: Docker's state, exit code, health (empty without a healthcheck) and restarts. */
    record State(String status, int exitCode, String health, int restarts) {
        boolean ready(boolean oneShot) {
            return oneShot ? status.equals("exited") && exitCode == 0 : status.equals("running") && health.equals("healthy");
        }

        @Override
        public String toString() {
            return status + (status.equals("exited") ? " (" + exitCode + ")" : "") + (health.isEmpty() ? "" : ", " + health)
                    + (restarts > 0 ? ", restarted " + restarts + "x" : "");
        }
    }

    private static final Pattern SIZE = Pattern.compile("([0-9.]+)\\s*([KMG]i)?B");

    private ComposeFleet() {}

    /** Service name → the state of its container (the newest, if several). */
    static Map<String, State> states(Compose compose) {
        Compose.Result ids = compose.docker(Duration.ofSeconds(30), "ps", "-a", "-q", "--filter",
                "label=com.docker.compose.project=" + compose.project());
        Map<String, State> states = new TreeMap<>();
        if (!ids.ok() || ids.output().isBlank()) {
            return states;
        }
        String format = "{{index .Config.Labels \"com.docker.compose.service\"}}|{{.State.Status}}|{{.State.ExitCode}}|"
                + "{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.RestartCount}}";
        List<String> args = new ArrayList<>(List.of("inspect", "--format", format));
        args.addAll(ids.output().strip().lines().toList());
        Compose.Result inspected = compose.docker(Duration.ofSeconds(30), args.toArray(String[]::new));
        for (String line : inspected.output().strip().split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length == 5) {
                states.putIfAbsent(f[0], new State(f[1], Integer.parseInt(f[2]), f[3], Integer.parseInt(f[4])));
            }
        }
        return states;
    }

    /**
     * Waits until every long-running service is running and healthy and every one-shot service has
     * exited 0. Fails at once when a one-shot service exits otherwise, or at the limit, showing the
     * states and the last lines of each service that is not ready.
     */
    static void awaitHealthy(Compose compose, List<String> services, Set<String> oneShot, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Map<String, State> states = states(compose);
            List<String> waiting = services.stream()
                    .filter(s -> !states.containsKey(s) || !states.get(s).ready(oneShot.contains(s))).toList();
            if (waiting.isEmpty()) {
                return;
            }
            List<String> failed = waiting.stream().filter(oneShot::contains)
                    .filter(s -> states.containsKey(s) && states.get(s).status().equals("exited")).toList();
            if (!failed.isEmpty() || System.nanoTime() > deadline) {
                throw new AssertionError((failed.isEmpty() ? "Not ready within " + limit.toSeconds() + " s: " + waiting
                        : "One-shot services failed: " + failed) + "\n" + describe(compose, waiting));
            }
            Thread.sleep(2_000);
        }
    }

    /** Each running container's memory as {@code docker stats} shows it, and their sum in MiB. */
    static String memory(Compose compose) {
        Compose.Result ids = compose.docker(Duration.ofSeconds(30), "ps", "-q", "--filter",
                "label=com.docker.compose.project=" + compose.project());
        List<String> args = new ArrayList<>(List.of("stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}"));
        args.addAll(ids.output().strip().lines().toList());
        Compose.Result stats = compose.docker(Duration.ofMinutes(1), args.toArray(String[]::new));
        double total = 0;
        StringBuilder sb = new StringBuilder();
        for (String line : stats.output().strip().split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 2) {
                double mib = mebibytes(f[1].split("/")[0].strip());
                total += mib;
                sb.append(String.format("  %-40s %8.0f MiB%n", f[0], mib));
            }
        }
        return sb.append(String.format("  %-40s %8.0f MiB", "total", total)).toString();
    }

    private static double mebibytes(String size) {
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) {
            return 0;
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "Ki" -> v / 1024;
            case "Mi" -> v;
            case "Gi" -> v * 1024;
            default -> v / (1024 * 1024);
        };
    }

    /** Every service's state, then the last lines of the named ones. */
    static String describe(Compose compose, List<String> detailed) {
        StringBuilder sb = new StringBuilder(states(compose).entrySet().stream()
                .map(e -> String.format("  %-22s %s", e.getKey(), e.getValue())).collect(Collectors.joining("\n")));
        for (String s : detailed) {
            sb.append("\n--- ").append(s).append(", last lines:\n")
                    .append(compose.compose(Duration.ofSeconds(30), "logs", "--no-color", "--tail=25", s).output());
        }
        return sb.toString();
    }
}
