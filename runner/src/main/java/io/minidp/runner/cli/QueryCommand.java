package io.minidp.runner.cli;

import io.minidp.common.app.PlatformException;
import io.minidp.engines.spark.SparkJvm;
import io.minidp.runner.PlatformConfig;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./platform query "SELECT ..."}: Spark SQL over the lake, run by the processor's jar in a
 * process of its own (Spark local, no UI) so that the runner stays small. Its logs go to
 * logs/query.log; the result is printed on the runner's console.
 */
public final class QueryCommand {

    private QueryCommand() {}

    public static int run(PlatformConfig config, String sql, Console console) {
        List<String> command = SparkJvm.java("1g", List.of(SparkJvm.processorJar(config.home()).toString(),
                SparkJvm.libDir(config.home()) + "/*"), "io.minidp.processor.QueryMain", List.of(sql));
        ProcessBuilder pb = new ProcessBuilder(command).directory(config.home().toFile())
                .redirectInput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = new HashMap<>(config.env().asMap());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SERVICE_NAME", "query");
        env.put("LOG_CONSOLE", "false");
        env.put("LOGS_DIR", config.logsDir().toString());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getInputStream().transferTo(console.stream());
            console.stream().flush();
            int code = p.waitFor();
            if (code != 0) {
                System.err.println("The query failed; see " + config.logFile("query") + " for the details.");
            }
            return code;
        } catch (IOException e) {
            throw new PlatformException("Cannot run the query: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while running the query", e);
        }
    }
}
