package io.minidp.common.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A small JSON file that a service rewrites while others (or its next run) read it. */
public final class JsonFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFile() {}

    /** Replaces {@code file} with {@code doc} in one step, so a reader never sees half of it. */
    public static void replace(Path file, Object doc) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), doc);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
