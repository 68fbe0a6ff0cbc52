package io.minidp.runner.fleet;

import io.minidp.engines.registry.RegistryServer;
import io.minidp.runner.PlatformConfig;
import java.util.List;
import java.util.Map;

/** The schema registry (Apicurio, built by the schema-registry module), its schemas in data/local/schema-registry. */
final class RegistryService implements LocalService {

    private final PlatformConfig config;

    RegistryService(PlatformConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "schema-registry";
    }

    @Override
    public String address() {
        return config.registry().url().toString();
    }

    @Override
    public List<String> command() {
        return RegistryServer.command(config.home(), "256m");
    }

    @Override
    public Map<String, String> environment() {
        return RegistryServer.environment(config.registry().url().getPort(), config.dataDir().resolve("schema-registry"));
    }

    @Override
    public boolean healthy() {
        return RegistryServer.ready(config.registry().url().toString());
    }
}
