package io.minidp.common.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A long-running service says it is ready (configured, connected, working) by writing the file
 * named by {@code READY_FILE}. The local runner and container health checks look for that file;
 * without the variable this does nothing.
 */
public final class Readiness {

    public static final String READY_FILE = "READY_FILE";

    private Readiness() {}

    public static void markReady() {
        String file = System.getenv(READY_FILE);
        if (file == null || file.isEmpty()) {
            return;
        }
        try {
            Path p = Path.of(file);
            Files.createDirectories(p.toAbsolutePath().getParent());
            Files.writeString(p, Instant.now() + "\n");
        } catch (IOException e) {
            throw new PlatformException("Cannot write the readiness file " + file + " (READY_FILE): " + e.getMessage()
                    + ". Check that its folder is writable.", e);
        }
    }
}
