package io.minidp.runner.fleet;

import io.minidp.engines.kafka.KafkaServer;
import io.minidp.runner.PlatformConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One Kafka node, broker and KRaft controller in one process, its data under the local data folder. */
final class KafkaService implements LocalService {

    private final PlatformConfig config;

    KafkaService(PlatformConfig config) {
        this.config = config;
    }

    private KafkaServer.Settings settings() {
        Path dist = config.home().resolve("kafka-broker/target");
        return new KafkaServer.Settings(dist.resolve("lib"), dist.resolve("config"), config.dataDir().resolve("kafka"),
                config.kafka().firstPort(), config.kafkaControllerPort(), config.kafkaRetentionHours());
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public String address() {
        return config.kafka().bootstrapServers();
    }

    @Override
    public void prepare() {
        KafkaServer.prepare(settings());
    }

    @Override
    public List<String> command() {
        return KafkaServer.command(settings(), "512m");
    }

    @Override
    public boolean healthy() {
        return KafkaServer.answers(config.kafka().bootstrapServers(), Duration.ofSeconds(2));
    }
}
