package io.minidp.runner.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.minidp.common.app.ServiceMain;
import io.minidp.common.config.DotEnv;
import io.minidp.common.config.Settings;
import io.minidp.engines.spark.SparkJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that keep the Docker deployment true without a Docker engine: docker-compose.yml against
 * .env, the Dockerfiles against the build's output, each service's environment against what its
 * configuration class reads, and the compose fleet against the local runner's fleet. Each check
 * returns the problems it found, one sentence each; none means it passes.
 */
final class ComposeChecks {

    private static final Pattern VARIABLE = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)}");
    private static final Set<String> RESTARTS = Set.of("on-failure", "always", "unless-stopped");
    /** Variables the images themselves use (the entrypoint, logging), not a configuration class. */
    private static final Set<String> IMAGE_VARIABLES = Set.of("SERVICE_NAME", "ROLE");

    private final Path home;
    private final String composeText;
    private final Map<String, String> env;
    private final Function<String, String> files;
    private JsonNode services;
    // Compose's merge keys (<<: *anchor) are not resolved here: the file spells each service out.

    /**
     * @param composeText docker-compose.yml as text
     * @param env         the variables of .env
     * @param files       reads a file of the repository (Dockerfiles, the connector file) by relative path
     */
    ComposeChecks(Path home, String composeText, Map<String, String> env, Function<String, String> files) {
        this.home = home;
        this.composeText = composeText;
        this.env = env;
        this.files = files;
    }

    /** Parses .env text as the services do (quotes and comments included). */
    static Map<String, String> parseEnv(String text) {
        return DotEnv.parse(".env", text);
    }

    /** Every {@code ${VAR}} of the compose file (comments aside) is defined in .env. */
    List<String> undefinedVariables() {
        List<String> problems = new ArrayList<>();
        Matcher m = VARIABLE.matcher(composeText.replaceAll("(?m)^\\s*#.*$", ""));
        Set<String> seen = new TreeSet<>();
        while (m.find()) {
            if (!env.containsKey(m.group(1)) && seen.add(m.group(1))) {
                problems.add("docker-compose.yml uses ${" + m.group(1) + "}, which .env does not define");
            }
        }
        return problems;
    }

    /**
     * Long-running services have a healthcheck and restart on failure; every depends_on names a
     * condition: service_completed_successfully for a one-shot service, service_healthy otherwise.
     */
    List<String> healthAndOrder() {
        List<String> problems = new ArrayList<>();
        JsonNode all = services();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode s = e.getValue();
            if (!oneShot(s)) {
                JsonNode hc = s.path("healthcheck");
                if (hc.isMissingNode() || hc.path("disable").asBoolean(false) || hc.path("test").isMissingNode()) {
                    problems.add("service " + name + " runs for long but has no healthcheck");
                }
                if (!RESTARTS.contains(s.path("restart").asText(""))) {
                    problems.add("service " + name + " runs for long but does not restart on failure (restart: "
                            + s.path("restart").asText("unset") + ")");
                }
            }
            JsonNode deps = s.path("depends_on");
            if (deps.isArray()) {
                problems.add("service " + name + " lists depends_on without conditions: " + deps);
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> d = deps.fields(); d.hasNext(); ) {
                Map.Entry<String, JsonNode> dep = d.next();
                JsonNode target = all.path(dep.getKey());
                String condition = dep.getValue().path("condition").asText("");
                if (target.isMissingNode()) {
                    problems.add("service " + name + " depends on " + dep.getKey() + ", which is not a service");
                } else if (condition.isEmpty()) {
                    problems.add("service " + name + " depends on " + dep.getKey() + " without a condition");
                } else {
                    String wanted = oneShot(target) ? "service_completed_successfully" : "service_healthy";
                    if (!condition.equals(wanted)) {
                        problems.add("service " + name + " depends on " + dep.getKey() + " with condition " + condition
                                + "; it should be " + wanted);
                    }
                }
            }
        }
        return problems;
    }

    /** Every file a Dockerfile copies exists once the Maven build has run. */
    List<String> dockerfileCopies() {
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode build = e.getValue().path("build");
            if (build.isMissingNode()) {
                continue;
            }
            String dockerfile = build.path("dockerfile").asText("Dockerfile");
            Path context = home.resolve(build.path("context").asText("."));
            Map<String, String> args = new HashMap<>();
            build.path("args").fields().forEachRemaining(a -> args.put(a.getKey(), a.getValue().asText()));
            String text = files.apply(home.relativize(context.resolve(dockerfile)).toString());
            if (text == null) {
                problems.add("service " + e.getKey() + ": its Dockerfile " + dockerfile + " does not exist");
                continue;
            }
            for (String line : text.replace("\\\n", " ").split("\n")) {
                String l = line.strip();
                if (l.startsWith("ARG ")) {
                    String[] kv = l.substring(4).strip().split("=", 2);
                    args.putIfAbsent(kv[0], kv.length > 1 ? kv[1] : null);
                } else if (l.startsWith("COPY ") && !l.contains("--from")) {
                    List<String> parts = new ArrayList<>(List.of(l.substring(5).strip().split("\\s+")));
                    parts.removeIf(p -> p.startsWith("--"));
                    for (String source : parts.subList(0, parts.size() - 1)) {
                        String resolved = substitute(source, args);
                        if (!exists(context, resolved)) {
                            problems.add("service " + e.getKey() + ": " + dockerfile + " copies " + resolved
                                    + ", which the build does not produce (run ./mvnw -DskipTests package first?)");
                        }
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Each of our services is given only variables its configuration class reads, and every one it
     * requires: the service's own jar says which, reading the compose environment in describe mode.
     */
    List<String> serviceVariables() {
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> command = configCommand(e.getValue());
            if (command == null) {
                continue;
            }
            Map<String, String> given = new TreeMap<>();
            // An empty value (NAME: with nothing after) is YAML null; Compose passes it as the empty string.
            e.getValue().path("environment").fields().forEachRemaining(v -> given.put(v.getKey(),
                    v.getValue().isNull() ? "" : v.getValue().asText()));
            JsonNode described;
            try {
                described = describe(command, given);
            } catch (IOException e2) {
                problems.add("service " + e.getKey() + ": cannot ask its jar what it reads: " + e2.getMessage());
                continue;
            }
            Set<String> read = new TreeSet<>();
            described.path("variables").forEach(v -> read.add(v.asText()));
            problems.addAll(catalogueDiffers(e.getKey(), read));
            if (e.getKey().equals("debezium-configurator")) {
                read.addAll(connectorFileVariables());
            }
            for (String name : given.keySet()) {
                if (!read.contains(name) && !IMAGE_VARIABLES.contains(name)) {
                    problems.add("service " + e.getKey() + " is given " + name + ", which its configuration does not read");
                }
            }
            described.path("problems").forEach(p -> problems.add("service " + e.getKey() + ": " + p.asText()));
        }
        return problems;
    }

    /**
     * {@code ./platform verify}'s JVM reads what {@link Settings} says it reads (it is no compose
     * service: the same jar as the processor, with the variables of .env).
     */
    List<String> verifyVariables() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            JsonNode described = describe(List.of(java, "-D" + ServiceMain.DESCRIBE_CONFIG + "=true", "-cp",
                    SparkJvm.processorJar(home) + ":" + SparkJvm.libDir(home) + "/*",
                    "io.minidp.processor.verify.VerifyMain"), env);
            Set<String> read = new TreeSet<>();
            described.path("variables").forEach(v -> read.add(v.asText()));
            return catalogueDiffers(Settings.VERIFY, read);
        } catch (IOException e) {
            return List.of("verify: cannot ask its jar what it reads: " + e.getMessage());
        }
    }

    /** What a service really reads against what the catalogue ({@link Settings}) declares it reads. */
    static List<String> catalogueDiffers(String service, Set<String> read) {
        Set<String> declared = new TreeSet<>(Settings.readBy(service));
        List<String> problems = new ArrayList<>();
        Set<String> undeclared = new TreeSet<>(read);
        undeclared.removeAll(declared);
        Set<String> unread = new TreeSet<>(declared);
        unread.removeAll(read);
        if (!undeclared.isEmpty()) {
            problems.add("service " + service + " reads " + undeclared + ", but Settings (common) does not list "
                    + service + " among their readers: add it to each one's by(...)");
        }
        if (!unread.isEmpty()) {
            problems.add("Settings (common) says " + service + " reads " + unread + ", but it does not: remove "
                    + service + " from each one's by(...)");
        }
        return problems;
    }

    /**
     * The compose fleet is the local runner's fleet: the same services (the local S3 server is
     * MinIO and its bucket-creating one-shot in Docker), and each local dependency is reachable
     * through depends_on.
     */
    List<String> fleetDiffers(Map<String, List<String>> localFleet) {
        Map<String, Set<String>> mapping = Map.of("s3", Set.of("minio", "minio-init"));
        Set<String> expected = new TreeSet<>();
        localFleet.keySet().forEach(n -> expected.addAll(mapping.getOrDefault(n, Set.of(n))));
        Set<String> actual = new TreeSet<>();
        services().fieldNames().forEachRemaining(actual::add);
        List<String> problems = new ArrayList<>();
        for (String n : expected) {
            if (!actual.contains(n)) {
                problems.add("the local runner starts " + n + ", but docker-compose.yml has no such service");
            }
        }
        for (String n : actual) {
            if (!expected.contains(n)) {
                problems.add("docker-compose.yml has " + n + ", which the local runner does not start");
            }
        }
        localFleet.forEach((name, deps) -> {
            if (!actual.contains(name)) {
                return;
            }
            Set<String> reachable = reachable(name);
            for (String dep : deps) {
                Set<String> mapped = mapping.getOrDefault(dep, Set.of(dep));
                if (mapped.stream().noneMatch(reachable::contains)) {
                    problems.add("locally " + name + " waits for " + dep + ", but in docker-compose.yml it does not");
                }
            }
        });
        return problems;
    }

    /** No two services publish the same host port, and all publish on 127.0.0.1 only. */
    List<String> duplicateHostPorts() {
        List<String> problems = new ArrayList<>();
        Map<String, String> owner = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (JsonNode p : e.getValue().path("ports")) {
                String[] parts = p.asText().split(":");
                if (parts.length != 3 || !parts[0].equals("127.0.0.1")) {
                    problems.add("service " + e.getKey() + " publishes " + p.asText() + "; publish as 127.0.0.1:<host>:<container>");
                    continue;
                }
                String previous = owner.putIfAbsent(parts[1], e.getKey());
                if (previous != null) {
                    problems.add("services " + previous + " and " + e.getKey() + " both publish host port " + parts[1]);
                }
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------------------------------------

    private JsonNode services() {
        if (services == null) {
            String interpolated = interpolate(composeText);
            try {
                services = new YAMLMapper().readTree(interpolated).path("services");
            } catch (IOException e) {
                throw new IllegalStateException("docker-compose.yml is not valid YAML: " + e.getMessage(), e);
            }
        }
        return services;
    }

    private String interpolate(String text) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString().replace("$$", "$");
    }

    /** A COPY source exists; one that ends in a pattern (the jar check's s3proxy.ja[r]) must match a file. */
    private static boolean exists(Path context, String source) {
        Path p = context.resolve(source);
        String name = p.getFileName().toString();
        if (!name.matches(".*[*?\\[].*")) {
            return Files.exists(p);
        }
        PathMatcher matcher = p.getFileSystem().getPathMatcher("glob:" + name);
        try (var siblings = Files.list(p.getParent())) {
            return siblings.anyMatch(f -> matcher.matches(f.getFileName()));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean oneShot(JsonNode service) {
        return "no".equals(service.path("restart").asText(""));
    }

    private static String substitute(String s, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Set<String> reachable(String from) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(from));
        while (!todo.isEmpty()) {
            String s = todo.remove(todo.size() - 1);
            services().path(s).path("depends_on").fieldNames().forEachRemaining(d -> {
                if (seen.add(d)) {
                    todo.add(d);
                }
            });
        }
        return seen;
    }

    /** The command that runs a service's configuration, or null for an image that is not one of our services. */
    private List<String> configCommand(JsonNode service) {
        String module = service.path("build").path("args").path("MODULE").asText(null);
        if (module == null && service.path("build").isMissingNode()) {
            // An image built by another service (the Spark image): the processor and the query service are ours.
            String role = service.path("environment").path("ROLE").asText();
            module = "processor".equals(role) || "query".equals(role) ? "spark-processor" : null;
        }
        if (module == null) {
            return null;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (module.equals("spark-processor")) {
            String main = "query".equals(service.path("environment").path("ROLE").asText())
                    ? "io.minidp.processor.query.QueryService" : "io.minidp.processor.Main";
            return List.of(java, "-D" + ServiceMain.DESCRIBE_CONFIG + "=true", "-cp",
                    SparkJvm.processorJar(home) + ":" + SparkJvm.libDir(home) + "/*", main);
        }
        return List.of(java, "-D" + ServiceMain.DESCRIBE_CONFIG + "=true", "-jar",
                home.resolve(module).resolve("target").resolve(module + ".jar").toString());
    }

    private JsonNode describe(List<String> command, Map<String, String> given) throws IOException {
        Path scratch = Files.createTempDirectory("describe-config");
        ProcessBuilder pb = new ProcessBuilder(command).directory(scratch.toFile());
        pb.environment().clear();
        pb.environment().putAll(given);
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("LOG_CONSOLE", "false");
        pb.environment().put("LOGS_DIR", scratch.toString());
        pb.redirectErrorStream(false);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
        return new ObjectMapper().readTree(json);
    }

    private Set<String> connectorFileVariables() {
        Set<String> vars = new TreeSet<>();
        String text = files.apply(env.getOrDefault("CONNECTOR_CONFIG_FILE", "config/debezium/connector_config.json"));
        if (text != null) {
            Matcher m = VARIABLE.matcher(text);
            while (m.find()) {
                vars.add(m.group(1));
            }
        }
        return vars;
    }
}
