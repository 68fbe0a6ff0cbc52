package io.minidp.initializer.schema;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Table and column names taken from files. A name is normalised (trimmed, lower-cased, runs of
 * spaces, hyphens and dots turned into one underscore) and then must be a plain SQL identifier;
 * anything else is refused, and every name is still double-quoted in SQL.
 */
public final class Identifiers {

    private static final Pattern SEPARATORS = Pattern.compile("[\\s.\\-]+");
    private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public static final String RULE = "use letters, digits and underscores, starting with a letter or underscore,"
            + " at most 63 characters (spaces, hyphens and dots become underscores)";

    private Identifiers() {}

    /** The normalised name, or empty when {@code raw} cannot be one. */
    public static Optional<String> normalise(String raw) {
        String name = SEPARATORS.matcher(raw.strip().toLowerCase(Locale.ROOT)).replaceAll("_");
        return VALID.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }

    /** {@code name} double-quoted for SQL; names reaching here were validated, quoting is the second guard. */
    public static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
