package io.minidp.initializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.PostgresConfig;
import io.minidp.engines.postgres.EmbeddedPostgres;
import io.minidp.initializer.schema.ColumnType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initializer against a real PostgreSQL; each test gets a database of its own. */
class DataInitializerIT {

    private static final Path SAMPLE_DATA = Path.of("..", "data", "input");
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path serverDir;
    private static EmbeddedPostgres server;

    @TempDir
    Path input;
    private PostgresConfig pg;

    @BeforeAll
    static void startPostgres() {
        server = EmbeddedPostgres.start(serverDir, "postgres");
    }

    @AfterAll
    static void stopPostgres() {
        server.close();
    }

    @BeforeEach
    void freshDatabase() {
        pg = server.database("test_" + DATABASES.incrementAndGet());
    }

    private Initializer.Result run(Path dir) {
        return run(dir, Map.of());
    }

    private Initializer.Result run(Path dir, Map<String, ColumnType> types) {
        return new Initializer(new InitializerConfig(pg, dir, Map.of(), types, "cdc_publication")).run();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(input.resolve(name), content, StandardCharsets.UTF_8);
    }

    private List<List<String>> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private String single(String sql) throws SQLException {
        return query(sql).get(0).get(0);
    }

    private List<String> tables() throws SQLException {
        return query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").stream()
                .map(r -> r.get(0)).toList();
    }

    private String checksum(String table, String key) throws SQLException {
        return single("SELECT md5(string_agg(t::text, '|' ORDER BY " + key + ")) FROM " + table + " t");
    }

    @Test
    void theSampleFilesLoadWithExactCountsTypesKeysAndChangeCaptureSettings() throws SQLException {
        Initializer.Result result = run(SAMPLE_DATA);

        assertThat(result.tables()).containsExactly(
                new Initializer.Outcome("customers", Initializer.Action.CREATED, 1000, List.of()),
                new Initializer.Outcome("products", Initializer.Action.CREATED, 200, List.of()),
                new Initializer.Outcome("orders", Initializer.Action.CREATED, 10000, List.of()));
        assertThat(result.preparations()).containsExactly(
                "installed an event trigger that sets REPLICA IDENTITY FULL on tables created later",
                "created publication cdc_publication for all tables of schema public",
                "created the signal table minidp_cdc.debezium_signal",
                "added minidp_cdc.debezium_signal to publication cdc_publication",
                "installed an event trigger that re-snapshots a table after ALTER TABLE");
        assertThat(single("SELECT count(*) FROM customers")).isEqualTo("1000");
        assertThat(single("SELECT count(*) FROM products")).isEqualTo("200");
        assertThat(single("SELECT count(*) FROM orders")).isEqualTo("10000");

        Map<String, String> types = new LinkedHashMap<>();
        query("SELECT table_name || '.' || column_name, format_type(atttypid, atttypmod)"
                + " FROM information_schema.columns c JOIN pg_attribute a"
                + " ON a.attrelid = (c.table_schema || '.' || c.table_name)::regclass AND a.attname = c.column_name"
                + " WHERE c.table_schema = 'public' ORDER BY table_name, ordinal_position")
                .forEach(r -> types.put(r.get(0), r.get(1)));
        assertThat(types).containsExactly(
                Map.entry("customers.customer_id", "integer"), Map.entry("customers.first_name", "text"),
                Map.entry("customers.last_name", "text"), Map.entry("customers.email", "text"),
                Map.entry("customers.phone", "text"), Map.entry("customers.street", "text"),
                Map.entry("customers.city", "text"), Map.entry("customers.country", "text"),
                Map.entry("customers.signed_up_at", "timestamp with time zone"),
                Map.entry("customers.is_active", "boolean"),
                Map.entry("orders.order_id", "integer"), Map.entry("orders.customer_id", "integer"),
                Map.entry("orders.product_id", "integer"), Map.entry("orders.quantity", "integer"),
                Map.entry("orders.unit_price", "numeric(18,2)"), Map.entry("orders.status", "text"),
                Map.entry("orders.ordered_at", "timestamp with time zone"),
                Map.entry("orders.paid_at", "timestamp with time zone"),
                Map.entry("orders.shipped_at", "timestamp with time zone"),
                Map.entry("orders.delivered_at", "timestamp with time zone"),
                Map.entry("orders.notes", "text"),
                Map.entry("products.product_id", "integer"), Map.entry("products.sku", "text"),
                Map.entry("products.name", "text"), Map.entry("products.description", "text"),
                Map.entry("products.category", "text"), Map.entry("products.price", "numeric(18,2)"),
                Map.entry("products.stock", "integer"),
                Map.entry("products.created_at", "timestamp with time zone"));

        assertThat(query("SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'f') ORDER BY 1, 2")).containsExactly(
                List.of("customers", "PRIMARY KEY (customer_id)"),
                List.of("orders", "FOREIGN KEY (customer_id) REFERENCES customers(customer_id)"),
                List.of("orders", "FOREIGN KEY (product_id) REFERENCES products(product_id)"),
                List.of("orders", "PRIMARY KEY (order_id)"),
                List.of("products", "PRIMARY KEY (product_id)"));
        assertThat(query("SELECT indexname FROM pg_indexes WHERE tablename = 'orders' ORDER BY 1")).containsExactly(
                List.of("orders_customer_id_idx"), List.of("orders_pkey"), List.of("orders_product_id_idx"));
        assertThat(query("SELECT relname, relreplident FROM pg_class WHERE relname IN ('customers','orders','products')"
                + " ORDER BY 1")).containsExactly(
                List.of("customers", "f"), List.of("orders", "f"), List.of("products", "f"));
        assertThat(query("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = 'cdc_publication'"
                + " ORDER BY 1")).containsExactly(List.of("minidp_cdc.debezium_signal"), List.of("public.customers"),
                List.of("public.orders"), List.of("public.products"));

        // A table created later is captured with full before images too.
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE returns (return_id integer PRIMARY KEY, reason text)");
        }
        assertThat(single("SELECT relreplident FROM pg_class WHERE relname = 'returns'")).isEqualTo("f");
        assertThat(query("SELECT tablename FROM pg_publication_tables WHERE pubname = 'cdc_publication'"
                + " AND tablename = 'returns'")).containsExactly(List.of("returns"));
    }

    @Test
    void valuesArriveExactlyAsTheFileHasThem() throws IOException, SQLException {
        String large = "x".repeat(100_000) + "…end";
        write("notes.csv", "id,title,body,amount,at,day,flag\n"
                + "1,\"Zoë, Łukasz & 王芳\",\"line one\nline \"\"two\"\"\",12.50,2025-03-01T23:30:00-05:00,2025-02-28,true\n"
                + "2,,," + "0.01" + ",2025-03-02 04:30:00.123456Z,,FALSE\n"
                + "3,big,\"" + large + "\",-99999999.99,2025-03-02T10:00:00+0530,2024-02-29,\n");

        run(input);

        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM notes ORDER BY id")) {
            rs.next();
            assertThat(rs.getString("title")).isEqualTo("Zoë, Łukasz & 王芳");
            assertThat(rs.getString("body")).isEqualTo("line one\nline \"two\"");
            assertThat(rs.getBigDecimal("amount")).isEqualTo(new BigDecimal("12.50"));
            assertThat(rs.getObject("at", OffsetDateTime.class))
                    .isEqualTo(OffsetDateTime.of(2025, 3, 2, 4, 30, 0, 0, ZoneOffset.UTC));
            assertThat(rs.getString("day")).isEqualTo("2025-02-28");
            assertThat(rs.getBoolean("flag")).isTrue();
            rs.next();
            assertThat(rs.getString("title")).isNull();
            assertThat(rs.getString("body")).isNull();
            assertThat(rs.getString("day")).isNull();
            assertThat(rs.getObject("at", OffsetDateTime.class))
                    .isEqualTo(OffsetDateTime.of(2025, 3, 2, 4, 30, 0, 123_456_000, ZoneOffset.UTC));
            assertThat(rs.getBoolean("flag")).isFalse();
            rs.next();
            assertThat(rs.getString("body")).isEqualTo(large);
            assertThat(rs.getBigDecimal("amount")).isEqualTo(new BigDecimal("-99999999.99"));
            assertThat(rs.getObject("at", OffsetDateTime.class))
                    .isEqualTo(OffsetDateTime.of(2025, 3, 2, 4, 30, 0, 0, ZoneOffset.UTC));
            assertThat(rs.getObject("flag")).isNull();
        }
    }

    @Test
    void aSecondRunChangesNothingAndSaysSo() throws SQLException {
        run(SAMPLE_DATA);
        String before = checksum("orders", "order_id") + checksum("customers", "customer_id");
        String xmin = single("SELECT max(xmin::text::bigint) FROM orders");

        Initializer.Result second = run(SAMPLE_DATA);

        assertThat(second.tables()).extracting(Initializer.Outcome::action).containsOnly(Initializer.Action.UNCHANGED);
        assertThat(second.preparations()).isEmpty();
        assertThat(second.changedNothing()).isTrue();
        assertThat(checksum("orders", "order_id") + checksum("customers", "customer_id")).isEqualTo(before);
        assertThat(single("SELECT max(xmin::text::bigint) FROM orders")).isEqualTo(xmin);
    }

    @Test
    void aTableChangedInTheDatabaseSinceItWasLoadedIsLeftAsItIsAndReported() throws SQLException {
        run(SAMPLE_DATA);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE customers ADD COLUMN tier integer DEFAULT 7");
            s.execute("TRUNCATE orders");
        }

        Initializer.Result second = run(SAMPLE_DATA);

        Map<String, Initializer.Outcome> byTable = new java.util.HashMap<>();
        second.tables().forEach(o -> byTable.put(o.table(), o));
        assertThat(byTable.get("customers").action()).isEqualTo(Initializer.Action.EVOLVED);
        String columns = "customer_id, first_name, last_name, email, phone, street, city, country, signed_up_at, is_active";
        assertThat(byTable.get("customers").changes()).containsExactly(
                "columns are [" + columns + ", tier] in the database but [" + columns + "] in the file");
        assertThat(byTable.get("orders").action()).as("a table emptied by the database's users is not filled again")
                .isEqualTo(Initializer.Action.UNCHANGED);
        assertThat(second.changedNothing()).isTrue();
        assertThat(single("SELECT count(*) FROM orders")).isEqualTo("0");
        assertThat(single("SELECT count(DISTINCT tier) || ':' || min(tier) FROM customers")).isEqualTo("1:7");
        assertThat(single("SELECT data FROM minidp_cdc.debezium_signal")).as("the ADD COLUMN asked for a re-snapshot")
                .isEqualTo("{\"data-collections\" : [\"public\\\\.customers\"], \"type\" : \"incremental\"}");
    }

    @Test
    void aTableOfAnotherShapeIsAnErrorAndIsLeftAlone() throws IOException, SQLException {
        write("customers.csv", "customer_id,name\n1,Ann\n");
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (customer_id bigint PRIMARY KEY, name varchar(10))");
            s.execute("INSERT INTO customers VALUES (7, 'Bo')");
        }

        assertThatThrownBy(() -> run(input)).isInstanceOf(PlatformException.class).hasMessage(
                "table customers exists with another shape than " + input.resolve("customers.csv") + " gives:"
                + " column customer_id is bigint in the database but integer from the file;"
                + " column name is character varying(10) in the database but text from the file."
                + " Nothing was changed. The initializer never merges shapes: drop the table"
                + " (or ./platform down --wipe for a fresh start), or make the file match it.");
        assertThat(query("SELECT * FROM customers")).containsExactly(List.of("7", "Bo"));
    }

    /** One bad file among good ones: the run fails with this message and no table is created. */
    private void assertRejected(String badFile, byte[] content, String expectedProblem, Map<String, ColumnType> types)
            throws IOException, SQLException {
        write("customers.csv", "customer_id,name\n1,Ann\n2,Bo\n");
        Files.write(input.resolve(badFile), content);

        assertThatThrownBy(() -> run(input, types)).isInstanceOf(PlatformException.class)
                .hasMessage(input.resolve(badFile) + expectedProblem);
        assertThat(tables()).isEmpty();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRaggedRowIsRejected() throws Exception {
        assertRejected("orders.csv", utf8("order_id,customer_id,total\n1,1,9.99\n2,2\n"),
                " line 3: the row has 2 fields but the header has 3 (column 3 (total) and after are missing)."
                + " Check for a missing or extra comma, or an unclosed quote.", Map.of());
    }

    @Test
    void aValueThatDoesNotFitItsColumnTypeIsRejected() throws Exception {
        assertRejected("orders.csv", utf8("order_id,customer_id,quantity\n1,1,3\n2,2,three\n"),
                " line 3, column 3 (quantity): 'three' is not a valid integer, the type integer set for"
                + " orders.quantity by INITIALIZER_COLUMN_TYPES. Fix the value or the setting.",
                Map.of("orders.quantity", ColumnType.INTEGER));
    }

    @Test
    void aDuplicateKeyIsRejected() throws Exception {
        assertRejected("orders.csv", utf8("order_id,customer_id\n1,1\n2,2\n1,2\n"),
                " line 4, column 1 (order_id): duplicate primary key '1' (first on line 2). Every row needs a distinct key.",
                Map.of());
    }

    @Test
    void aReferenceToAMissingRowIsRejected() throws Exception {
        assertRejected("orders.csv", utf8("order_id,customer_id\n1,1\n2,3\n"),
                " line 3, column 2 (customer_id): no row of customers has customer_id '3'. Fix the value, or add"
                + " that row to the customers file.", Map.of());
    }

    @Test
    void anEmptyHeaderIsRejected() throws Exception {
        assertRejected("orders.csv", utf8("\n1,1\n"),
                " line 1: the header line is empty; expected the column names. Put the column names, separated by"
                + " commas, on the first line.", Map.of());
    }

    @Test
    void aHeaderThatIsNotAnIdentifierIsRejectedAndNeverRunsAsSql() throws Exception {
        assertRejected("orders.csv", utf8("order_id,\"name\"\"; DROP TABLE customers; --\"\n1,x\n"),
                " line 1, column 2: 'name\"; DROP TABLE customers; --' is not a valid column name: use letters, digits"
                + " and underscores, starting with a letter or underscore, at most 63 characters (spaces, hyphens and"
                + " dots become underscores).", Map.of());
    }

    @Test
    void aFileThatIsNotUtf8IsRejected() throws Exception {
        assertRejected("orders.csv", "order_id,customer_id,note\n1,1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1),
                " line 2, column 8: the file is not valid UTF-8 (byte 0xE9). Save the file as UTF-8.", Map.of());
    }

    @Test
    void anEmptyFileIsRejected() throws Exception {
        assertRejected("orders.csv", new byte[0],
                ": the file is empty; expected a header line naming the columns. Add a header and rows, or remove the file.",
                Map.of());
    }

    @Test
    void aBadFileAddedLaterLeavesTheLoadedTablesAsTheyWere() throws Exception {
        write("customers.csv", "customer_id,name\n1,Ann\n2,Bo\n");
        run(input);
        String before = checksum("customers", "customer_id");
        write("orders.csv", "order_id,customer_id\n1,1\n1,2\n");

        assertThatThrownBy(() -> run(input)).hasMessageContaining("duplicate primary key '1'");

        assertThat(tables()).containsExactly("customers");
        assertThat(checksum("customers", "customer_id")).isEqualTo(before);
    }
}
