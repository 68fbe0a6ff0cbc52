package io.minidp.processor;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** A local Spark for unit tests: one thread, no UI, UTC, its scratch space under a test's folder. */
public final class LocalSpark {

    private LocalSpark() {}

    public static SparkSession.Builder builder(String appName, Path dir) {
        return SparkSession.builder().master("local[1]").appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString())
                .config("spark.local.dir", dir.resolve("tmp").toString());
    }

    /** As {@link #builder}, with Delta, and new tables made as the processor makes them (columns by name, no deletion vectors). */
    public static SparkSession.Builder delta(String appName, Path dir) {
        return builder(appName, dir)
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.databricks.delta.properties.defaults.columnMapping.mode", "name")
                .config("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false");
    }
}
