package io.minidp.runner.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies what is appended to a log file, from a given offset, to the console, line by line. */
final class LogFollower {

    private final Path file;
    private final String prefix;
    private long offset;
    private final StringBuilder partial = new StringBuilder();

    LogFollower(Path file, String prefix, long offset) {
        this.file = file;
        this.prefix = prefix;
        this.offset = offset;
    }

    static long endOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Prints the complete lines appended since the last call. */
    void pump(Console console) {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length < offset) {
                offset = 0; // truncated or replaced
            }
            if (length == offset) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
            raf.seek(offset);
            raf.readFully(bytes);
            offset += bytes.length;
            partial.append(new String(bytes, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                console.say(prefix + partial.substring(0, nl));
                partial.delete(0, nl + 1);
            }
        } catch (IOException e) {
            console.say(prefix + "(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }
}
