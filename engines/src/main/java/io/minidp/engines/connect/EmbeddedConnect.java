package io.minidp.engines.connect;

import io.minidp.engines.kafka.EmbeddedKafka;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.process.EmbeddedEngine;
import io.minidp.engines.process.LocalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real Connect worker with our plugins, for integration tests; it can be stopped and started again. */
public final class EmbeddedConnect extends EmbeddedEngine {

    private final ConnectServer.Settings settings;
    private final Path log;

    private EmbeddedConnect(ConnectServer.Settings settings, Path log) {
        this.settings = settings;
        this.log = log;
    }

    public static EmbeddedConnect start(Path workDir, String bootstrapServers) {
        ConnectServer.Settings s = new ConnectServer.Settings(EmbeddedKafka.home(), workDir.resolve("connect"),
                bootstrapServers, EmbeddedPostgres.freePort(), "it-connect");
        ConnectServer.prepare(s);
        EmbeddedConnect connect = new EmbeddedConnect(s, workDir.resolve("connect.log"));
        connect.startAgain();
        return connect;
    }

    @Override
    protected LocalProcess launch() {
        return LocalProcess.startReady("Kafka Connect", ConnectServer.command(settings, "512m"), Map.of(), log,
                Duration.ofSeconds(120), () -> ConnectServer.ready(url()));
    }

    public String url() {
        return "http://127.0.0.1:" + settings.restPort();
    }
}
