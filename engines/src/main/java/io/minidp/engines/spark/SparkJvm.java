package io.minidp.engines.spark;

import io.minidp.common.app.PlatformException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a Spark JVM is started from the Maven build (no Spark distribution): the spark-processor
 * module's jars as the classpath, the module flags Spark needs on Java 17 (spark-launcher's
 * JavaModuleOptions), and, for a standalone worker, a SPARK_HOME it can launch executors from.
 */
public final class SparkJvm {

    /** The options spark-submit would add on Java 17+. */
    public static final List<String> MODULE_OPTIONS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    private SparkJvm() {}

    /** The folder of Spark's (and the processor's) jars, as the spark-processor build leaves it. */
    public static Path libDir(Path home) {
        Path lib = home.resolve("spark-processor/target/lib");
        if (!Files.isDirectory(lib)) {
            throw new PlatformException(lib + " is missing. Build it with ./mvnw -DskipTests package.");
        }
        return lib;
    }

    /** The processor's own jar. */
    public static Path processorJar(Path home) {
        Path jar = home.resolve("spark-processor/target/spark-processor.jar");
        if (!Files.isRegularFile(jar)) {
            throw new PlatformException(jar + " is missing. Build it with ./mvnw -DskipTests package.");
        }
        return jar;
    }

    /** {@code java} with the module flags, {@code heap}, and the classpath {@code jars} (joined with ':'). */
    public static List<String> java(String heap, List<String> classpath, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(MODULE_OPTIONS);
        cmd.add("-cp");
        cmd.add(String.join(":", classpath));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * A SPARK_HOME for a standalone worker under {@code dir}: a RELEASE file and {@code jars} linking
     * to the build's jars. The worker starts executors with {@code java -cp $SPARK_HOME/jars/*}.
     */
    public static Path sparkHome(Path home, Path dir) {
        try {
            Path sparkHome = dir.resolve("spark-home");
            Files.createDirectories(sparkHome);
            Files.writeString(sparkHome.resolve("RELEASE"), "Spark from the Maven build of mini-data-platform\n");
            Path jars = sparkHome.resolve("jars");
            Files.deleteIfExists(jars);
            Files.createSymbolicLink(jars, libDir(home).toAbsolutePath());
            return sparkHome;
        } catch (IOException e) {
            throw new PlatformException("Cannot prepare a SPARK_HOME under " + dir + ": " + e.getMessage(), e);
        }
    }
}
