package io.minidp.processor.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Where the lake's tables lie under its root ({@code s3a://<bucket>}):
 * {@code bronze/<table>}, {@code silver/<table>}, {@code gold/<name>}, and {@code bronze/_rejected}
 * for records that could not be decoded.
 *
 * <p>A table keeps its PostgreSQL name exactly ({@code MixedCase}, {@code my table}); its folder
 * is that name with every character but ASCII letters, digits and {@code _} written as {@code -}
 * and four hex digits ({@code my-0020table}), since object stores and Hadoop paths take spaces,
 * colons and percent signs badly. The folder name maps back to exactly one table name.
 */
public record LakePaths(String root) {

    public static final String REJECTED = "_rejected";
    public static final List<String> LAYERS = List.of("bronze", "silver", "gold");

    public String bronze(String table) {
        return table("bronze", table);
    }

    public String silver(String table) {
        return table("silver", table);
    }

    public String gold(String name) {
        return table("gold", name);
    }

    public String table(String layer, String name) {
        return root + "/" + layer + "/" + folder(name);
    }

    /** The folder of a table (see the class comment). */
    public static String folder(String table) {
        StringBuilder sb = new StringBuilder(table.length());
        for (char ch : table.toCharArray()) {
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_') {
                sb.append(ch);
            } else {
                sb.append('-').append(String.format("%04x", (int) ch));
            }
        }
        return sb.toString();
    }

    /** The table whose folder is {@code folder}; null when no table's folder has that name. */
    public static String tableOfFolder(String folder) {
        StringBuilder sb = new StringBuilder(folder.length());
        for (int i = 0; i < folder.length(); i++) {
            char ch = folder.charAt(i);
            if (ch != '-') {
                sb.append(ch);
                continue;
            }
            if (i + 5 > folder.length() || !folder.substring(i + 1, i + 5).matches("[0-9a-f]{4}")) {
                return null;
            }
            sb.append((char) Integer.parseInt(folder.substring(i + 1, i + 5), 16));
            i += 4;
        }
        return sb.toString();
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
            throw new UncheckedIOException("Cannot list the " + layer + " tables under " + root + ": " + e.getMessage(), e);
        }
    }

    /** Whether anything exists at {@code location}. */
    public static boolean exists(SparkSession spark, String location) {
        try {
            Path p = new Path(location);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check " + location + ": " + e.getMessage(), e);
        }
    }
}
