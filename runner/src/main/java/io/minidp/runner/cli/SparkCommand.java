package io.minidp.runner.cli;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.Settings;
import io.minidp.engines.spark.SparkJvm;
import io.minidp.runner.PlatformConfig;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Commands that run Spark against the lake ({@code ./platform query}, {@code ./platform verify}):
 * a main class of the processor's jar in a process of its own (Spark local, no UI), so that the
 * runner stays small. Its logs go to logs/&lt;name&gt;.log; what it prints goes to the runner's console.
 */
public final class SparkCommand {

    /**
     * Verify's own JVM: C1 only (see {@link #verify}), with a code cache of 240 MB: C1 alone gets
     * 48 MB by default, which Spark's and Delta's code fills, and the JVM then stops compiling
     * ("CodeCache is full") and interprets the rest of the run.
     */
    private static final List<String> OWN_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m");

    private SparkCommand() {}

    /** A statement in a Spark of its own (no query service answers): slower, the same answer. */
    public static int query(PlatformConfig config, String sql, String format, Console console) {
        return run(config, "query", "io.minidp.processor.QueryMain", List.of(sql, format), console);
    }

    /**
     * Compares the named tables of PostgreSQL's public schema with the lake; all of them when none
     * are named: in the query service when it answers, else in a process of its own. That process
     * compiles with C1 only: it lives a few minutes and runs each kind of Spark job a few times, so
     * C2's optimised code arrives after most of the work is done, and on a busy machine its
     * compiling takes the CPU the comparison needs (measured: 121-125 s against 166-177 s for the
     * shop's tables with the generator running; docs/performance.md).
     */
    public static int verify(PlatformConfig config, List<String> tables, Console console) {
        java.net.URI service = config.query().uri();
        if (io.minidp.common.app.HttpProbe.ok(service.resolve("/health"), java.time.Duration.ofSeconds(3))) {
            return verifyInQueryService(config, service, tables, console);
        }
        System.err.println("The query service does not answer at " + service + " (./platform up starts it);"
                + " verifying in a Spark of its own, which takes longer.");
        return run(config, "verify", "io.minidp.processor.verify.VerifyMain", OWN_JVM_OPTIONS, tables, console);
    }

    /**
     * The same comparison in the query service's warm JVM ({@code POST /verify}, docs/query.md): no
     * Spark to start, and the JIT has compiled Spark's and Delta's code already. Its progress goes
     * to standard error and its report to the console, as verify's own process prints them.
     */
    private static int verifyInQueryService(PlatformConfig config, java.net.URI service, List<String> tables, Console console) {
        String timeout = config.env().get(Settings.VERIFY_TIMEOUT_SECONDS).orElseThrow().strip();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(service.resolve("/verify?timeout="
                        + java.net.URLEncoder.encode(timeout, java.nio.charset.StandardCharsets.UTF_8)))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(String.join("\n", tables),
                        java.nio.charset.StandardCharsets.UTF_8)).build();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(2)).build();
        try {
            java.net.http.HttpResponse<java.util.stream.Stream<String>> response = http.send(request,
                    java.net.http.HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() == 404) {
                // A query service from before verify ran in it (an image not rebuilt): verify on its own.
                response.body().close();
                System.err.println("The query service at " + service + " cannot verify (it is older than this runner);"
                        + " verifying in a Spark of its own.");
                return run(config, "verify", "io.minidp.processor.verify.VerifyMain", OWN_JVM_OPTIONS, tables, console);
            }
            if (response.statusCode() != 200) {
                String body = String.join("\n", response.body().toList()).strip().replaceFirst("^error: ", "");
                throw new PlatformException("The query service did not verify: " + body
                        + (response.statusCode() >= 500 ? " (logs/query-service.log says why)" : ""));
            }
            Integer code = null;
            for (String line : (Iterable<String>) response.body()::iterator) {
                if (line.startsWith("P ")) {
                    System.err.println(line.substring(2));
                } else if (line.startsWith("R ")) {
                    console.stream().println(line.substring(2));
                } else if (line.startsWith("X ")) {
                    code = Integer.parseInt(line.substring(2).strip());
                }
            }
            console.stream().flush();
            if (code == null) {
                throw new PlatformException("The query service at " + service + " stopped answering in the middle of verify;"
                        + " logs/query-service.log says why. ./platform status shows whether it runs.");
            }
            return code;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new PlatformException("The query service at " + service + " stopped answering during verify ("
                    + e.getMessage() + "); logs/query-service.log says why. ./platform status shows whether it runs.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while the query service verified", e);
        }
    }

    private static int run(PlatformConfig config, String name, String mainClass, List<String> args, Console console) {
        return run(config, name, mainClass, List.of(), args, console);
    }

    private static int run(PlatformConfig config, String name, String mainClass, List<String> jvmOptions, List<String> args,
                           Console console) {
        List<String> command = new java.util.ArrayList<>(SparkJvm.java("1g", List.of(
                SparkJvm.processorJar(config.home()).toString(), SparkJvm.libDir(config.home()) + "/*"), mainClass, args));
        command.addAll(1, jvmOptions);
        ProcessBuilder pb = new ProcessBuilder(command).directory(config.home().toFile())
                .redirectInput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = new HashMap<>(config.env().asMap());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SERVICE_NAME", name);
        env.put("LOG_CONSOLE", "false");
        env.put("LOGS_DIR", config.logsDir().toString());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getInputStream().transferTo(console.stream());
            console.stream().flush();
            int code = p.waitFor();
            if (code != 0) {
                System.err.println("./platform " + name + " failed; " + config.logFile(name) + " has the details.");
            }
            return code;
        } catch (IOException e) {
            throw new PlatformException("Cannot run " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while running " + name, e);
        }
    }
}
