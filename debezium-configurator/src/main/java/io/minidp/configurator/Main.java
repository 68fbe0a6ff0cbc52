package io.minidp.configurator;

import io.minidp.common.app.ServiceMain;
import io.minidp.common.config.Env;

/**
 * Registers the connector of config/debezium/connector_config.json with Kafka Connect, once it
 * runs, and with CONFIGURATOR_WATCH_SECONDS keeps watching it; or, with CONFIGURATOR_ACTION=delete,
 * removes it and its replication slot.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        ServiceMain.run("debezium-configurator", ConfiguratorConfig::read, config -> {
            Configurator configurator = new Configurator(config, Env.load());
            if (config.action() == ConfiguratorConfig.Action.DELETE) {
                configurator.delete();
                return 0;
            }
            configurator.run();
            if (config.watching()) {
                configurator.watch();
            }
            return 0;
        });
    }
}
