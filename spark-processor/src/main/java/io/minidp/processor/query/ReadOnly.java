package io.minidp.processor.query;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;

/**
 * Whether a statement only reads. The lake is written by the processor alone: a statement that
 * writes (INSERT, UPDATE, DELETE, MERGE, CREATE, ALTER, DROP, VACUUM...) or changes the shared
 * session (SET, USE, CACHE...) is refused before it runs, and so is one that runs another statement
 * given as a string (EXECUTE IMMEDIATE) or calls Java methods (reflect, java_method). Decided on the
 * statement's parsed plan, not its text: a read is a plan without any command (subqueries
 * included), or one of the commands that only describe (SHOW, DESCRIBE, EXPLAIN, Delta's DESCRIBE
 * HISTORY and DETAIL).
 */
public final class ReadOnly {

    /** The root commands that only read, by their plan's class name. */
    private static final Set<String> DESCRIBING = Set.of(
            "ShowTables", "ShowTablesExtended", "ShowTablePartition", "ShowNamespaces", "ShowColumns", "ShowViews",
            "ShowFunctions", "ShowPartitions", "ShowNamespacesCommand", "ShowTableProperties", "ShowCreateTable", "ShowCatalogs",
            "ShowCurrentNamespace", "ShowCurrentNamespaceCommand", "DescribeRelation", "DescribeColumn",
            "DescribeNamespace", "DescribeFunction", "ExplainCommand", "DescribeDeltaHistory",
            "DescribeDeltaDetailCommand", "DescribeDeltaDetail");

    /** Plans that run a statement given as data (which this check never sees) or a procedure. */
    private static final Set<String> RUNS_OTHER_STATEMENTS = Set.of("UnresolvedExecuteImmediate", "ExecuteImmediateQuery",
            "ExecuteImmediateCommands", "Call", "CompoundBody", "SingleStatement");
    /** Functions that call any Java method: System.exit, System.getenv (the store's keys)... */
    private static final Set<String> UNSAFE_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");
    private static final String REFUSED = "refused: the lake is read-only here";
    private static final String ONLY = "Only queries run: SELECT, WITH, SHOW, DESCRIBE, EXPLAIN. The processor alone"
            + " writes the lake; change the data in PostgreSQL and it follows.";

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
                return Optional.of(REFUSED + " (the statement is " + describe(p) + "). " + ONLY);
            }
            Deque<Expression> expressions = new ArrayDeque<>(scala.jdk.javaapi.CollectionConverters.asJava(p.expressions()));
            while (!expressions.isEmpty()) {
                Expression e = expressions.pop();
                if (e instanceof UnresolvedFunction f) {
                    String name = scala.jdk.javaapi.CollectionConverters.asJava(f.nameParts()).stream()
                            .reduce((a, b) -> b).orElse("").toLowerCase(java.util.Locale.ROOT);
                    if (UNSAFE_FUNCTIONS.contains(name)) {
                        return Optional.of(REFUSED + " (" + name + " calls Java methods in the service). " + ONLY);
                    }
                }
                if (e instanceof SubqueryExpression sub) {
                    todo.push(sub.plan());
                }
                expressions.addAll(scala.jdk.javaapi.CollectionConverters.asJava(e.children()));
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
        return name.endsWith("Statement") || name.startsWith("org.apache.spark.sql.delta.") || name.startsWith("io.delta.")
                || RUNS_OTHER_STATEMENTS.contains(p.getClass().getSimpleName());
    }

    /** A plan's class as words: {@code DeleteFromTable} becomes "delete from table". */
    private static String describe(LogicalPlan p) {
        String name = p.getClass().getSimpleName().replaceAll("(Command|Statement)$", "");
        return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }
}
