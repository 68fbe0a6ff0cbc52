package io.minidp.processor.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.processor.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the query service runs and refuses, and how it writes a result; Spark's own parser and engine. */
class QueryStatementsTest {

    private static SparkSession spark;

    @BeforeAll
    static void start(@TempDir Path dir) {
        spark = LocalSpark.builder("query-statements-test", dir)
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.sql.jsonGenerator.ignoreNullFields", "false")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void queriesAndDescribingStatementsRun() {
        for (String sql : List.of(
                "SELECT count(*) FROM silver.orders",
                "select * from silver.orders o join silver.customers c on o.customer_id = c.customer_id where o.id in (select 1)",
                "WITH recent AS (SELECT * FROM bronze.orders WHERE _op = 'u') SELECT count(*) FROM recent",
                "SELECT 1 UNION ALL SELECT 2",
                "SHOW TABLES IN silver",
                "SHOW DATABASES",
                "DESCRIBE silver.orders",
                "DESCRIBE TABLE EXTENDED silver.orders",
                "EXPLAIN SELECT * FROM silver.orders",
                "DESCRIBE HISTORY silver.orders",
                "DESCRIBE DETAIL silver.orders",
                "SHOW COLUMNS IN silver.orders",
                "SHOW TBLPROPERTIES silver.orders")) {
            assertThat(ReadOnly.refusal(spark, sql)).as(sql).isEmpty();
        }
    }

    @Test
    void everyStatementThatWritesOrChangesTheSessionIsRefused() {
        for (String sql : List.of(
                "INSERT INTO silver.orders VALUES (1)",
                "INSERT OVERWRITE silver.orders SELECT * FROM bronze.orders",
                "WITH x AS (SELECT 1) INSERT INTO silver.orders SELECT * FROM x",
                "UPDATE silver.orders SET status = 'x'",
                "DELETE FROM silver.orders WHERE order_id = 1",
                "MERGE INTO silver.orders t USING bronze.orders s ON t.order_id = s.order_id WHEN MATCHED THEN DELETE",
                "CREATE TABLE silver.copy AS SELECT * FROM silver.orders",
                "CREATE TABLE t (a int) USING delta",
                "CREATE VIEW v AS SELECT 1",
                "ALTER TABLE silver.orders ADD COLUMNS (c int)",
                "ALTER TABLE silver.orders SET TBLPROPERTIES ('a' = 'b')",
                "DROP TABLE silver.orders",
                "TRUNCATE TABLE silver.orders",
                "VACUUM silver.orders",
                "OPTIMIZE silver.orders",
                "RESTORE TABLE silver.orders TO VERSION AS OF 1",
                "CREATE TABLE silver.c SHALLOW CLONE silver.orders",
                "CONVERT TO DELTA parquet.`/tmp/x`",
                "REORG TABLE silver.orders APPLY (PURGE)",
                "GENERATE symlink_format_manifest FOR TABLE silver.orders",
                "SET spark.sql.shuffle.partitions = 1",
                "USE silver",
                "CACHE TABLE silver.orders",
                "REFRESH TABLE silver.orders",
                "CREATE DATABASE x",
                "ADD JAR /tmp/x.jar",
                "EXECUTE IMMEDIATE 'DELETE FROM silver.orders'",
                "EXECUTE IMMEDIATE 'SELECT 1'",
                "CALL spark_catalog.system.anything()",
                "CREATE TEMPORARY VIEW v AS SELECT 1",
                "DECLARE VARIABLE x INT",
                "SELECT java_method('java.lang.System', 'exit', 0)",
                "SELECT reflect('java.lang.System', 'getenv', 'S3_SECRET_KEY')",
                "SELECT * FROM silver.orders WHERE order_id IN (SELECT try_reflect('java.lang.Math', 'abs', 1))",
                "SELECT upper(java_method('java.lang.System', 'getenv', 'PATH'))")) {
            assertThat(ReadOnly.refusal(spark, sql)).as(sql).hasValueSatisfying(m ->
                    assertThat(m).startsWith("refused: the lake is read-only here").contains("Only queries run"));
        }
        for (String sql : List.of("SELECT upper(name), count(*) FROM silver.people GROUP BY 1",
                "SELECT * FROM silver.orders WHERE EXISTS (SELECT 1 FROM silver.people p WHERE p.id = 1)")) {
            assertThat(ReadOnly.refusal(spark, sql)).as(sql).isEmpty();
        }
        assertThat(ReadOnly.refusal(spark, "DELETE FROM silver.orders")).get().asString()
                .contains("(the statement is delete from table)");
    }

    @Test
    void aStatementThatDoesNotParseIsLeftToSparkToExplain() {
        assertThat(ReadOnly.refusal(spark, "SELEC 1")).isEmpty();
    }

    @Test
    void aTableIsDrawnAsSparkShowDrawsIt() throws Exception {
        Dataset<Row> df = spark.sql("SELECT 1 AS n, CAST(NULL AS STRING) AS s, 'a,b \"c\"' AS text, X'0A0B' AS bytes,"
                + " array(1, 2) AS xs, named_struct('k', 1, 'v', 'x') AS kv, map('a', 1) AS m,"
                + " TIMESTAMP'2026-12-02 05:00:00.123456' AS at, CAST(12.50 AS DECIMAL(10, 2)) AS price, repeat('z', 120) AS long_text"
                + " UNION ALL SELECT 22222, 'b', '', X'', array(), null, map(), null, null, 'short'");
        String ours = QueryResult.of(df, QueryResult.Format.TABLE, 100).render(QueryResult.Format.TABLE, 0);
        // Spark's own drawing, with the same truncation at 100 characters.
        Object classic = df;
        String sparks = (String) classic.getClass().getMethod("showString", int.class, int.class, boolean.class)
                .invoke(classic, 100, 100, false);
        assertThat(ours).isEqualTo(sparks);
    }

    @Test
    void moreRowsThanTheLimitAreLeftOutAndSaidSo() {
        QueryResult r = QueryResult.of(spark.range(5).toDF("id"), QueryResult.Format.TABLE, 3);
        assertThat(r.truncated()).isTrue();
        assertThat(r.rows()).isEqualTo(3);
        assertThat(r.render(QueryResult.Format.TABLE, 0)).endsWith("|  2|\n+---+\nonly showing top 3 rows\n");
        QueryResult all = QueryResult.of(spark.range(3).toDF("id"), QueryResult.Format.CSV, 3);
        assertThat(all.truncated()).isFalse();
    }

    @Test
    void csvQuotesWhatNeedsItAndLeavesNullEmpty() {
        Dataset<Row> df = spark.sql("SELECT 1 AS id, 'a,b' AS `two words`, 'say \"hi\"' AS q, '' AS empty, CAST(NULL AS INT) AS none");
        assertThat(QueryResult.of(df, QueryResult.Format.CSV, 10).render(QueryResult.Format.CSV, 0))
                .isEqualTo("id,two words,q,empty,none\r\n1,\"a,b\",\"say \"\"hi\"\"\",\"\",\r\n");
    }

    @Test
    void jsonHasTheColumnsTheirTypesAndOneObjectPerRowNullsIncluded() throws Exception {
        Dataset<Row> df = spark.sql("SELECT 7 AS id, CAST(1.50 AS DECIMAL(4, 2)) AS price, CAST(NULL AS STRING) AS note,"
                + " array('x') AS tags");
        String json = QueryResult.of(df, QueryResult.Format.JSON, 10).render(QueryResult.Format.JSON, 12);
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertThat(doc.path("columns").toString()).isEqualTo("[{\"name\":\"id\",\"type\":\"int\"},{\"name\":\"price\","
                + "\"type\":\"decimal(4,2)\"},{\"name\":\"note\",\"type\":\"string\"},{\"name\":\"tags\",\"type\":\"array<string>\"}]");
        assertThat(json).contains("\"rows\":[{\"id\":7,\"price\":1.50,\"note\":null,\"tags\":[\"x\"]}]");
        assertThat(doc.path("truncated").asBoolean()).isFalse();
        assertThat(doc.path("millis").asLong()).isEqualTo(12);
    }

    @Test
    void anUnknownFormatNamesTheThree() {
        assertThatThrownBy(() -> QueryResult.Format.parse("xml")).hasMessage("unknown format 'xml': use table, csv or json");
        assertThat(QueryResult.Format.parse(" JSON ")).isEqualTo(QueryResult.Format.JSON);
    }

    @Test
    void requestParametersAreDecoded() throws Exception {
        assertThat(QueryService.params("sql=SELECT%201%20AS%20n&format=csv")).containsEntry("sql", "SELECT 1 AS n")
                .containsEntry("format", "csv");
        assertThat(QueryService.params(null)).isEmpty();
        assertThatThrownBy(() -> QueryService.params("sql=%zz")).hasMessageStartingWith("the request's parameters are not URL-encoded");
    }

}
