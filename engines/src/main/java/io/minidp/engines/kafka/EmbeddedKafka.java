package io.minidp.engines.kafka;

import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.process.EmbeddedEngine;
import io.minidp.engines.process.LocalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real single-node KRaft Kafka for integration tests, built by the kafka-broker module, on free
 * loopback ports; it can be stopped and started again on the same data.
 */
public final class EmbeddedKafka extends EmbeddedEngine {

    private final KafkaServer.Settings settings;
    private final Path log;

    private EmbeddedKafka(KafkaServer.Settings settings, Path log) {
        this.settings = settings;
        this.log = log;
    }

    /** The repository root, which tests get as the system property minidp.home. */
    public static Path home() {
        return Path.of(System.getProperty("minidp.home", "..")).toAbsolutePath().normalize();
    }

    public static EmbeddedKafka start(Path workDir) {
        Path dist = home().resolve("kafka-broker/target");
        KafkaServer.Settings s = new KafkaServer.Settings(dist.resolve("lib"), dist.resolve("config"),
                workDir.resolve("kafka"), EmbeddedPostgres.freePort(), EmbeddedPostgres.freePort(), -1);
        KafkaServer.prepare(s);
        EmbeddedKafka kafka = new EmbeddedKafka(s, workDir.resolve("kafka.log"));
        kafka.startAgain();
        return kafka;
    }

    @Override
    protected LocalProcess launch() {
        return LocalProcess.startReady("Kafka", KafkaServer.command(settings, "384m"), Map.of(), log,
                Duration.ofSeconds(60), () -> KafkaServer.answers(bootstrapServers(), Duration.ofSeconds(2)));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + settings.port();
    }
}
