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
}
