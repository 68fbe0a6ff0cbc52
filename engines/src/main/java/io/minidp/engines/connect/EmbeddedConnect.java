package io.minidp.engines.connect;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.common.config.PostgresConfig;
import io.minidp.engines.kafka.EmbeddedKafka;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.engines.process.EmbeddedEngine;
import io.minidp.engines.process.LocalProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Registers the project's connector file (config/debezium/connector_config.json) under
     * {@code name}, its ${VAR}s filled from {@code vars}, the way the configurator does it.
     */
    public void registerProjectConnector(String name, Map<String, String> vars) {
        try {
            String text = Files.readString(EmbeddedKafka.home().resolve("config/debezium/connector_config.json"));
            Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(text);
            StringBuilder filled = new StringBuilder();
            while (m.find()) {
                String value = vars.get(m.group(1));
                if (value == null) {
                    throw new IllegalArgumentException("No value for ${" + m.group(1) + "} in the connector file");
                }
                m.appendReplacement(filled, Matcher.quoteReplacement(value));
            }
            m.appendTail(filled);
            String config = new ObjectMapper().readTree(filled.toString()).get("config").toString();
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url() + "/connectors/" + name + "/config"))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(config)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201 && r.statusCode() != 200) {
                throw new IllegalStateException("Connect refused connector " + name + ": " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot register connector " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted registering connector " + name, e);
        }
    }

    /**
     * Registers the project's connector as {@code name} for a test's engines: PostgreSQL {@code pg}
     * (publication cdc_publication, slot {@code <name>_slot}), topics {@code <name>.<schema>.<table>}.
     */
    public void registerProjectConnector(String name, PostgresConfig pg, String registryUrl) {
        registerProjectConnector(name, Map.of("CDC_CONNECTOR_NAME", name, "POSTGRES_HOST", pg.host(),
                "POSTGRES_PORT", Integer.toString(pg.port()), "POSTGRES_USER", pg.user(),
                "POSTGRES_PASSWORD", pg.password().value(), "POSTGRES_DB", pg.database(),
                "CDC_PUBLICATION", "cdc_publication", "CDC_SLOT", name + "_slot", "CDC_TOPIC_PREFIX", name,
                "SCHEMA_REGISTRY_URL", registryUrl));
    }

    public String url() {
        return "http://127.0.0.1:" + settings.restPort();
    }
}
