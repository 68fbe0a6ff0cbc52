package io.minidp.processor.lake;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gold layer: business aggregates recomputed from silver. {@code gold.daily_product_sales} has,
 * per day (UTC, of {@code ordered_at}), product and order status: the number of orders, the units
 * and the revenue ({@code quantity * unit_price}), with the product's name and category. It is
 * rewritten whole (an aggregate of the current state is small, and rewriting it cannot drift), with
 * the batch as Delta transaction version, so a replay writes nothing twice.
 */
public final class Gold {

    private static final Logger LOG = LoggerFactory.getLogger(Gold.class);
    public static final String DAILY_PRODUCT_SALES = "daily_product_sales";
    /** The silver tables gold reads: a change in one of them makes gold stale. */
    public static final Set<String> INPUTS = Set.of("orders", "products");
    private static final List<String> ORDER_COLUMNS = List.of("ordered_at", "product_id", "status", "quantity", "total_amount");

    private final SparkSession spark;
    private final LakePaths paths;
    private boolean warned;

    public Gold(SparkSession spark, LakePaths paths) {
        this.spark = spark;
        this.paths = paths;
    }

    /** Recomputes the gold tables from silver; returns whether anything was written. */
    public boolean refresh() {
        String orders = paths.silver("orders");
        if (!DeltaTable.isDeltaTable(spark, orders)) {
            return false;
        }
        Dataset<Row> o = spark.read().format("delta").load(orders);
        if (!List.of(o.columns()).containsAll(ORDER_COLUMNS)) {
            if (!warned) {
                LOG.warn("gold.{} is not computed: silver.orders lacks one of the columns {}", DAILY_PRODUCT_SALES, ORDER_COLUMNS);
                warned = true;
            }
            return false;
        }
        o.createOrReplaceTempView("gold_orders");
        String products = paths.silver("products");
        boolean haveProducts = DeltaTable.isDeltaTable(spark, products)
                && List.of(spark.read().format("delta").load(products).columns()).containsAll(List.of("product_id", "name", "category"));
        if (haveProducts) {
            spark.read().format("delta").load(products).createOrReplaceTempView("gold_products");
        } else {
            spark.sql("SELECT CAST(NULL AS BIGINT) AS product_id, CAST(NULL AS STRING) AS name,"
                    + " CAST(NULL AS STRING) AS category WHERE false").createOrReplaceTempView("gold_products");
        }
        Dataset<Row> daily = spark.sql("""
                SELECT to_date(o.ordered_at) AS order_date, o.product_id, p.name AS product_name, p.category,
                       o.status, count(*) AS orders, sum(o.quantity) AS units, sum(o.total_amount) AS revenue
                FROM gold_orders o LEFT JOIN gold_products p ON p.product_id = o.product_id
                GROUP BY to_date(o.ordered_at), o.product_id, p.name, p.category, o.status
                """);
        daily.write().format("delta").mode(SaveMode.Overwrite)
                .option("overwriteSchema", "true")
                .save(paths.gold(DAILY_PRODUCT_SALES));
        return true;
    }
}
