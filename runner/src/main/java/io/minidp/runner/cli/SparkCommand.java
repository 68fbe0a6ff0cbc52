package io.minidp.runner.cli;

import io.minidp.common.app.PlatformException;
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

    private SparkCommand() {}

    /** A statement in a Spark of its own (no query service answers): slower, the same answer. */
    public static int query(PlatformConfig config, String sql, String format, Console console) {
        return run(config, "query", "io.minidp.processor.QueryMain", List.of(sql, format), console);
    }

    /**
     * Compares the named tables of PostgreSQL's public schema with the lake; all of them when none
     * are named. Its JVM compiles with C1 only: verify lives a few minutes and runs each kind of
     * Spark job a few times, so C2's optimised code arrives after most of the work is done, and on
     * a busy machine its compiling takes the CPU the comparison needs (measured: 121-125 s against
     * 166-177 s for the shop's tables with the generator running; docs/performance.md).
     */
    public static int verify(PlatformConfig config, List<String> tables, Console console) {
        return run(config, "verify", "io.minidp.processor.verify.VerifyMain", List.of("-XX:TieredStopAtLevel=1"), tables,
                console);
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
