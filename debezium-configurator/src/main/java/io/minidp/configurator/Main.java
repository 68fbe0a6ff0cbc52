package io.minidp.configurator;

import io.minidp.common.app.ServiceMain;
import io.minidp.common.config.Env;

/** Registers the connector of config/debezium/connector_config.json with Kafka Connect, once it runs. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        ServiceMain.run("debezium-configurator", ConfiguratorConfig::read, config -> {
            new Configurator(config, Env.load()).run();
            return 0;
        });
    }
}
