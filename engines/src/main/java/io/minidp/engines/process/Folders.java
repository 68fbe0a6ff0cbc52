package io.minidp.engines.process;

import io.minidp.common.app.PlatformException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing local state that the platform owns. */
public final class Folders {

    private Folders() {}

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new PlatformException("Cannot delete " + root + ": " + e.getMessage()
                    + ". Stop whatever still uses it and try again.", e);
        }
    }
}
