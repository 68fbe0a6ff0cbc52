package io.minidp.configurator;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The configurator's settings.
 *
 * @param connectUrl    Kafka Connect's REST API
 * @param configFile    the connector's JSON, with ${VAR} placeholders filled from the environment
 * @param timeout       how long to wait for Connect, and then for the connector and its tasks to run
 * @param watchInterval zero: register the connector and exit; otherwise, then watch it at this
 *                      interval, restarting what failed and registering it again if Connect lost it
 * @param statusFile    where the watchdog writes what it saw and did (JSON), for ./platform status
 * @param action        register (the default) or delete: remove the connector, its offsets and its slot
 */
public record ConfiguratorConfig(URI connectUrl, Path configFile, Duration timeout, Duration watchInterval,
                                 Optional<Path> statusFile, Action action) {

    public enum Action { REGISTER, DELETE }

    public ConfiguratorConfig(URI connectUrl, Path configFile, Duration timeout) {
        this(connectUrl, configFile, timeout, Duration.ZERO, Optional.empty(), Action.REGISTER);
    }

    public static ConfiguratorConfig read(ConfigReader r) {
        String status = r.string(Settings.CONFIGURATOR_STATUS_FILE).strip();
        return new ConfiguratorConfig(
                r.parsed(Settings.KAFKA_CONNECT_URL, ConfiguratorConfig::url, URI.create("http://invalid")),
                r.path(Settings.CONNECTOR_CONFIG_FILE),
                Duration.ofSeconds(r.integer(Settings.CONFIGURATOR_TIMEOUT_SECONDS, 5, 3600)),
                Duration.ofSeconds(r.integer(Settings.CONFIGURATOR_WATCH_SECONDS, 0, 3600)),
                status.isEmpty() ? Optional.empty() : Optional.of(Path.of(status)),
                r.parsed(Settings.CONFIGURATOR_ACTION, ConfiguratorConfig::action, Action.REGISTER));
    }

    public boolean watching() {
        return !watchInterval.isZero();
    }

    private static Action action(String value) {
        return switch (value.strip()) {
            case "register" -> Action.REGISTER;
            case "delete" -> Action.DELETE;
            default -> throw new IllegalArgumentException("must be register or delete");
        };
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
