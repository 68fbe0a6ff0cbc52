package io.minidp.runner.fleet;

import io.minidp.common.app.PlatformException;
import io.minidp.runner.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One of our service jars, run with the same Java as the runner, configured by the same
 * environment (process environment over .env), logging to logs/&lt;service&gt;.log.
 */
final class JavaService implements LocalService {

    private final PlatformConfig config;
    private final String name;
    private final boolean oneShot;
    private final List<String> dependsOn;
    private final String heap;

    JavaService(PlatformConfig config, String name, boolean oneShot, List<String> dependsOn, String heap) {
        this.config = config;
        this.name = name;
        this.oneShot = oneShot;
        this.dependsOn = dependsOn;
        this.heap = heap;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> dependsOn() {
        return dependsOn;
    }

    @Override
    public boolean oneShot() {
        return oneShot;
    }

    Path jar() {
        return config.home().resolve(name).resolve("target").resolve(name + ".jar");
    }

    @Override
    public void prepare() {
        if (!Files.isRegularFile(jar())) {
            throw new PlatformException(jar() + " is missing. Build it with ./mvnw -DskipTests package"
                    + " (./platform does this by itself when a jar is missing).");
        }
    }

    @Override
    public List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-jar");
        cmd.add(jar().toString());
        return cmd;
    }

    @Override
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(config.env().asMap());
        env.put("LOG_CONSOLE", "false");
        env.put("LOGS_DIR", config.logsDir().toString());
        return env;
    }
}
