package io.minidp.processor.console;

import io.minidp.common.cdc.CdcTopics;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.KafkaConfig;
import io.minidp.common.config.PostgresConfig;
import io.minidp.common.config.RegistryConfig;
import io.minidp.common.config.Settings;
import io.minidp.processor.ProcessorSettings;
import java.net.URI;

/**
 * What the console shows and where it serves: it listens beside the query service, on the same
 * address (QUERY_BIND), and asks each part of the platform for its state.
 *
 * @param port       CONSOLE_PORT
 * @param postgres   the database (its replication slots, its writes)
 * @param kafka      the broker (topics' ends, the consumer's group, the dead letters)
 * @param registry   the schema registry
 * @param connectUrl Kafka Connect's REST API
 * @param connector  the Debezium connector's name
 * @param slot       its replication slot
 * @param topics     the change topics' prefix
 * @param consumerGroup the kafka-consumer's group
 * @param deadLetters the dead-letter topic
 * @param checkpoint the processor's streaming checkpoint (its offsets)
 */
public record ConsoleSettings(int port, PostgresConfig postgres, KafkaConfig kafka, RegistryConfig registry, URI connectUrl,
                              String connector, String slot, CdcTopics topics, String consumerGroup, String deadLetters,
                              String checkpoint) {

    /** Read beside the query service's settings: {@code lake} is theirs. */
    public static ConsoleSettings read(ConfigReader r, ProcessorSettings lake) {
        CdcTopics topics = CdcTopics.read(r);
        return new ConsoleSettings(
                r.port(Settings.CONSOLE_PORT),
                PostgresConfig.read(r),
                KafkaConfig.read(r),
                RegistryConfig.read(r),
                r.parsed(Settings.KAFKA_CONNECT_URL, RegistryConfig::httpUrl, URI.create("http://invalid:1")),
                r.string(Settings.CDC_CONNECTOR_NAME).strip(),
                r.string(Settings.CDC_SLOT).strip(),
                topics,
                r.parsed(Settings.CONSUMER_GROUP_ID, KafkaConfig::name, ""),
                r.parsed(Settings.CONSUMER_DLQ_TOPIC, topics.deadLetters(), KafkaConfig::name, ""),
                ProcessorSettings.checkpoint(r, lake.s3()));
    }
}
