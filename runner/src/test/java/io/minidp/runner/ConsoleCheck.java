package io.minidp.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The console in a real headless browser: Debian's Chromium, driven by playwright-core
 * ({@code runner/src/test/console/console-check.cjs}, installed there by {@code npm ci} the first
 * time). What the page showed comes back as JSON; a screenshot is kept in
 * {@code runner/target/console/}.
 */
final class ConsoleCheck {

    static final Path DIR = TestPlatform.HOME.resolve("runner/src/test/console");
    static final Path SCREENSHOTS = TestPlatform.HOME.resolve("runner/target/console");

    private ConsoleCheck() {}

    /**
     * Opens {@code console}, waits (up to two minutes) until each of {@code healthy} is shown
     * healthy and the freshness chart has a line, runs {@code sql} and then {@code badSql} in the
     * SQL box, and returns what the page showed.
     */
    static JsonNode run(URI console, String screenshot, String sql, String badSql, List<String> healthy)
            throws IOException, InterruptedException {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(chromium)) || !onPath("node") || !onPath("npm")) {
            throw new AssertionError("The console test drives a real browser and finds none: it needs Debian's chromium"
                    + " (or CHROMIUM=<path of a Chromium>) and Node.js with npm. Install them with"
                    + " 'apt-get install chromium nodejs npm' (.ci/run does).");
        }
        if (!Files.isDirectory(DIR.resolve("node_modules/playwright-core"))) {
            exec(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        }
        Files.createDirectories(SCREENSHOTS);
        List<String> command = new ArrayList<>(List.of("node", "console-check.cjs", console.toString(),
                SCREENSHOTS.resolve(screenshot).toString(), sql, badSql));
        command.addAll(healthy);
        String out = exec(command, 300);
        String last = out.lines().reduce((a, b) -> b).orElse("");
        return new ObjectMapper().readTree(last);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static String exec(List<String> command, int seconds) throws IOException, InterruptedException {
        Files.createDirectories(SCREENSHOTS);
        Path output = SCREENSHOTS.resolve(command.get(0) + ".out");
        // Into a file, not a pipe read to its end: a program that hangs is stopped after its time.
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " in " + DIR + " did not end within " + seconds
                    + " s; its output so far:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " in " + DIR + " failed with exit code " + p.exitValue()
                    + ":\n" + text);
        }
        return text;
    }
}
