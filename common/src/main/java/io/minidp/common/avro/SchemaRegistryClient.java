package io.minidp.common.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.common.config.RegistryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Fetches writer schemas by id from the registry's Confluent-compatible API
 * ({@code GET /schemas/ids/{id}}) and keeps them: an id always names the same schema, so a schema
 * is fetched once per process however many messages use it.
 */
public final class SchemaRegistryClient {

    /** The registry could not be asked (down, timed out); asking again later may work. */
    public static final class RegistryUnavailable extends IOException {
        RegistryUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String api;
    private final HttpClient http;
    private final Duration timeout;
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

    public SchemaRegistryClient(RegistryConfig config, Duration timeout) {
        this.api = config.ccompatApi();
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * The schema with this id. Throws {@link UnknownSchemaException} when the registry has no such
     * id (a message the registry never saw), {@link RegistryUnavailable} when it cannot be asked.
     */
    public Schema schema(int id) throws RegistryUnavailable {
        Schema known = schemas.get(id);
        if (known != null) {
            return known;
        }
        Schema fetched = fetch(id);
        schemas.putIfAbsent(id, fetched);
        return fetched;
    }

    private Schema fetch(int id) throws RegistryUnavailable {
        String url = api + "/schemas/ids/" + id;
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryUnavailable("The schema registry at " + api + " did not answer (" + e + ")."
                    + " Check that it runs (./platform status) and SCHEMA_REGISTRY_URL.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailable("Interrupted while asking the schema registry for schema " + id, e);
        }
        if (response.statusCode() == 404) {
            throw new UnknownSchemaException("The schema registry at " + api + " has no schema with id " + id + ".");
        }
        if (response.statusCode() != 200) {
            throw new RegistryUnavailable("The schema registry answered " + response.statusCode() + " to GET " + url
                    + ": " + abbreviate(response.body()), null);
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            return new Schema.Parser().parse(body.path("schema").asText());
        } catch (IOException | SchemaParseException e) {
            throw new UnknownSchemaException("Schema " + id + " from " + url + " is not a valid Avro schema: " + e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
