package io.minidp.runner.fleet;

import io.minidp.engines.connect.ConnectServer;
import io.minidp.runner.PlatformConfig;
import java.util.List;

/** A Kafka Connect worker in distributed mode with the Debezium and Apicurio plugins; REST at KAFKA_CONNECT_URL. */
final class ConnectService implements LocalService {

    private final PlatformConfig config;

    ConnectService(PlatformConfig config) {
        this.config = config;
    }

    private ConnectServer.Settings settings() {
        return new ConnectServer.Settings(config.home(), config.dataDir().resolve("kafka-connect"),
                config.kafka().bootstrapServers(), config.connectUrl().getPort(), "minidp-connect");
    }

    @Override
    public String name() {
        return "kafka-connect";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("kafka", "schema-registry");
    }

    @Override
    public String address() {
        return config.connectUrl().toString();
    }

    @Override
    public void prepare() {
        ConnectServer.prepare(settings());
    }

    @Override
    public List<String> command() {
        return ConnectServer.command(settings(), "768m");
    }

    @Override
    public boolean healthy() {
        return ConnectServer.ready(config.connectUrl().toString());
    }

    @Override
    public List<String> details() {
        List<String> lines = new java.util.ArrayList<>(ConnectServer.connectorStates(config.connectUrl().toString()));
        if (healthy()) {
            lines.addAll(SnapshotLines.read(config));
        }
        return lines;
    }
}
