package io.minidp.common.cdc;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.KafkaConfig;
import io.minidp.common.config.Settings;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka topics change capture writes, named from Debezium's topic prefix ({@code CDC_TOPIC_PREFIX}):
 * one per captured table, {@code <prefix>.<schema>.<table>} (Debezium makes both names Kafka-safe),
 * and {@code <prefix>.notifications}, where Debezium reports re-snapshots
 * ({@code config/debezium/connector_config.json} names the same). Other topics under the prefix
 * ({@code <prefix>.message}, the consumer's dead letters) have no second dot, so they are not table topics.
 */
public record CdcTopics(String prefix) {

    public CdcTopics {
        Objects.requireNonNull(prefix, "prefix");
    }

    /** The topics of {@code CDC_TOPIC_PREFIX}: required, as Debezium's {@code topic.prefix} is (.env sets it). */
    public static CdcTopics read(ConfigReader r) {
        return new CdcTopics(r.parsed(Settings.CDC_TOPIC_PREFIX, KafkaConfig::name, "cdc"));
    }

    /** Every table topic; group 1 is its schema, group 2 its table. */
    public Pattern tables() {
        return Pattern.compile(Pattern.quote(prefix) + "\\.([^.]+)\\.([^.]+)");
    }

    /** Whether {@code topic} is a table topic. */
    public boolean isTable(String topic) {
        return tables().matcher(topic).matches();
    }

    /** The topic of {@code schema.table}, as Debezium names it when both names are Kafka-safe. */
    public String table(String schema, String table) {
        return prefix + "." + schema + "." + table;
    }

    /** The schema part of a table topic; null when {@code topic} is none. */
    public String schemaOf(String topic) {
        Matcher m = tables().matcher(topic);
        return m.matches() ? m.group(1) : null;
    }

    /** The table part of a table topic; null when {@code topic} is none. */
    public String tableOf(String topic) {
        Matcher m = tables().matcher(topic);
        return m.matches() ? m.group(2) : null;
    }

    /** Where Debezium sends its notifications (of incremental snapshots, among others). */
    public String notifications() {
        return prefix + ".notifications";
    }

    /** The dead-letter topic when CONSUMER_DLQ_TOPIC is unset. */
    public String deadLetters() {
        return prefix + ".dead-letters";
    }
}
