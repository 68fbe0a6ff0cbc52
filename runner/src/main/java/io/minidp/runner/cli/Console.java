package io.minidp.runner.cli;

import java.io.PrintStream;

/** What the runner tells its user, on standard output. */
public final class Console {

    private final PrintStream out;

    public Console(PrintStream out) {
        this.out = out;
    }

    public void say(String format, Object... args) {
        out.println(args.length == 0 ? format : String.format(format, args));
        out.flush();
    }

    public PrintStream stream() {
        return out;
    }
}
