package io.minidp.runner;

import io.minidp.common.config.Env;
import io.minidp.runner.cli.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** {@code ./platform <args>} in this JVM, for tests outside this package: with the given variables instead of .env. */
public final class PlatformCli {

    /** What the command printed and its exit code. */
    public record Run(int code, String output) {}

    private PlatformCli() {}

    public static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), Env.of(env), new Console(new PrintStream(out, true, StandardCharsets.UTF_8)));
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }
}
