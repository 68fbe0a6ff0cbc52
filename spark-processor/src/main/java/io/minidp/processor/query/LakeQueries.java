package io.minidp.processor.query;

import io.minidp.processor.lake.LakePaths;
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
 * Spark SQL over the lake, read-only: every Delta table by name ({@code bronze.orders},
 * {@code silver.orders}, {@code history.orders}, {@code gold.daily_product_sales}), registered when a statement names it,
 * so a table written since the last statement is found and each statement reads a table's
 * latest version. Used by the query service and by {@code ./platform query} when no service runs.
 */
public final class LakeQueries {

    private static final Pattern TABLE_REF = Pattern.compile("(?i)\\b(bronze|silver|history|gold)\\.(?:`((?:[^`]|``)+)`|(\\w+))");

    /** What a statement gave: its result as text, or why it has none. */
    public record Answer(Outcome outcome, String body, int rows, boolean truncated) {}

    public enum Outcome {
        /** It ran; {@code body} is its result. */
        OK,
        /** It writes, so it was not run; {@code body} says so. */
        REFUSED,
        /** Spark could not run it (a mistyped name, bad syntax); {@code body} has Spark's message and the lake's tables. */
        FAILED
    }

    private final SparkSession spark;
    private final LakePaths paths;
    private final int maxRows;
    /** The databases and tables this session's catalog holds already. */
    private final Set<String> registered = new java.util.HashSet<>();
    private final Set<String> unnamable = new java.util.HashSet<>();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LakeQueries.class);

    public LakeQueries(SparkSession spark, LakePaths paths, int maxRows) {
        this.spark = spark;
        this.paths = paths;
        this.maxRows = maxRows;
    }

    /**
     * Runs {@code sql} unless it writes. Spark's analysis errors (checked in Java terms, and
     * thrown undeclared by Scala) become a FAILED answer; anything else, such as a cancelled or
     * failed job, is thrown.
     */
    public Answer run(String sql, QueryResult.Format format) throws Exception {
        long started = System.nanoTime();
        var refused = ReadOnly.refusal(spark, sql);
        if (refused.isPresent()) {
            return new Answer(Outcome.REFUSED, "error: " + refused.get(), 0, false);
        }
        List<String> named = List.of();
        try {
            named = register(sql);
            QueryResult result = QueryResult.of(spark.sql(sql), format, maxRows);
            return new Answer(Outcome.OK, result.render(format, (System.nanoTime() - started) / 1_000_000),
                    result.rows(), result.truncated());
        } catch (Exception e) {
            if (!(e instanceof AnalysisException)) {
                throw e;
            }
            // A mistyped name or a table not written yet: say so, and what there is.
            return new Answer(Outcome.FAILED, "error: " + e.getMessage().lines().findFirst().orElse(e.getMessage())
                    + "\nThe statement named: " + (named.isEmpty() ? "no table of the lake" : named)
                    + ". The lake's tables: " + tables() + "\n", 0, false);
        }
    }

    /** Every table of the lake, {@code <layer>.<table>}, registered. */
    public List<String> tables() {
        return register("");
    }

    /**
     * Registers the lake's Delta tables that {@code sql} names ({@code <layer>.<table>}) in the
     * session's catalog; every table of the lake when it names none (SHOW TABLES, say).
     * Registering reads a table's log, so only what the statement needs is read. Returns the names.
     */
    synchronized List<String> register(String sql) {
        Set<String> named = new TreeSet<>();
        Matcher m = TABLE_REF.matcher(sql);
        while (m.find()) {
            String table = m.group(2) != null ? m.group(2).replace("``", "`") : m.group(3);
            named.add(m.group(1).toLowerCase(Locale.ROOT) + "." + table.toLowerCase(Locale.ROOT));
        }
        List<String> names = new ArrayList<>();
        for (String layer : LakePaths.LAYERS) {
            if (!registered.contains(layer)) {
                spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
                registered.add(layer);
            }
            for (String table : paths.tables(spark, layer)) {
                // Spark's catalog, like SQL, does not tell names apart by case.
                if (named.isEmpty() || named.contains(layer + "." + table.toLowerCase(Locale.ROOT))) {
                    // Once in the session's catalog, a table is read at its latest version by every statement.
                    if (!registered.contains(layer + "." + table)) {
                        try {
                            spark.sql("CREATE TABLE IF NOT EXISTS " + layer + ".`" + table.replace("`", "``")
                                    + "` USING delta LOCATION '" + paths.table(layer, table).replace("'", "\\'") + "'");
                        } catch (Exception e) {
                            // Spark's session catalog takes only names of letters, digits and _ ("select table"
                            // is a PostgreSQL table name, not one it takes): such a table is left out, said once.
                            if (unnamable.add(layer + "." + table)) {
                                LOG.warn("{}.{} cannot be registered in Spark's catalog ({}); it is left out of the query"
                                        + " service's tables until that works", layer, table,
                                        String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
                            }
                            continue;
                        }
                        registered.add(layer + "." + table);
                    }
                    names.add(layer + "." + table);
                }
            }
        }
        return names;
    }
}
