package io.minidp.engines.registry;

import io.minidp.common.app.PlatformException;
import io.minidp.engines.kafka.EmbeddedKafka;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.process.LocalProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The real schema registry for integration tests, on a free loopback port; it can be stopped and started again. */
public final class EmbeddedRegistry implements AutoCloseable {

    private final int port;
    private final Path dataDir;
    private final Path log;
    private LocalProcess process;

    private EmbeddedRegistry(int port, Path dataDir, Path log) {
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    public static EmbeddedRegistry start(Path workDir) {
        EmbeddedRegistry registry = new EmbeddedRegistry(EmbeddedPostgres.freePort(), workDir.resolve("registry"),
                workDir.resolve("registry.log"));
        registry.startAgain();
        return registry;
    }

    public void startAgain() {
        if (process != null && process.isAlive()) {
            return;
        }
        Map<String, String> env = new HashMap<>(RegistryServer.environment(port, dataDir));
        process = LocalProcess.start("the schema registry", RegistryServer.command(EmbeddedKafka.home(), "256m"), env, log);
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!RegistryServer.ready(url())) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.stop("KILL");
                throw new PlatformException("The schema registry did not start within 90 s; see " + log);
            }
            sleep();
        }
    }

    /** The base URL; the Confluent-compatible API is under /apis/ccompat/v7. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public void stop() {
        if (process != null) {
            process.stop("TERM");
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while waiting for the schema registry", e);
        }
    }
}
