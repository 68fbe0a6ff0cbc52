package io.minidp.processor.query;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;

/**
 * Whether a statement only reads. The lake is written by the processor alone: a statement that
 * writes (INSERT, UPDATE, DELETE, MERGE, CREATE, ALTER, DROP, VACUUM...) or changes the shared
 * session (SET, USE, CACHE...) is refused before it runs. Decided on the statement's parsed plan,
 * not its text: a read is a plan without any command, or one of the commands that only describe
 * (SHOW, DESCRIBE, EXPLAIN, Delta's DESCRIBE HISTORY and DETAIL).
 */
public final class ReadOnly {

    /** The root commands that only read, by their plan's class name. */
    private static final Set<String> DESCRIBING = Set.of(
            "ShowTables", "ShowTablesExtended", "ShowTablePartition", "ShowNamespaces", "ShowColumns", "ShowViews",
            "ShowFunctions", "ShowPartitions", "ShowNamespacesCommand", "ShowTableProperties", "ShowCreateTable", "ShowCatalogs",
            "ShowCurrentNamespace", "ShowCurrentNamespaceCommand", "DescribeRelation", "DescribeColumn",
            "DescribeNamespace", "DescribeFunction", "ExplainCommand", "DescribeDeltaHistory",
            "DescribeDeltaDetailCommand", "DescribeDeltaDetail");

    private ReadOnly() {}

    /**
     * Why {@code sql} is refused, or empty when it only reads. A statement that does not parse is
     * not judged here: Spark's own message says what is wrong with it when it runs.
     */
    public static Optional<String> refusal(SparkSession spark, String sql) {
        LogicalPlan plan;
        try {
            plan = spark.sessionState().sqlParser().parsePlan(sql);
        } catch (org.apache.spark.sql.catalyst.parser.ParseException | RuntimeException e) {
            return Optional.empty();
        }
        String root = plan.getClass().getSimpleName();
        if (DESCRIBING.contains(root)) {
            return Optional.empty();
        }
        Deque<LogicalPlan> todo = new ArrayDeque<>();
        todo.push(plan);
        while (!todo.isEmpty()) {
            LogicalPlan p = todo.pop();
            if (p instanceof Command || p instanceof ParsedStatement || writes(p)) {
                return Optional.of("refused: the lake is read-only here (the statement is " + describe(p)
                        + "). Only queries run: SELECT, WITH, SHOW, DESCRIBE, EXPLAIN. The processor alone writes the"
                        + " lake; change the data in PostgreSQL and it follows.");
            }
            scala.jdk.javaapi.CollectionConverters.asJava(p.children()).forEach(todo::push);
        }
        return Optional.empty();
    }

    /**
     * Plans of Delta's own statements (VACUUM, RESTORE, CLONE...) and other statements a parser
     * extension adds, which need not be Spark commands: none of them is a query.
     */
    private static boolean writes(LogicalPlan p) {
        String name = p.getClass().getName();
        return name.endsWith("Statement") || name.startsWith("org.apache.spark.sql.delta.") || name.startsWith("io.delta.");
    }

    /** A plan's class as words: {@code DeleteFromTable} becomes "delete from table". */
    private static String describe(LogicalPlan p) {
        String name = p.getClass().getSimpleName().replaceAll("(Command|Statement)$", "");
        return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }
}
