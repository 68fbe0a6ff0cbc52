package io.minidp.engines.process;

import io.minidp.common.app.PlatformException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command to completion and fails with its output when it does not succeed. */
public final class Commands {

    private Commands() {}

    public static String run(List<String> command, Path workDir, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PlatformException("'" + String.join(" ", command) + "' did not finish within "
                        + timeoutSeconds + " s.");
            }
            String output = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new PlatformException("'" + String.join(" ", command) + "' failed with exit code "
                        + p.exitValue() + ":" + System.lineSeparator() + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new PlatformException("Cannot run '" + command.get(0) + "': " + e.getMessage()
                    + ". Check that it is installed and on the PATH.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while running '" + String.join(" ", command) + "'", e);
        }
    }
}
