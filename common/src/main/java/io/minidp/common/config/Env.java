package io.minidp.common.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The variables a service is configured from: the process environment over the defaults of a
 * {@code .env} file. A variable set to the empty string counts as unset, as in Compose files where
 * {@code FOO=} means "no value".
 */
public final class Env {

    /** Names the {@code .env} file to read; by default {@code .env} in the working directory. */
    public static final String ENV_FILE = "ENV_FILE";

    private final Map<String, String> values;

    private Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Env of(Map<String, String> values) {
        return new Env(values);
    }

    /** The process environment over {@code $ENV_FILE} (or {@code ./.env}), when that file exists. */
    public static Env load() {
        Map<String, String> system = System.getenv();
        Path file = Path.of(system.getOrDefault(ENV_FILE, ".env"));
        Map<String, String> merged = new HashMap<>();
        if (Files.isRegularFile(file)) {
            merged.putAll(DotEnv.read(file));
        }
        merged.putAll(system);
        return new Env(merged);
    }

    public Optional<String> get(String name) {
        String value = values.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** A declared variable's value, or its default when unset (empty: unset, and required or derived). */
    public Optional<String> get(Setting setting) {
        return get(setting.name()).or(() -> Optional.ofNullable(setting.fallback()));
    }

    /** Every variable, for handing on to a child process. */
    public Map<String, String> asMap() {
        return values;
    }

    /** This environment with some variables replaced. */
    public Env with(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(values);
        merged.putAll(overrides);
        return new Env(merged);
    }
}
