package io.minidp.processor.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.minidp.common.app.PlatformException;
import io.minidp.common.app.Readiness;
import io.minidp.common.app.ServiceMain;
import io.minidp.processor.console.Console;
import io.minidp.processor.console.ConsoleSettings;
import io.minidp.processor.lake.LakePaths;
import io.minidp.processor.lake.LakeSession;
import io.minidp.processor.verify.Verifier;
import io.minidp.processor.verify.VerifyMain;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query service: one warm Spark session over the lake that answers read-only SQL over HTTP,
 * so that {@code ./platform query} takes about a second instead of a Spark start-up. The API
 * (docs/query.md):
 * <ul>
 *   <li>{@code POST /query?format=table|csv|json}, the statement as the body (UTF-8), or
 *       {@code GET /query?sql=...&format=...}: 200 with the result; 400 with Spark's message and
 *       the lake's tables when the statement cannot run; 403 when it writes; 408 when it ran longer
 *       than QUERY_TIMEOUT_SECONDS and was cancelled.</li>
 *   <li>{@code GET /tables}: the lake's tables as JSON.</li>
 *   <li>{@code GET /health}: 200 once it serves.</li>
 *   <li>{@code POST /verify}: {@code ./platform verify} in this JVM ({@link #verify(HttpExchange)}).</li>
 * </ul>
 * Beside it, on CONSOLE_PORT, it serves the {@link Console}.
 */
public final class QueryService {

    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);
    private static final int MAX_STATEMENT = 1 << 20;
    private static final String TEXT = "text/plain; charset=utf-8";

    private final QuerySettings settings;
    private final SparkSession spark;
    private final LakeQueries queries;
    /** One verify at a time: a second would only wait for the first's cores. */
    private final java.util.concurrent.Semaphore verifying = new java.util.concurrent.Semaphore(1);
    /** Statements run at once: Spark local has two threads. */
    private final java.util.concurrent.Semaphore statements = new java.util.concurrent.Semaphore(2);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "query-timeout");
        t.setDaemon(true);
        return t;
    });

    QueryService(QuerySettings settings, SparkSession spark) {
        this.settings = settings;
        this.spark = spark;
        this.queries = new LakeQueries(spark, new LakePaths(settings.lake().lakeRoot()), settings.maxRows());
    }

    public static void main(String[] args) {
        ServiceMain.run("query-service", QuerySettings::read, settings -> {
            SparkSession spark = LakeSession.forQuery(settings.lake());
            QueryService service = new QueryService(settings, spark);
            service.warmUp();
            HttpServer server = service.serve();
            Console console = new Console(settings.console(), settings.bind(), new LakePaths(settings.lake().lakeRoot()),
                    spark.sparkContext().hadoopConfiguration(), "http://" + settings.bind() + ":" + settings.port() + "/query",
                    service::query);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                console.close();
                server.stop(1);
                spark.stop();
                stopped.countDown();
            }, "stop-on-signal"));
            LOG.info("Serving read-only SQL over the lake {} at http://{}:{}/query (format=table|csv|json)",
                    settings.lake().lakeRoot(), settings.bind(), settings.port());
            console.start();
            Readiness.markReady();
            stopped.await();
            return 0;
        });
    }

    /**
     * Registers the lake's tables and runs a first statement before serving, so that the first
     * user does not wait for the JIT and for every table's log to be read. A store that is away
     * only delays that to the first statement.
     */
    void warmUp() {
        long started = System.nanoTime();
        try {
            int tables = queries.tables().size();
            spark.sql("SELECT 1").collectAsList();
            LOG.info("Warmed up in {} ms: {} lake tables registered", (System.nanoTime() - started) / 1_000_000, tables);
        } catch (Exception e) {
            LOG.warn("Cannot read the lake's tables yet ({}); they are registered when a statement names them", e.toString());
        }
    }

    HttpServer serve() throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 16);
        } catch (BindException e) {
            throw new PlatformException("Cannot listen on " + settings.bind() + ":" + settings.port() + " (" + e.getMessage()
                    + "): another process has the port. Stop it, or set QUERY_PORT to a free port.", e);
        }
        // More request threads than statements at once: /health and /tables answer while two statements run.
        ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "query-worker");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/query", this::query);
        server.createContext("/tables", this::tables);
        server.createContext("/health", exchange -> send(exchange, 200, TEXT, "ok\n"));
        server.createContext("/verify", this::verify);
        server.start();
        return server;
    }

    private void query(HttpExchange exchange) throws IOException {
        try {
            Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
            String sql;
            if ("POST".equals(exchange.getRequestMethod())) {
                sql = body(exchange.getRequestBody());
            } else if ("GET".equals(exchange.getRequestMethod()) && params.containsKey("sql")) {
                sql = params.get("sql");
            } else {
                send(exchange, 405, TEXT,
                        "error: POST the statement to /query (or GET /query?sql=...)\n");
                return;
            }
            QueryResult.Format format;
            try {
                format = QueryResult.Format.parse(params.getOrDefault("format", "table"));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(400, e.getMessage());
            }
            if (sql == null || sql.isBlank()) {
                send(exchange, 400, TEXT, "error: no statement; send one such as"
                        + " SELECT count(*) FROM silver.orders\n");
                return;
            }
            answer(exchange, sql.strip(), format);
        } catch (BadRequest e) {
            send(exchange, e.status, TEXT, "error: " + e.getMessage() + "\n");
        } catch (Exception e) {
            LOG.error("The query service failed on a request; it goes on", e);
            send(exchange, 500, TEXT, "error: " + e + "\n");
        }
    }

    /**
     * {@code POST /verify?timeout=SECONDS}, the tables to compare in the body (one per line; none:
     * all): {@code ./platform verify} in this warm JVM, instead of a Spark of its own. The answer
     * streams a line per event as it happens: {@code P <progress>}, then {@code R <line of the
     * report>}, and last {@code X <exit code>} (0 equal, 1 not, 2 failed). One at a time: 409 while
     * another runs.
     */
    void verify(HttpExchange exchange) throws IOException {
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                throw new BadRequest(405, "POST to /verify, the tables to compare in the body (one per line; none: all)");
            }
            Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
            int seconds;
            try {
                seconds = Integer.parseInt(params.getOrDefault("timeout", Integer.toString(VerifyMain.DEFAULT_TIMEOUT_SECONDS)));
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > VerifyMain.MAX_TIMEOUT_SECONDS) {
                throw new BadRequest(400, "timeout must be a number of seconds from 1 to " + VerifyMain.MAX_TIMEOUT_SECONDS
                        + " (" + VerifyMain.TIMEOUT + ")");
            }
            java.util.Set<String> tables = new java.util.LinkedHashSet<>(body(exchange.getRequestBody()).lines()
                    .filter(l -> !l.isBlank()).toList());
            if (!verifying.tryAcquire()) {
                throw new BadRequest(409, "a verify is running in the query service already; wait for it to end");
            }
            java.io.PrintStream out = null;
            try {
                exchange.getResponseHeaders().set("Content-Type", TEXT);
                exchange.sendResponseHeaders(200, 0);
                out = new java.io.PrintStream(exchange.getResponseBody(), true, StandardCharsets.UTF_8);
                out.println("X " + verify(tables, java.time.Duration.ofSeconds(seconds), out));
            } finally {
                // Released before the answer ends: a client that asks again as soon as it has it finds it free.
                verifying.release();
                if (out != null) {
                    out.close();
                } else {
                    exchange.close();
                }
                // A verify grows the heap up to its 1 GB, and an idle service collects next only
                // when Spark's periodic collection comes (every 30 minutes): a full collection now,
                // once the client has its answer, lets the JVM give back what it does not hold
                // (with -XX:MaxHeapFreeRatio, which the launchers set).
                System.gc();
            }
        } catch (BadRequest e) {
            send(exchange, e.status, TEXT, "error: " + e.getMessage() + "\n");
        }
    }

    private int verify(java.util.Set<String> tables, java.time.Duration timeout, java.io.PrintStream out) {
        long started = System.nanoTime();
        ConsoleSettings c = settings.console();
        try {
            Verifier.Report report = new Verifier(LakeSession.forVerifyIn(spark),
                    settings.lake().withStream(c.kafka(), c.topics().prefix(), c.checkpoint()), c.postgres(), c.slot(), timeout,
                    line -> {
                        out.println("P " + line);
                        if (out.checkError()) {
                            // The client is gone (./platform verify interrupted): stop, and free the service's cores.
                            throw new PlatformException("the client of this verify went away; verify stopped");
                        }
                    }).only(tables).run();
            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            boolean equal = Verifier.print(report, new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
            printed.toString(StandardCharsets.UTF_8).lines().forEach(l -> out.println("R " + l));
            LOG.info("verify {} in {} s: {}", tables.isEmpty() ? "of every table" : "of " + tables,
                    (System.nanoTime() - started) / 1_000_000_000, equal ? "equal" : "NOT equal");
            return equal ? 0 : 1;
        } catch (PlatformException e) {
            LOG.warn("verify: {}", e.getMessage());
            out.println("P verify: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            LOG.error("verify failed; the query service goes on", e);
            out.println("P verify failed: " + firstLine(e) + " (logs/query-service.log has the details)");
            return 2;
        }
    }

    /** A request the service cannot take: its status and why. */
    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private void answer(HttpExchange exchange, String sql, QueryResult.Format format) throws IOException, InterruptedException {
        statements.acquire();
        try {
            answerNow(exchange, sql, format);
        } finally {
            statements.release();
        }
    }

    private void answerNow(HttpExchange exchange, String sql, QueryResult.Format format) throws IOException {
        String group = "query-" + UUID.randomUUID();
        AtomicBoolean cancelled = new AtomicBoolean();
        long started = System.nanoTime();
        spark.sparkContext().setJobGroup(group, abbreviated(sql), true);
        ScheduledFuture<?> cancel = timer.schedule(() -> {
            cancelled.set(true);
            spark.sparkContext().cancelJobGroup(group);
        }, settings.timeoutSeconds(), TimeUnit.SECONDS);
        LakeQueries.Answer a;
        try {
            a = queries.run(sql, format);
        } catch (Exception e) {
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (cancelled.get()) {
                LOG.warn("Cancelled after {} ms (QUERY_TIMEOUT_SECONDS={}): {}", ms, settings.timeoutSeconds(), abbreviated(sql));
                send(exchange, 408, TEXT, "error: the statement ran longer than QUERY_TIMEOUT_SECONDS ("
                        + settings.timeoutSeconds() + " s) and was cancelled\n");
                return;
            }
            LOG.warn("Failed after {} ms: {}: {}", ms, abbreviated(sql), e.toString());
            send(exchange, 500, TEXT, "error: " + firstLine(e) + "\n");
            return;
        } finally {
            cancel.cancel(false);
            spark.sparkContext().clearJobGroup();
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        LOG.info("{} in {} ms, {} row(s){}: {}", a.outcome(), ms, a.rows(), a.truncated() ? " (more left out)" : "",
                abbreviated(sql));
        int status = switch (a.outcome()) {
            case OK -> 200;
            case REFUSED -> 403;
            case FAILED -> 400;
        };
        exchange.getResponseHeaders().add("X-Rows", Integer.toString(a.rows()));
        exchange.getResponseHeaders().add("X-Truncated", Boolean.toString(a.truncated()));
        send(exchange, status, status == 200 ? format.contentType() : TEXT, a.body());
    }

    private void tables(HttpExchange exchange) throws IOException {
        try {
            send(exchange, 200, "application/json", new ObjectMapper().createObjectNode()
                    .set("tables", new ObjectMapper().valueToTree(queries.tables())).toString() + "\n");
        } catch (Exception e) {
            LOG.warn("Cannot list the lake's tables: {}", e.toString());
            send(exchange, 500, TEXT, "error: cannot list the lake's tables: " + firstLine(e) + "\n");
        }
    }

    private static String body(InputStream in) throws IOException, BadRequest {
        byte[] bytes = in.readNBytes(MAX_STATEMENT + 1);
        if (bytes.length > MAX_STATEMENT) {
            throw new BadRequest(413, "the statement is longer than " + MAX_STATEMENT + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static Map<String, String> params(String rawQuery) throws BadRequest {
        try {
            return decode(rawQuery);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "the request's parameters are not URL-encoded: " + e.getMessage());
        }
    }

    private static Map<String, String> decode(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String abbreviated(String sql) {
        String one = sql.replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 197) + "..." : one;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
