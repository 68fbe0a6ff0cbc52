package io.minidp.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads typed values from an {@link Env}, collecting every problem instead of stopping at the
 * first, and remembering what it read so that the effective configuration can be logged with
 * secrets hidden. Build a config record from its reads, then call {@link #validate()}: a value
 * returned for a variable with a problem is a placeholder that validate() never lets escape.
 * Variables are read by their {@link Setting} in {@link Settings}, which holds each one's default.
 */
public final class ConfigReader {

    private final Env env;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> effective = new LinkedHashMap<>();

    public ConfigReader(Env env) {
        this.env = env;
    }

    public Env env() {
        return env;
    }

    /** A string; unset means the setting's default (or, for a required one, a problem). */
    public String string(Setting s) {
        return string(s.name(), fixed(plain(s)));
    }

    /** A string whose default is made from other variables ({@code derived}: that value). */
    public String string(Setting s, String derived) {
        return string(s.name(), derived(plain(s), derived));
    }

    public Secret secret(Setting s) {
        if (!s.secret()) {
            throw new IllegalStateException("Bug: " + s.name() + " is not declared a secret in Settings; read it as a string");
        }
        fixed(s);
        return secret(s.name());
    }

    public int integer(Setting s, int min, int max) {
        String d = fixed(s);
        return integer(s.name(), d == null ? null : Integer.valueOf(d), min, max);
    }

    public int port(Setting s) {
        return integer(s, 1, 65535);
    }

    public boolean bool(Setting s, boolean derived) {
        derived(s, Boolean.toString(derived));
        return bool(s.name(), derived);
    }

    public Path path(Setting s) {
        return path(s.name(), fixed(s));
    }

    public Path path(Setting s, String derived) {
        return path(s.name(), derived(s, derived));
    }

    /** A value parsed by {@code parser} (see {@link #parsed(String, String, Function, Object)}). */
    public <T> T parsed(Setting s, Function<String, T> parser, T placeholder) {
        return parsed(s.name(), fixed(plain(s)), parser, placeholder);
    }

    public <T> T parsed(Setting s, String derived, Function<String, T> parser, T placeholder) {
        return parsed(s.name(), derived(plain(s), derived), parser, placeholder);
    }

    /** A setting read as plain text, which a secret must not be: its value would be logged. */
    private static Setting plain(Setting s) {
        if (s.secret()) {
            throw new IllegalStateException("Bug: " + s.name() + " is a secret; read it with secret(...)");
        }
        return s;
    }

    /** The setting's own default (null: required); a derived one must be given by the caller. */
    private static String fixed(Setting s) {
        if (s.derived() != null) {
            throw new IllegalStateException("Bug: " + s.name() + "'s default is derived (" + s.derived()
                    + "); read it with the value derived");
        }
        return s.fallback();
    }

    private static String derived(Setting s, String value) {
        if (s.derived() == null) {
            throw new IllegalStateException("Bug: " + s.name() + " has no derived default in Settings; read it without one");
        }
        return value;
    }

    /** A required string: missing is a problem. */
    String string(String name) {
        return read(name, null, Function.identity(), "");
    }

    String string(String name, String defaultValue) {
        return read(name, defaultValue, Function.identity(), defaultValue);
    }

    Secret secret(String name) {
        String value = env.get(name).orElse(null);
        if (value == null) {
            missing(name);
            effective.put(name, "<missing>");
            return new Secret("");
        }
        effective.put(name, "[hidden]");
        return new Secret(value);
    }

    int integer(String name, Integer defaultValue, int min, int max) {
        String rule = "must be a whole number from " + min + " to " + max;
        return read(name, defaultValue == null ? null : defaultValue.toString(), raw -> {
            int value;
            try {
                value = Integer.parseInt(raw.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(rule);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(rule);
            }
            return value;
        }, min);
    }

    int port(String name, Integer defaultValue) {
        return integer(name, defaultValue, 1, 65535);
    }

    boolean bool(String name, boolean defaultValue) {
        return read(name, Boolean.toString(defaultValue), raw -> switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        }, defaultValue);
    }

    Path path(String name, String defaultValue) {
        return read(name, defaultValue, Path::of, Path.of("."));
    }

    /**
     * A value parsed by {@code parser}, which throws {@link IllegalArgumentException} with the rule
     * the value breaks ("must be ...").
     */
    <T> T parsed(String name, String defaultValue, Function<String, T> parser, T placeholder) {
        return read(name, defaultValue, parser, placeholder);
    }

    /** Records a problem that involves more than one variable. */
    public void problem(String message) {
        problems.add(message);
    }

    /** Throws a {@link ConfigException} naming every problem found so far. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The names of the variables read so far, in order. */
    public List<String> names() {
        return List.copyOf(effective.keySet());
    }

    /** The problems found so far, as {@link #validate()} would report them. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** What was read, one {@code NAME=value} line each, secrets shown as {@code [hidden]}. */
    public List<String> effectiveConfig() {
        List<String> lines = new ArrayList<>();
        effective.forEach((k, v) -> lines.add(k + "=" + v));
        return lines;
    }

    private <T> T read(String name, String defaultValue, Function<String, T> parser, T placeholder) {
        String raw = env.get(name).orElse(defaultValue);
        if (raw == null) {
            missing(name);
            effective.put(name, "<missing>");
            return placeholder;
        }
        effective.put(name, raw);
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            problems.add("Invalid value '" + raw + "' for " + name + ": " + e.getMessage());
            return placeholder;
        }
    }

    private void missing(String name) {
        problems.add("Missing value for " + name + ": it is required");
    }
}
