package io.minidp.configurator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minidp.common.app.PlatformException;
import io.minidp.common.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connector's definition: {@code {"name": ..., "config": {...}}}, where any string may hold
 * {@code ${VAR}} placeholders filled from the environment, so that credentials live only in .env.
 */
public record ConnectorFile(String name, Map<String, String> config) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ConnectorFile read(Path file, Env env) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new PlatformException("Cannot read the connector definition " + file + ": " + e.getMessage()
                    + ". Set CONNECTOR_CONFIG_FILE to its path.", e);
        }
        List<String> missing = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = PLACEHOLDER.matcher(lines.get(i));
            StringBuilder line = new StringBuilder();
            while (m.find()) {
                String value = env.get(m.group(1)).orElse(null);
                if (value == null) {
                    missing.add(m.group(1) + " (line " + (i + 1) + ")");
                    value = "";
                }
                // The value goes inside a JSON string: escape it as one.
                String quoted = JSON.valueToTree(value).toString();
                m.appendReplacement(line, Matcher.quoteReplacement(quoted.substring(1, quoted.length() - 1)));
            }
            m.appendTail(line);
            text.append(line).append('\n');
        }
        if (!missing.isEmpty()) {
            throw new PlatformException(file + " uses variables that are not set: " + String.join(", ", missing)
                    + ". Set them in .env or the environment.");
        }
        return parse(file, text.toString());
    }

    static ConnectorFile parse(Path file, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new PlatformException(file + " is not valid JSON: " + e.getMessage());
        }
        JsonNode name = root.path("name");
        JsonNode config = root.path("config");
        if (!name.isTextual() || name.asText().isBlank() || !config.isObject()) {
            throw new PlatformException(file + " must be {\"name\": \"<connector name>\", \"config\": {...}}.");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            values.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        return new ConnectorFile(name.asText(), values);
    }

    public String configJson() {
        ObjectNode node = JSON.createObjectNode();
        config.forEach(node::put);
        return node.toString();
    }

    /** The configuration with the connector's name in it, as Connect's validation wants it. */
    public String configJsonWithName() {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", name);
        config.forEach(node::put);
        return node.toString();
    }

    /** The configuration for logs: values of keys that name a secret are hidden. */
    public Map<String, String> printable() {
        Map<String, String> shown = new LinkedHashMap<>();
        config.forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : v));
        return shown;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase();
        return k.contains("password") || k.contains("secret") || k.endsWith(".key") && k.contains("ssl");
    }
}
