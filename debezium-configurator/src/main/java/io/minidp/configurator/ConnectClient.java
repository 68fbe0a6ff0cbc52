package io.minidp.configurator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.common.app.PlatformException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The part of Kafka Connect's REST API the configurator uses; every call waits for its answer. */
final class ConnectClient {

    /** A connector's state and its tasks' states, with the error trace of anything FAILED. */
    record Status(String state, String trace, List<Task> tasks) {
        record Task(int id, String state, String trace) {}

        boolean running() {
            return "RUNNING".equals(state) && !tasks.isEmpty() && tasks.stream().allMatch(t -> "RUNNING".equals(t.state()));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;

    ConnectClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    boolean reachable() {
        try {
            return send("GET", "/", null).statusCode() == 200;
        } catch (PlatformException e) {
            return false;
        }
    }

    /**
     * Whether the worker has finished starting (GET /health): before that its REST API already
     * answers, but 404 for connectors it has not yet read from its config topic.
     */
    boolean started() {
        return send("GET", "/health", null).statusCode() == 200;
    }

    Optional<Map<String, String>> config(String name) {
        HttpResponse<String> r = send("GET", "/connectors/" + enc(name) + "/config", null);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r, "read the configuration of connector " + name);
        Map<String, String> config = new LinkedHashMap<>();
        json(r).fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return Optional.of(config);
    }

    /** Connect's own validation of a configuration: one "key: message" line per problem. */
    List<String> validate(String connectorClass, String configJson) {
        String plugin = connectorClass.substring(connectorClass.lastIndexOf('.') + 1);
        HttpResponse<String> r = send("PUT", "/connector-plugins/" + enc(plugin) + "/config/validate", configJson);
        expect(r, "validate the connector configuration");
        List<String> problems = new ArrayList<>();
        for (JsonNode c : json(r).path("configs")) {
            for (JsonNode error : c.path("value").path("errors")) {
                problems.add(c.path("value").path("name").asText() + ": " + error.asText());
            }
        }
        return problems;
    }

    /** Creates or updates the connector; true when it did not exist before. */
    boolean put(String name, String configJson) {
        HttpResponse<String> r = send("PUT", "/connectors/" + enc(name) + "/config", configJson);
        expect(r, "create or update connector " + name);
        return r.statusCode() == 201;
    }

    Optional<Status> status(String name) {
        HttpResponse<String> r = send("GET", "/connectors/" + enc(name) + "/status", null);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r, "read the status of connector " + name);
        JsonNode s = json(r);
        List<Status.Task> tasks = new ArrayList<>();
        for (JsonNode t : s.path("tasks")) {
            tasks.add(new Status.Task(t.path("id").asInt(), t.path("state").asText(), t.path("trace").asText(null)));
        }
        return Optional.of(new Status(s.path("connector").path("state").asText(),
                s.path("connector").path("trace").asText(null), tasks));
    }

    void restartFailed(String name) {
        HttpResponse<String> r = send("POST", "/connectors/" + enc(name) + "/restart?includeTasks=true&onlyFailed=true", "");
        expect(r, "restart the failed parts of connector " + name);
    }

    /** Stops the connector and its tasks but keeps it registered (the state STOPPED): its offsets may then be deleted. */
    void stop(String name) {
        expect(send("PUT", "/connectors/" + enc(name) + "/stop", ""), "stop connector " + name);
    }

    /** Deletes a stopped connector's offsets, so that registered again it starts from a snapshot. */
    void deleteOffsets(String name) {
        expect(send("DELETE", "/connectors/" + enc(name) + "/offsets", null), "delete the offsets of connector " + name);
    }

    /** Deletes the connector; false when it was not registered. */
    boolean delete(String name) {
        HttpResponse<String> r = send("DELETE", "/connectors/" + enc(name), null);
        if (r.statusCode() == 404) {
            return false;
        }
        expect(r, "delete connector " + name);
        return true;
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PlatformException("Kafka Connect at " + base + " did not answer " + method + " " + path + ": " + e
                    + ". Check that it runs (./platform status) and KAFKA_CONNECT_URL.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while calling Kafka Connect", e);
        }
    }

    private static void expect(HttpResponse<String> r, String what) {
        if (r.statusCode() / 100 != 2) {
            String message;
            try {
                message = JSON.readTree(r.body()).path("message").asText(r.body());
            } catch (IOException e) {
                message = r.body();
            }
            throw new PlatformException("Kafka Connect refused to " + what + " (HTTP " + r.statusCode() + "): " + message);
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new PlatformException("Kafka Connect answered with something that is not JSON: " + r.body(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
