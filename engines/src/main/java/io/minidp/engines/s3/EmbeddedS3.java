package io.minidp.engines.s3;

import io.minidp.common.config.S3Config;
import io.minidp.common.config.Secret;
import io.minidp.engines.kafka.EmbeddedKafka;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.process.EmbeddedEngine;
import io.minidp.engines.process.LocalProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The real S3 server (S3Proxy over a folder) for integration tests, on a free loopback port, with one bucket. */
public final class EmbeddedS3 extends EmbeddedEngine {

    private final S3Config config;
    private final Path dataDir;
    private final Path log;

    private EmbeddedS3(S3Config config, Path dataDir, Path log) {
        this.config = config;
        this.dataDir = dataDir;
        this.log = log;
    }

    public static EmbeddedS3 start(Path workDir, String bucket) {
        S3Config s3 = new S3Config(URI.create("http://127.0.0.1:" + EmbeddedPostgres.freePort()), "it-access",
                new Secret("it-secret-key"), bucket);
        EmbeddedS3 server = new EmbeddedS3(s3, workDir.resolve("s3"), workDir.resolve("s3.log"));
        S3Server.prepare(s3, server.dataDir);
        server.startAgain();
        return server;
    }

    @Override
    protected LocalProcess launch() {
        return LocalProcess.startReady("The S3 server", S3Server.command(EmbeddedKafka.home(), dataDir, "256m"),
                Map.of(), log, Duration.ofSeconds(60), () -> S3Server.answers(config.endpoint()));
    }

    public S3Config config() {
        return config;
    }
}
