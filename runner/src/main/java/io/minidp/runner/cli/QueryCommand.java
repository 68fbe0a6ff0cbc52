package io.minidp.runner.cli;

import io.minidp.common.app.PlatformException;
import io.minidp.runner.PlatformConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./platform query [--format table|csv|json] "<statement>"}: read-only Spark SQL over the
 * lake. The platform's query service answers it in about a second; when none answers (the
 * platform is down, or was started without it), a Spark of its own runs the statement instead.
 */
public final class QueryCommand {

    private static final Set<String> FORMATS = Set.of("table", "csv", "json");
    private static final String USAGE = "Usage: ./platform query [--format table|csv|json] \"SELECT count(*) FROM silver.orders\"";

    private QueryCommand() {}

    public static int run(PlatformConfig config, List<String> args, Console console) {
        List<String> rest = new ArrayList<>(args);
        String format = "table";
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.equals("--format") || a.startsWith("--format=")) {
                if (a.equals("--format")) {
                    if (i + 1 >= rest.size()) {
                        throw new PlatformException("--format needs a value: table, csv or json. " + USAGE);
                    }
                    format = rest.remove(i + 1);
                } else {
                    format = a.substring("--format=".length());
                }
                rest.remove(i);
                i--;
            }
        }
        format = format.strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new PlatformException("Unknown format '" + format + "': use table, csv or json. " + USAGE);
        }
        if (rest.size() != 1 || rest.get(0).isBlank()) {
            throw new PlatformException(USAGE);
        }
        String sql = rest.get(0);
        URI service = config.query().uri();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        if (!io.minidp.common.app.HttpProbe.ok(service.resolve("/health"), Duration.ofSeconds(3))) {
            System.err.println("The query service does not answer at " + service + " (./platform up starts it);"
                    + " running the statement in a Spark of its own, which takes half a minute.");
            return SparkCommand.query(config, sql, format, console);
        }
        HttpRequest request = HttpRequest.newBuilder(service.resolve("/query?format=" + URLEncoder.encode(format, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(config.query().timeoutSeconds() + 30L))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 200) {
                console.stream().print(response.body());
                console.stream().flush();
                return 0;
            }
            if (response.statusCode() == 403) {
                // Refused: the user's mistake, said as every other one is ("error: ..."), exit 1.
                throw new PlatformException(response.body().strip().replaceFirst("^error: ", ""));
            }
            // Spark could not run it (a table not written yet, say), or it was cancelled: exit 1, as a
            // query in a Spark of its own does, so that a caller may try again.
            System.err.print(response.body().endsWith("\n") ? response.body() : response.body() + "\n");
            return 1;
        } catch (IOException e) {
            throw new PlatformException("The query service at " + service + " stopped answering (" + e.getMessage()
                    + "); logs/query-service.log says why. ./platform status shows whether it runs.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while waiting for the query service at " + service, e);
        }
    }
}
