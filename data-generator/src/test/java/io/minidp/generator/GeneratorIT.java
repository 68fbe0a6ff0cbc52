package io.minidp.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.PostgresConfig;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.generator.events.Event;
import io.minidp.generator.events.EventKind;
import io.minidp.generator.events.Planner;
import io.minidp.generator.model.ShopModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator against a real PostgreSQL; each test gets its own database with the shop's tables. */
class GeneratorIT {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path serverDir;
    private static EmbeddedPostgres server;

    @BeforeAll
    static void startPostgres() {
        server = EmbeddedPostgres.start(serverDir, "postgres");
    }

    @AfterAll
    static void stopPostgres() {
        server.close();
    }

    private static PostgresConfig shopDatabase() throws IOException, SQLException {
        PostgresConfig pg = server.database("shop_" + DATABASES.incrementAndGet());
        try (InputStream in = GeneratorIT.class.getResourceAsStream("/shop.sql")) {
            execute(pg, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return pg;
    }

    private static GeneratorConfig config(PostgresConfig pg, long events, double rate, int connections) {
        return new GeneratorConfig(pg, rate, events, Duration.ZERO, 7, GeneratorConfig.parseMix(GeneratorConfig.DEFAULT_MIX),
                connections, true, Duration.ofSeconds(5));
    }

    private static void execute(PostgresConfig pg, String sql) throws SQLException {
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection connect(PostgresConfig pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
    }

    private static long count(PostgresConfig pg, String sql) throws SQLException {
        try (Connection c = connect(pg); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, Long> ordersByStatus(PostgresConfig pg) throws SQLException {
        Map<String, Long> m = new HashMap<>();
        try (Connection c = connect(pg); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status, count(*) FROM orders GROUP BY status")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2));
            }
        }
        return m;
    }

    private static String checksum(PostgresConfig pg, String table, String key) throws SQLException {
        try (Connection c = connect(pg); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT md5(string_agg(t::text, '|' ORDER BY " + key + ")) FROM " + table + " t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void nEventsWithASeedCommitExactlyThePlannedEventsVisibleInTheTables() throws Exception {
        PostgresConfig pg = shopDatabase();
        Map<String, Long> statusBefore = ordersByStatus(pg);
        long customersBefore = count(pg, "SELECT count(*) FROM customers");
        long ordersBefore = count(pg, "SELECT count(*) FROM orders");

        // What the seed plans, worked out without writing anything.
        Map<EventKind, Long> planned = new EnumMap<>(EventKind.class);
        Map<String, Long> statusExpected = new HashMap<>(statusBefore);
        try (Connection c = connect(pg)) {
            Planner planner = new Planner(7, ShopModel.load(c), GeneratorConfig.parseMix(GeneratorConfig.DEFAULT_MIX), null);
            for (int i = 0; i < 3000; i++) {
                Event e = planner.next();
                planned.merge(e.kind(), 1L, Long::sum);
                if (e instanceof Event.OrderPlaced) {
                    statusExpected.merge("placed", 1L, Long::sum);
                } else if (e instanceof Event.OrderProgress p) {
                    statusExpected.merge(p.from(), -1L, Long::sum);
                    statusExpected.merge(p.to(), 1L, Long::sum);
                }
            }
        }

        Generator.Summary summary = new Generator(config(pg, 3000, 0, 4)).run();

        assertThat(summary.committed()).isEqualTo(planned);
        assertThat(summary.committedTotal()).isEqualTo(3000);
        assertThat(summary.rejected()).isZero();
        assertThat(planned.values()).allMatch(n -> n > 0);
        assertThat(count(pg, "SELECT count(*) FROM customers"))
                .isEqualTo(customersBefore + planned.get(EventKind.SIGNUP) - planned.get(EventKind.ERASURE));
        assertThat(count(pg, "SELECT count(*) FROM orders")).isEqualTo(ordersBefore + planned.get(EventKind.ORDER));
        statusExpected.values().removeIf(n -> n == 0);
        assertThat(ordersByStatus(pg)).isEqualTo(statusExpected);
    }

    @Test
    void theSameSeedOnTheSameDataGivesIdenticalTables() throws Exception {
        PostgresConfig first = shopDatabase();
        PostgresConfig second = shopDatabase();

        new Generator(config(first, 4000, 0, 8)).run();
        new Generator(config(second, 4000, 0, 3)).run();

        for (String[] t : new String[][] {{"customers", "customer_id"}, {"products", "product_id"}, {"orders", "order_id"}}) {
            assertThat(checksum(second, t[0], t[1])).as(t[0]).isEqualTo(checksum(first, t[0], t[1]));
        }
    }

    @Test
    void aLongRunKeepsReferencesStockAndTheOrderLifecycleIntact() throws Exception {
        PostgresConfig pg = shopDatabase();
        // Any step backwards in an order's lifecycle would fail its event here, and show as rejected.
        execute(pg, """
                CREATE FUNCTION forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE allowed text[] := ARRAY['placed>paid', 'placed>cancelled', 'paid>shipped', 'paid>cancelled',
                                                'shipped>delivered', 'delivered>refunded'];
                BEGIN
                  IF NEW.status <> OLD.status AND NOT (OLD.status || '>' || NEW.status) = ANY (allowed) THEN
                    RAISE EXCEPTION 'order % moved from % to %', OLD.order_id, OLD.status, NEW.status;
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER forward_only BEFORE UPDATE OF status ON orders FOR EACH ROW EXECUTE FUNCTION forward_only();
                ALTER TABLE products ADD CONSTRAINT stock_never_negative CHECK (stock >= 0);
                """);

        Generator.Summary summary = new Generator(config(pg, 50_000, 0, 8)).run();

        assertThat(summary.committedTotal()).isEqualTo(50_000);
        assertThat(summary.rejected()).isZero();
        assertThat(count(pg, "SELECT count(*) FROM orders o WHERE o.customer_id IS NOT NULL"
                + " AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = o.customer_id)")).isZero();
        assertThat(count(pg, "SELECT count(*) FROM orders o"
                + " WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.product_id = o.product_id)")).isZero();
        assertThat(count(pg, "SELECT count(*) FROM products WHERE stock < 0")).isZero();
        assertThat(count(pg, "SELECT count(*) FROM orders WHERE paid_at < ordered_at OR shipped_at < paid_at"
                + " OR delivered_at < shipped_at")).isZero();
        assertThat(count(pg, "SELECT count(*) FROM orders WHERE"
                + " (status IN ('paid', 'shipped', 'delivered', 'refunded') AND paid_at IS NULL)"
                + " OR (status IN ('shipped', 'delivered', 'refunded') AND shipped_at IS NULL)"
                + " OR (status IN ('delivered', 'refunded') AND delivered_at IS NULL)"
                + " OR (status = 'placed' AND paid_at IS NOT NULL)")).isZero();
        assertThat(count(pg, "SELECT count(*) FROM orders WHERE customer_id IS NULL")).isPositive();
    }

    @Test
    void itRidesOutAPostgresRestartAndCountsOnlyWhatCommitted() throws Exception {
        PostgresConfig pg = shopDatabase();
        long customersBefore = count(pg, "SELECT count(*) FROM customers");
        long ordersBefore = count(pg, "SELECT count(*) FROM orders");
        Generator generator = new Generator(config(pg, 0, 400, 4));
        CompletableFuture<Generator.Summary> run = CompletableFuture.supplyAsync(() -> {
            try {
                return generator.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitCount(pg, ordersBefore + 100);

        server.stop();
        Thread.sleep(3000); // PostgreSQL stays down for a while: the point of the test
        server.startAgain();
        long afterRestart = count(pg, "SELECT count(*) FROM orders");
        awaitCount(pg, afterRestart + 100);
        generator.stop();
        Generator.Summary summary = run.get(60, TimeUnit.SECONDS);

        assertThat(summary.rejected()).isZero();
        assertThat(summary.abandoned()).isZero();
        assertThat(count(pg, "SELECT count(*) FROM orders"))
                .isEqualTo(ordersBefore + summary.committed().get(EventKind.ORDER));
        assertThat(count(pg, "SELECT count(*) FROM customers")).isEqualTo(customersBefore
                + summary.committed().get(EventKind.SIGNUP) - summary.committed().get(EventKind.ERASURE));
    }

    /** Bounded wait until the generator has written at least {@code orders} orders. */
    private static void awaitCount(PostgresConfig pg, long orders) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count(pg, "SELECT count(*) FROM orders") < orders) {
            assertThat(System.nanoTime()).as("orders reach %d within 60 s", orders).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aMissingColumnFailsAtStartUpNamingTableAndColumn() throws Exception {
        PostgresConfig pg = shopDatabase();
        execute(pg, "ALTER TABLE orders DROP COLUMN paid_at; ALTER TABLE products DROP COLUMN stock");

        assertThatThrownBy(() -> new Generator(config(pg, 10, 0, 1)).run()).isInstanceOf(PlatformException.class)
                .hasMessage("The generator writes columns that the database does not have: products.stock, orders.paid_at."
                        + " Load the shop's CSV files first (./platform up data-initializer), or add those columns to"
                        + " the files in data/input.");
    }
}
