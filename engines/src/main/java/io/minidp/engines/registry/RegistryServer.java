package io.minidp.engines.registry;

import io.minidp.common.app.PlatformException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the schema registry runs locally: the Apicurio application built by the schema-registry
 * module, listening on 127.0.0.1, keeping its schemas in an H2 file so they survive restarts, with
 * the Confluent-compatible API's canonical hashing on (a schema that differs only in whitespace
 * keeps its id).
 */
public final class RegistryServer {


    private RegistryServer() {}

    public static Path jar(Path home) {
        return home.resolve("schema-registry/target/schema-registry-runner.jar");
    }

    public static List<String> command(Path home, String heap) {
        Path jar = jar(home);
        if (!Files.isRegularFile(jar)) {
            throw new PlatformException(jar + " is missing. Build it with ./mvnw -DskipTests package.");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-jar", jar.toString());
    }

    public static Map<String, String> environment(int port, Path dataDir) {
        return Map.of(
                "HTTP_PORT", Integer.toString(port),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + dataDir.resolve("registry").toAbsolutePath(),
                "ENABLE_CCOMPAT_CANONICAL_HASH_MODE", "true",
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** True when the registry reports itself ready. */
    public static boolean ready(String baseUrl) {
        return io.minidp.common.app.HttpProbe.ok(URI.create(baseUrl + "/health/ready"), Duration.ofSeconds(2));
    }
}
