package io.minidp.runner.fleet;

import io.minidp.common.app.PlatformException;
import io.minidp.common.app.Readiness;
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
public final class JavaService implements LocalService {

    private final PlatformConfig config;
    private final String name;
    private final String module;
    private final boolean oneShot;
    private final List<String> dependsOn;
    private final String heap;
    private final Map<String, String> overrides;
    private java.util.function.Supplier<List<String>> details = List::of;
    private List<String> jvmOptions = List.of("-XX:+UseSerialGC");
    private Map<String, String> extraEnv = Map.of();
    private String mainClass;
    private String address = "-";

    JavaService(PlatformConfig config, String module, boolean oneShot, List<String> dependsOn, String heap) {
        this(config, module, module, oneShot, dependsOn, heap, Map.of());
    }

    /** A service named apart from its module: another main class of the module's jar. */
    JavaService(PlatformConfig config, String name, String module, boolean oneShot, List<String> dependsOn, String heap) {
        this(config, name, module, oneShot, dependsOn, heap, Map.of());
    }

    private JavaService(PlatformConfig config, String name, String module, boolean oneShot, List<String> dependsOn,
                        String heap, Map<String, String> overrides) {
        this.config = config;
        this.name = name;
        this.module = module;
        this.oneShot = oneShot;
        this.dependsOn = dependsOn;
        this.heap = heap;
        this.overrides = Map.copyOf(overrides);
    }

    /** JVM options in place of the default (the serial collector). */
    JavaService withJvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /** Runs this main class of the module's jar, not the jar's own. */
    JavaService withMainClass(String mainClass) {
        this.mainClass = mainClass;
        return this;
    }

    /** Where it listens, for status. */
    JavaService withAddress(String address) {
        this.address = address;
        return this;
    }

    @Override
    public String address() {
        return address;
    }

    /** Variables this service needs beyond the platform's configuration. */
    JavaService withEnvironment(Map<String, String> env) {
        this.extraEnv = Map.copyOf(env);
        return this;
    }

    /** Extra status lines, such as a consumer's lag. */
    JavaService withDetails(java.util.function.Supplier<List<String>> details) {
        this.details = details;
        return this;
    }

    @Override
    public List<String> details() {
        return details.get();
    }

    /** The same jar run once under another name (and log file), with some variables changed. */
    public JavaService oneShotVariant(String variantName, Map<String, String> variables) {
        JavaService variant = new JavaService(config, variantName, module, true, dependsOn, heap, variables);
        variant.jvmOptions = jvmOptions;
        variant.extraEnv = extraEnv;
        variant.mainClass = mainClass;
        return variant;
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
        return config.home().resolve(module).resolve("target").resolve(module + ".jar");
    }

    @Override
    public void prepare() {
        if (!Files.isRegularFile(jar())) {
            throw new PlatformException(jar() + " is missing. Build it with ./mvnw -DskipTests package"
                    + " (./platform does this by itself when a jar is missing).");
        }
        try {
            Files.deleteIfExists(readyFile());
        } catch (java.io.IOException e) {
            throw new PlatformException("Cannot remove " + readyFile() + ": " + e.getMessage(), e);
        }
    }

    private Path readyFile() {
        return config.runDir().resolve(name + ".ready");
    }

    @Override
    public List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(jvmOptions);
        if (mainClass == null) {
            cmd.add("-jar");
            cmd.add(jar().toString());
        } else {
            // The jar's manifest Class-Path (its lib/ folder) holds on the class path too.
            cmd.add("-cp");
            cmd.add(jar().toString());
            cmd.add(mainClass);
        }
        return cmd;
    }

    /** Ready once the service has said so; it stops being so when its process ends. */
    @Override
    public boolean healthy() {
        return Files.exists(readyFile());
    }

    @Override
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(config.env().asMap());
        env.putAll(extraEnv);
        env.putAll(overrides);
        env.put("LOG_CONSOLE", "false");
        env.put("SERVICE_NAME", name);
        env.put(Readiness.READY_FILE, readyFile().toString());
        env.put("LOGS_DIR", config.logsDir().toString());
        return env;
    }
}
