package io.minidp.common.config;

import io.minidp.common.app.PlatformException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file the way Docker Compose does for plain assignments: {@code KEY=VALUE}
 * lines, {@code #} comments, blank lines, optional {@code export }, and values in single or double
 * quotes. Compose and the local runner read the same file, so no other syntax is accepted.
 */
public final class DotEnv {

    private static final Pattern ASSIGNMENT =
            Pattern.compile("^(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)$");

    private DotEnv() {}

    public static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PlatformException("Cannot read " + file + ": " + e.getMessage()
                    + ". Check that the file exists and is readable UTF-8 text.", e);
        }
        return parse(file.toString(), lines);
    }

    /** Parses {@code .env} text; {@code source} names it in errors. */
    public static Map<String, String> parse(String source, String text) {
        return parse(source, text.lines().toList());
    }

    static Map<String, String> parse(String source, List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = ASSIGNMENT.matcher(line);
            if (!m.matches()) {
                // The line is not echoed: it may hold a secret.
                throw new PlatformException(source + " line " + (i + 1)
                        + ": expected KEY=VALUE (a name of letters, digits and underscores, then '=')."
                        + " Fix or remove that line.");
            }
            values.put(m.group(1), unquote(source, i + 1, m.group(1), m.group(2)));
        }
        return values;
    }

    private static String unquote(String source, int lineNo, String key, String raw) {
        if (raw.startsWith("\"") || raw.startsWith("'")) {
            char quote = raw.charAt(0);
            int end = raw.indexOf(quote, 1);
            if (end < 0) {
                throw new PlatformException(source + " line " + lineNo + ": the value of " + key
                        + " opens a " + quote + " quote that is never closed. Close it on the same line.");
            }
            String rest = raw.substring(end + 1).strip();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                throw new PlatformException(source + " line " + lineNo + ": unexpected text after the quoted value of "
                        + key + ". Put comments after a '#'.");
            }
            String inner = raw.substring(1, end);
            return quote == '"' ? inner.replace("\\n", "\n").replace("\\\"", "\"") : inner;
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }
}
