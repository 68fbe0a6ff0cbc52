package io.minidp.configurator;

import io.minidp.common.config.ConfigReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The configurator's settings.
 *
 * @param connectUrl  Kafka Connect's REST API
 * @param configFile  the connector's JSON, with ${VAR} placeholders filled from the environment
 * @param timeout     how long to wait for Connect, and then for the connector and its tasks to run
 */
public record ConfiguratorConfig(URI connectUrl, Path configFile, Duration timeout) {

    public static ConfiguratorConfig read(ConfigReader r) {
        return new ConfiguratorConfig(
                r.parsed("KAFKA_CONNECT_URL", null, ConfiguratorConfig::url, URI.create("http://invalid")),
                r.path("CONNECTOR_CONFIG_FILE", "config/debezium/connector_config.json"),
                Duration.ofSeconds(r.integer("CONFIGURATOR_TIMEOUT_SECONDS", 180, 5, 3600)));
    }

    private static URI url(String value) {
        try {
            URI u = URI.create(value.strip().replaceAll("/+$", ""));
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // Falls through to the rule.
        }
        throw new IllegalArgumentException("must be an http(s) URL, as in http://127.0.0.1:8083");
    }
}
