package io.minidp.engines.registry;

import io.minidp.engines.kafka.EmbeddedKafka;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.process.EmbeddedEngine;
import io.minidp.engines.process.LocalProcess;
import java.nio.file.Path;
import java.time.Duration;

/** The real schema registry for integration tests, on a free loopback port; it can be stopped and started again. */
public final class EmbeddedRegistry extends EmbeddedEngine {

    private final int port;
    private final Path dataDir;
    private final Path log;

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

    @Override
    protected LocalProcess launch() {
        return LocalProcess.startReady("The schema registry", RegistryServer.command(EmbeddedKafka.home(), "256m"),
                RegistryServer.environment(port, dataDir), log, Duration.ofSeconds(90), () -> RegistryServer.ready(url()));
    }

    /** The base URL; the Confluent-compatible API is under /apis/ccompat/v7. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }
}
