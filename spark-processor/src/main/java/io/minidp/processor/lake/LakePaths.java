package io.minidp.processor.lake;

import io.minidp.common.lake.LakeLayout;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Where the lake's tables lie under its root ({@code s3a://<bucket>}):
 * {@code bronze/<table>}, {@code silver/<table>}, {@code history/<table>}, {@code gold/<name>}, and {@code bronze/_rejected}
 * for records that could not be decoded.
 *
 * <p>A table keeps its PostgreSQL name exactly; its folder is {@link LakeLayout#folder}.
 */
public record LakePaths(String root) {

    public static final String REJECTED = "_rejected";
    public static final List<String> LAYERS = List.of("bronze", "silver", "history", "gold");

    public String bronze(String table) {
        return table("bronze", table);
    }

    public String silver(String table) {
        return table("silver", table);
    }

    public String history(String table) {
        return table("history", table);
    }

    public String gold(String name) {
        return table("gold", name);
    }

    /**
     * The processor's status (the JSON of {@link LakeStatus}), kept in the lake too, so that the
     * console reads it wherever it runs (in Docker the processor's own files are in its container).
     */
    public String statusObject() {
        return root + "/_platform/processor-status.json";
    }

    public String table(String layer, String name) {
        return root + "/" + layer + "/" + folder(name);
    }

    /** The folder of a table ({@link LakeLayout#folder}). */
    public static String folder(String table) {
        return LakeLayout.folder(table);
    }

    /** The table whose folder is {@code folder}; null when no table's folder has that name. */
    public static String tableOfFolder(String folder) {
        return LakeLayout.tableOfFolder(folder);
    }

    /** The Delta tables of a layer (folders with a _delta_log), by name. */
    public List<String> tables(SparkSession spark, String layer) {
        try {
            Path dir = new Path(root + "/" + layer);
            FileSystem fs = FileSystem.get(URI.create(root), spark.sparkContext().hadoopConfiguration());
            List<String> names = new ArrayList<>();
            if (!fs.exists(dir)) {
                return names;
            }
            for (FileStatus st : fs.listStatus(dir)) {
                String name = tableOfFolder(st.getPath().getName());
                if (name != null && st.isDirectory() && fs.exists(new Path(st.getPath(), "_delta_log"))) {
                    names.add(name);
                }
            }
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw storeFailed("Cannot list the " + layer + " tables under " + root, e);
        }
    }

    /**
     * The id of the Delta table at {@code path}, from the log this process knows: a table made
     * again at the same path has another.
     */
    public static String tableId(SparkSession spark, String path) {
        return org.apache.spark.sql.delta.DeltaLog.forTable(spark, path).unsafeVolatileSnapshot().metadata().id();
    }

    /** Whether anything exists at {@code location}. */
    public static boolean exists(SparkSession spark, String location) {
        try {
            Path p = new Path(location);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
            throw storeFailed("Cannot check " + location, e);
        }
    }

    /**
     * An object store that failed (away, or refusing): a problem of the platform's, said with what
     * to look at, not a bug. {@code what} says what was being done and where.
     */
    public static io.minidp.common.app.PlatformException storeFailed(String what, IOException e) {
        return new io.minidp.common.app.PlatformException(what + ": " + e.getMessage() + ". Is the object store at"
                + " S3_ENDPOINT up, and are S3_ACCESS_KEY and S3_SECRET_KEY its keys? (./platform status)", e);
    }
}
