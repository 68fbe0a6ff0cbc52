package io.minidp.common.config;

import java.util.List;
import java.util.Objects;

/**
 * One environment variable of the platform, declared once in {@link Settings}: its name, what it
 * means, the value this repository's {@code .env} gives it, what the code does when it is unset,
 * whether it is a secret, and who reads it. Services read it through {@link ConfigReader}, which
 * takes the default from here; the configuration reference and {@code .env} are checked against it.
 *
 * @param name        the variable
 * @param section     where it belongs: {@code .env}'s services part, Docker only, or set by the platform
 * @param dotEnv      the value in this repository's {@code .env}, or null when {@code .env} does not set it
 * @param fallback    the value the code uses when the variable is unset; null when it is required or derived
 * @param derived     how the value is made from other variables when unset (markdown), or null
 * @param secret      logged as {@code [hidden]}
 * @param readBy      the services that read it through {@link ConfigReader} (checked at start-up by each)
 * @param readElsewhere who else reads it (a script, an engine, the log configuration), or null
 * @param meaning     what it does (markdown, one sentence or two)
 */
public record Setting(String name, Section section, String dotEnv, String fallback, String derived, boolean secret,
                      List<String> readBy, String readElsewhere, String meaning) {

    /** Where a variable belongs, and under which heading the reference lists it. */
    public enum Section {
        /** Configures the platform's services; the local runner and Docker Compose read it from {@code .env}. */
        PLATFORM,
        /** Read by Docker Compose only (image tags, host ports). */
        DOCKER,
        /** Set by the platform for the processes it starts, or read by scripts outside {@code .env}. */
        OUTSIDE
    }

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(meaning, "meaning");
        readBy = List.copyOf(readBy);
        if (fallback != null && derived != null) {
            throw new IllegalArgumentException(name + ": a fixed default and a derived one");
        }
    }

    /** True when a service refuses to start without it. */
    public boolean required() {
        return fallback == null && derived == null;
    }
}
