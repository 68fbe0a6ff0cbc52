package io.minidp.runner.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Docker and Compose as a user runs them, from a test: plain commands with a time limit, their
 * output kept for the failure message. Compose is Debian's {@code docker-compose} when installed,
 * else the {@code docker compose} plugin; one project name keeps the test's fleet apart from others.
 */
final class Compose {

    /** What a command printed (stdout and stderr together) and how it ended. */
    record Result(int code, String output) {
        boolean ok() {
            return code == 0;
        }
    }

    private final Path home;
    private final String project;
    private final List<String> files;
    private final Map<String, String> env;
    private final List<String> compose;

    Compose(Path home, String project, List<String> files, Map<String, String> env) {
        this.home = home;
        this.project = project;
        this.files = files;
        this.env = env;
        this.compose = onPath("docker-compose") ? List.of("docker-compose") : List.of("docker", "compose");
    }

    String project() {
        return project;
    }

    /** {@code docker-compose -p <project> -f ... <args>}. */
    Result compose(Duration limit, String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", project));
        files.forEach(f -> command.addAll(List.of("-f", f)));
        command.addAll(List.of(args));
        return run(command, limit);
    }

    /** As {@link #compose}, which must exit 0. */
    String composeOk(Duration limit, String... args) {
        Result r = compose(limit, args);
        if (!r.ok()) {
            throw new AssertionError("docker-compose " + String.join(" ", args) + " exited " + r.code() + ":\n" + r.output());
        }
        return r.output();
    }

    Result docker(Duration limit, String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(command, limit);
    }

    Result run(List<String> command, Duration limit) {
        try {
            Path out = Files.createTempFile("compose", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                    return new Result(-1, "timed out after " + limit.toSeconds() + " s: " + String.join(" ", command)
                            + "\n" + Files.readString(out, StandardCharsets.UTF_8));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted: " + String.join(" ", command));
        }
    }

    /** The environment the commands get: the test's process environment with the test's variables over it. */
    static Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(overrides);
        return env;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
