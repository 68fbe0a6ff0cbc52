package io.minidp.engines.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRegistryIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    private static String post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void theConfluentApiKeepsSchemasAcrossRestartsAndIgnoresWhitespace() throws Exception {
        String schema = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Customer\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"int\\\"}]}";
        String spaced = "{\\\"type\\\": \\\"record\\\", \\\"name\\\": \\\"Customer\\\", \\\"fields\\\": [{\\\"name\\\": \\\"id\\\", \\\"type\\\": \\\"int\\\"}]}";
        try (EmbeddedRegistry registry = EmbeddedRegistry.start(work)) {
            String ccompat = registry.url() + "/apis/ccompat/v7";
            assertThat(post(ccompat + "/subjects/shop.public.customers-value/versions", "{\"schema\":\"" + schema + "\"}"))
                    .isEqualTo("{\"id\":1}");

            registry.stop();
            registry.startAgain();

            assertThat(get(ccompat + "/schemas/ids/1")).contains("\\\"name\\\":\\\"Customer\\\"");
            assertThat(post(ccompat + "/subjects/shop.public.customers-value/versions", "{\"schema\":\"" + spaced + "\"}"))
                    .isEqualTo("{\"id\":1}");
        }
    }
}
