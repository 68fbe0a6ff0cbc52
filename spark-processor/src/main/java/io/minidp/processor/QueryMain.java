package io.minidp.processor;

import io.minidp.common.app.ServiceMain;
import io.minidp.processor.lake.LakePaths;
import io.minidp.processor.lake.LakeSession;
import io.minidp.processor.query.LakeQueries;
import io.minidp.processor.query.QueryResult;
import io.minidp.processor.query.QuerySettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./platform query "SELECT ..."} when no query service answers: the same read-only SQL
 * over the lake ({@link LakeQueries}) in a Spark of its own, started for one statement. Prints
 * the result on standard output; arguments: the statement, then the format (table, csv, json).
 */
public final class QueryMain {

    private QueryMain() {}

    public static void main(String[] args) {
        ServiceMain.run("query", QuerySettings::forOneStatement, settings -> {
            if (args.length < 1 || args.length > 2 || args[0].isBlank()) {
                System.err.println("Usage: ./platform query [--format table|csv|json] \"SELECT count(*) FROM silver.orders\"");
                return 64;
            }
            QueryResult.Format format = QueryResult.Format.parse(args.length == 2 ? args[1] : "table");
            URI store = settings.lake().s3().endpoint();
            if (!answers(store)) {
                // Standard error, not only the log: the runner keeps the query's log off the console.
                System.err.println("error: the object store at " + store + " does not answer."
                        + " Is the platform up (./platform status)? Check S3_ENDPOINT.");
                return 1;
            }
            SparkSession spark = LakeSession.forQuery(settings.lake());
            try {
                LakeQueries.Answer a = new LakeQueries(spark, new LakePaths(settings.lake().lakeRoot()), settings.maxRows())
                        .run(args[0], format);
                if (a.outcome() == LakeQueries.Outcome.OK) {
                    System.out.print(a.body());
                    System.out.flush();
                    return 0;
                }
                System.err.print(a.body().endsWith("\n") ? a.body() : a.body() + "\n");
                return 1;
            } finally {
                spark.stop();
            }
        });
    }

    private static boolean answers(URI endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
