package io.minidp.processor.query;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Settings;
import io.minidp.processor.ProcessorSettings;
import io.minidp.processor.console.ConsoleSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The query service's configuration: the lake's (as the processor reads it) and where it serves.
 *
 * @param lake      the lake: its object store and Spark's scratch space ({@link ProcessorSettings#lakeReader})
 * @param bind      the address it listens on: 127.0.0.1 locally, 0.0.0.0 inside a container
 * @param port      its HTTP port
 * @param maxRows   at most this many rows per answer; the answer says when more were left out
 * @param timeoutSeconds a statement running longer is cancelled
 * @param console   the console it serves beside the queries, on the same address, and what verify in it
 *                  asks PostgreSQL and Kafka; null for {@link #forOneStatement}
 */
public record QuerySettings(ProcessorSettings lake, String bind, int port, int maxRows, int timeoutSeconds,
                            ConsoleSettings console) {

    public static QuerySettings read(ConfigReader r) {
        return read(r, true);
    }

    /**
     * For one statement in a process of its own ({@code QueryMain}), which serves no console and
     * verifies nothing: {@link #console} is null, and what only the console reads is not required.
     */
    public static QuerySettings forOneStatement(ConfigReader r) {
        return read(r, false);
    }

    private static QuerySettings read(ConfigReader r, boolean withConsole) {
        ProcessorSettings lake = ProcessorSettings.lakeReader(r);
        return new QuerySettings(lake,
                r.parsed(Settings.QUERY_BIND, QuerySettings::address, "127.0.0.1"),
                r.port(Settings.QUERY_PORT),
                r.integer(Settings.QUERY_MAX_ROWS, 1, 1_000_000),
                r.integer(Settings.QUERY_TIMEOUT_SECONDS, 1, 86_400),
                withConsole ? ConsoleSettings.read(r, lake) : null);
    }

    private static String address(String value) {
        String v = value.strip();
        if (!v.matches("[A-Za-z0-9.:\\-]+")) {
            throw new IllegalArgumentException("must be an address to listen on, such as 127.0.0.1 or 0.0.0.0");
        }
        try {
            InetAddress.getByName(v);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("is not an address of this machine: " + e.getMessage());
        }
        return v;
    }
}
