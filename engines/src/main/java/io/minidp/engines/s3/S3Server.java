package io.minidp.engines.s3;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.S3Config;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * How the local S3 server runs: S3Proxy (built by the s3-server module) serving the S3 API on
 * 127.0.0.1 over a folder, with the keys from .env and signature v2 or v4. With the filesystem
 * backend a bucket is a folder, so creating the bucket's folder before start creates the bucket.
 */
public final class S3Server {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private S3Server() {}

    /** Writes s3proxy.properties and the bucket's folder under {@code dataDir}; returns the properties file. */
    public static Path prepare(S3Config s3, Path dataDir) {
        try {
            Path store = dataDir.resolve("buckets");
            Files.createDirectories(store.resolve(s3.bucket()));
            Properties p = new Properties();
            p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + s3.endpoint().getPort());
            p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
            p.setProperty("s3proxy.identity", s3.accessKey());
            p.setProperty("s3proxy.credential", s3.secretKey().value());
            p.setProperty("jclouds.provider", "filesystem-nio2");
            p.setProperty("jclouds.filesystem.basedir", store.toAbsolutePath().toString());
            Path file = dataDir.resolve("s3proxy.properties");
            try (var out = Files.newBufferedWriter(file)) {
                p.store(out, "Written by the local runner from .env; edits are overwritten.");
            }
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new PlatformException("Cannot prepare the S3 server's folder " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public static List<String> command(Path home, Path dataDir, String heap) {
        Path jar = home.resolve("s3-server/target/s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new PlatformException(jar + " is missing. Build it with ./mvnw -DskipTests package.");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-XX:+UseSerialGC", "-jar", jar.toString(), "--properties", dataDir.resolve("s3proxy.properties").toString());
    }

    /** True when the server answers HTTP at all: an anonymous request is refused, and that is an answer. */
    public static boolean answers(URI endpoint) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() > 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
