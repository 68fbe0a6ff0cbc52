package io.minidp.processor;

import io.minidp.common.app.ServiceMain;
import io.minidp.processor.lake.LakePaths;
import io.minidp.processor.lake.LakeSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./platform query "SELECT ..."}: Spark SQL over the lake, with every Delta table registered
 * by name ({@code bronze.orders}, {@code silver.orders}, {@code gold.daily_product_sales}). Prints
 * the result as a table on standard output.
 */
public final class QueryMain {

    private static final int MAX_ROWS = 10_000;
    private static final Pattern TABLE_REF = Pattern.compile("(?i)\\b(bronze|silver|gold)\\.(?:`((?:[^`]|``)+)`|(\\w+))");

    private QueryMain() {}

    public static void main(String[] args) {
        ServiceMain.run("query", ProcessorSettings::read, settings -> {
            if (args.length != 1 || args[0].isBlank()) {
                System.err.println("Usage: ./platform query \"SELECT count(*) FROM silver.orders\"");
                return 64;
            }
            if (!answers(settings.s3().endpoint())) {
                // Standard error, not only the log: the runner keeps the query's log off the console.
                System.err.println("error: the object store at " + settings.s3().endpoint() + " does not answer."
                        + " Is the platform up (./platform status)? Check S3_ENDPOINT.");
                return 1;
            }
            SparkSession spark = LakeSession.forQuery(settings);
            try {
                List<String> tables = register(spark, new LakePaths(settings.lakeRoot()), args[0]);
                try {
                    spark.sql(args[0]).show(MAX_ROWS, 100, false);
                } catch (Exception e) {
                    if (!(e instanceof AnalysisException)) {
                        throw e;
                    }
                    // A mistyped name or a table not written yet: say so, and what there is.
                    System.err.println("error: " + e.getMessage().lines().findFirst().orElse(e.getMessage()));
                    System.err.println("The query named: " + (tables.isEmpty() ? "no table of the lake" : tables)
                            + ". The lake's tables: " + register(spark, new LakePaths(settings.lakeRoot()), ""));
                    return 1;
                }
                return 0;
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

    /**
     * Registers the lake's Delta tables that {@code sql} names ({@code <layer>.<table>}) in the
     * session's catalog; every table of the lake when the query names none (SHOW TABLES, say).
     * Registering reads a table's log, so only what the query needs is read. Returns the names.
     */
    public static List<String> register(SparkSession spark, LakePaths paths, String sql) {
        Set<String> named = new TreeSet<>();
        Matcher m = TABLE_REF.matcher(sql);
        while (m.find()) {
            String table = m.group(2) != null ? m.group(2).replace("``", "`") : m.group(3);
            named.add(m.group(1).toLowerCase(Locale.ROOT) + "." + table.toLowerCase(Locale.ROOT));
        }
        List<String> names = new ArrayList<>();
        for (String layer : LakePaths.LAYERS) {
            spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
            for (String table : paths.tables(spark, layer)) {
                // Spark's catalog, like SQL, does not tell names apart by case.
                if (named.isEmpty() || named.contains(layer + "." + table.toLowerCase(Locale.ROOT))) {
                    spark.sql("CREATE TABLE IF NOT EXISTS " + layer + ".`" + table.replace("`", "``")
                            + "` USING delta LOCATION '" + paths.table(layer, table).replace("'", "\\'") + "'");
                    names.add(layer + "." + table);
                }
            }
        }
        return names;
    }
}
