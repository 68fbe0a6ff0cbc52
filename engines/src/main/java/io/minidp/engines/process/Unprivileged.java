package io.minidp.engines.process;

import com.sun.security.auth.module.UnixSystem;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL refuses to run as root. When we are root, a command runs in a new user namespace
 * ({@code unshare -U}) where it is an unprivileged user yet still owns the files it creates, so
 * the data folder needs no chown and no system account.
 */
public final class Unprivileged {

    private Unprivileged() {}

    public static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    public static List<String> command(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "-U"));
        wrapped.addAll(command);
        return wrapped;
    }
}
