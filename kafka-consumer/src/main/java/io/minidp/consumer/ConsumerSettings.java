package io.minidp.consumer;

import io.minidp.common.cdc.CdcTopics;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.KafkaConfig;
import io.minidp.common.config.RegistryConfig;
import io.minidp.common.config.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The consumer's settings.
 *
 * @param topicPrefix     Debezium's topic prefix: the CDC topics are {@code <prefix>.<schema>.<table>}
 * @param deadLetterTopic where undecodable and invalid changes go, with the reason in headers
 * @param logEvents       which decoded changes to log: all, a sample (at most 20 per table per second), or none
 */
public record ConsumerSettings(KafkaConfig kafka, RegistryConfig registry, String topicPrefix, String groupId,
                               String deadLetterTopic, Duration reportInterval, LogEvents logEvents) {

    public enum LogEvents { ALL, SAMPLE, NONE }

    public static ConsumerSettings read(ConfigReader r) {
        CdcTopics topics = CdcTopics.read(r);
        String prefix = topics.prefix();
        return new ConsumerSettings(
                KafkaConfig.read(r),
                RegistryConfig.read(r),
                prefix,
                r.parsed(Settings.CONSUMER_GROUP_ID, KafkaConfig::name, ""),
                r.parsed(Settings.CONSUMER_DLQ_TOPIC, topics.deadLetters(), KafkaConfig::name, ""),
                Duration.ofSeconds(r.integer(Settings.CONSUMER_REPORT_SECONDS, 1, 3600)),
                r.parsed(Settings.CONSUMER_LOG_EVENTS, v -> switch (v.strip().toLowerCase(Locale.ROOT)) {
                    case "all" -> LogEvents.ALL;
                    case "sample" -> LogEvents.SAMPLE;
                    case "none" -> LogEvents.NONE;
                    default -> throw new IllegalArgumentException("must be all, sample or none");
                }, LogEvents.SAMPLE));
    }

    /** prefix.schema.table, and nothing else: not the heartbeat topic, not the dead letters. */
    public Pattern topicPattern() {
        return new CdcTopics(topicPrefix).tables();
    }
}
