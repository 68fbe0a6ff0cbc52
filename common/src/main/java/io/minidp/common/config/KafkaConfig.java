package io.minidp.common.config;

import java.util.regex.Pattern;

/** Where the Kafka brokers are, for clients: {@code host:port[,host:port...]}. */
public record KafkaConfig(String bootstrapServers) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,200}");
    private static final Pattern SERVERS = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}(,[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5})*");

    public static KafkaConfig read(ConfigReader r) {
        return new KafkaConfig(r.parsed(Settings.KAFKA_BOOTSTRAP_SERVERS, KafkaConfig::servers, ""));
    }

    /** The first server's host. */
    public String firstHost() {
        String first = bootstrapServers.split(",")[0];
        return first.substring(0, first.lastIndexOf(':'));
    }

    /** The first server's port. */
    public int firstPort() {
        String first = bootstrapServers.split(",")[0];
        return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    }

    /** A name Kafka takes as it is (a topic, a topic prefix, a group id), stripped; else why not. */
    public static String name(String value) {
        if (!NAME.matcher(value.strip()).matches()) {
            throw new IllegalArgumentException("must be letters, digits, '.', '_' or '-'");
        }
        return value.strip();
    }

    private static String servers(String value) {
        if (!SERVERS.matcher(value.strip()).matches()) {
            throw new IllegalArgumentException("must be host:port pairs separated by commas, as in 127.0.0.1:9092");
        }
        return value.strip();
    }
}
