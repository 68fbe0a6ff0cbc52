package io.minidp.processor.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.minidp.common.app.PlatformException;
import io.minidp.processor.lake.LakePaths;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console: one page in the browser (served from this jar, nothing from the internet) that
 * shows the platform live ({@link PlatformProbe}, sampled every two seconds) and has a SQL box
 * over the lake. It is served by the query service, on its own port:
 * <ul>
 *   <li>{@code GET /}: the page;</li>
 *   <li>{@code GET /api/overview}: the last sample as JSON (what the page shows);</li>
 *   <li>{@code POST /query?format=json}: the query service's own endpoint (docs/query.md).</li>
 * </ul>
 */
public final class Console implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    private static final long SAMPLE_SECONDS = 2;

    private final ConsoleSettings settings;
    private final String bind;
    private final PlatformProbe probe;
    private final HttpHandler query;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-probe");
        t.setDaemon(true);
        return t;
    });
    private HttpServer server;

    public Console(ConsoleSettings settings, String bind, LakePaths lake, Configuration hadoop, String queryAddress,
            HttpHandler query) {
        this.settings = settings;
        this.bind = bind;
        this.probe = new PlatformProbe(settings, lake, hadoop, queryAddress);
        this.query = query;
    }

    /** Starts sampling and serving; the address it serves at. */
    public String start() throws IOException {
        try {
            server = HttpServer.create(new InetSocketAddress(bind, settings.port()), 16);
        } catch (BindException e) {
            throw new PlatformException("Cannot listen on " + bind + ":" + settings.port() + " (" + e.getMessage()
                    + "): another process has the port. Stop it, or set CONSOLE_PORT to a free port.", e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "console-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::page);
        server.createContext("/api/overview", exchange -> send(exchange, 200, "application/json",
                probe.last().toString().getBytes(StandardCharsets.UTF_8)));
        server.createContext("/query", query);
        sampler.scheduleWithFixedDelay(() -> {
            try {
                probe.sample();
            } catch (RuntimeException e) {
                LOG.warn("The console's probe failed; it tries again in {} s", SAMPLE_SECONDS, e);
            }
        }, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
        server.start();
        String address = "http://" + bind + ":" + settings.port() + "/";
        LOG.info("The console is at {} (it answers on {} only{}; QUERY_BIND sets the address, CONSOLE_PORT the port)",
                address, bind, bind.equals("127.0.0.1") ? ": this machine" : "");
        return address;
    }

    private void page(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            send(exchange, 404, "text/plain; charset=utf-8", ("not found: " + path
                    + " (the console is at /, its data at /api/overview)\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = Console.class.getResourceAsStream("/console/index.html")) {
            if (in == null) {
                throw new IllegalStateException("console/index.html is missing from the jar");
            }
            send(exchange, 200, "text/html; charset=utf-8", in.readAllBytes());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        if (server != null) {
            server.stop(1);
        }
        probe.close();
    }
}
