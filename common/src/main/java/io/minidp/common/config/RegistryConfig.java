package io.minidp.common.config;

import java.net.URI;

/** Where the schema registry is: its base URL; the Confluent-compatible API is under /apis/ccompat/v7. */
public record RegistryConfig(URI url) {

    public static RegistryConfig read(ConfigReader r) {
        return new RegistryConfig(r.parsed(Settings.SCHEMA_REGISTRY_URL, RegistryConfig::httpUrl, URI.create("unset:/")));
    }

    public String ccompatApi() {
        return url.toString().replaceAll("/+$", "") + "/apis/ccompat/v7";
    }

    /** An http(s) URL with host and port (a service's base URL), else the rule it breaks. */
    public static URI httpUrl(String value) {
        try {
            URI u = URI.create(value.strip());
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null && u.getPort() > 0) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // Falls through to the rule.
        }
        throw new IllegalArgumentException("must be an http(s) URL with host and port, as in http://127.0.0.1:8081");
    }
}
