package io.minidp.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The consumer's change rules on Debezium envelopes built as Avro records, as the decoder hands them over. */
class ChangeValidatorTest {

    private static final Schema ORDER = SchemaBuilder.record("Value").namespace("shop.public.orders").fields()
            .requiredLong("order_id").optionalInt("quantity").optionalDouble("unit_price").optionalString("status")
            .endRecord();
    private static final Schema KEY = SchemaBuilder.record("Key").fields().requiredLong("order_id").endRecord();
    private static final Schema ENVELOPE = envelope(ORDER);

    @Test
    void aGoodChangeOfEveryOpPasses() {
        GenericRecord row = order(1, 2, 9.5, "paid");
        for (String op : new String[] {"c", "u", "r"}) {
            assertThat(check("public", "orders", key(1), change(op, null, row))).as("op %s", op).isEmpty();
        }
        assertThat(check("public", "orders", key(1), change("d", row, null))).isEmpty();
        assertThat(check("public", "orders", null, change("t", null, null))).as("a TRUNCATE has no key").isEmpty();
    }

    @Test
    void theEnvelopeAndTheImagesTheOpNeedsAreChecked() {
        GenericRecord row = order(1, 2, 9.5, "paid");
        assertThat(check("public", "orders", key(1), change("c", null, null))).contains("op 'c' without an after image");
        assertThat(check("public", "orders", key(1), change("d", null, null)))
                .contains("op 'd' without a before image (is REPLICA IDENTITY FULL set on orders?)");
        assertThat(check("public", "orders", null, change("u", null, row)))
                .contains("the change has no key (Debezium writes one for every table with a primary key)");
        assertThat(check("public", "orders", key(1), change("x", null, row))).contains("unknown op 'x' (expected c, u, d, r or t)");
        assertThat(check("public", "orders", null, change("t", null, row))).contains("op 't' (TRUNCATE) with a row image");

        Schema noSource = SchemaBuilder.record("Envelope").fields().optionalString("op").name("before").type().optional()
                .type(ORDER).name("after").type().optional().type(ORDER).optionalLong("ts_ms").endRecord();
        GenericRecord bare = new GenericData.Record(noSource);
        bare.put("op", "c");
        bare.put("after", row);
        assertThat(check("public", "orders", key(1), bare))
                .contains("the envelope has no 'source' field: not a Debezium change event");
    }

    @Test
    void theShopsRulesJudgeItsOwnTablesAndNamesTheColumnAndValue() {
        assertThat(check("public", "orders", key(1), change("c", null, order(1, -2, 9.5, "paid"))))
                .contains("orders.quantity is negative (-2)");
        assertThat(check("public", "orders", key(1), change("u", null, order(1, 2, -0.5, "paid"))))
                .contains("orders.unit_price is negative (-0.5)");
        assertThat(check("public", "orders", key(1), change("r", null, order(1, 2, 9.5, "lost"))))
                .contains("orders.status 'lost' is not one of [cancelled, delivered, paid, placed, refunded, shipped]");
        assertThat(check("public", "orders", key(1), change("d", order(1, -2, 9.5, "paid"), null)))
                .as("a delete is judged by its before image").contains("orders.quantity is negative (-2)");
        assertThat(check("public", "orders", key(1), change("c", null, order(1, 0, 0.0, null))))
                .as("zero and a null status pass").isEmpty();

        Schema product = SchemaBuilder.record("Value").fields().requiredLong("product_id").name("price").type()
                .optional().bytesType().optionalInt("stock").endRecord();
        GenericRecord p = new GenericData.Record(product);
        p.put("product_id", 7L);
        p.put("price", new BigDecimal("-1.00"));
        p.put("stock", 3);
        assertThat(ShopRules.check("public", "products", p)).contains("products.price is negative (-1.00)");

        Schema customer = SchemaBuilder.record("Value").fields().requiredLong("customer_id").optionalString("email")
                .endRecord();
        GenericRecord c = new GenericData.Record(customer);
        c.put("customer_id", 3L);
        c.put("email", "nobody.example.com");
        assertThat(ShopRules.check("public", "customers", c)).contains("customers.email 'nobody.example.com' has no '@'");
        c.put("email", "a@example.com");
        assertThat(ShopRules.check("public", "customers", c)).isEmpty();
    }

    @Test
    void aUsersOwnTablesAreNotJudgedByTheShopsRules() {
        GenericRecord negative = order(1, -2, -9.5, "lost");
        assertThat(check("sales", "orders", key(1), change("c", null, negative)))
                .as("an orders table in another schema is not the shop's").isEmpty();
        assertThat(check("public", "refunds", key(1), change("c", null, negative)))
                .as("a table of the user's own with the same column names").isEmpty();
        assertThat(ShopRules.tables()).containsExactlyInAnyOrder("customers", "orders", "products");
    }

    private static Optional<String> check(String schema, String table, GenericRecord key, GenericRecord value) {
        return ChangeValidator.check(schema, table, key, value);
    }

    private static Schema envelope(Schema row) {
        Schema source = SchemaBuilder.record("Source").namespace("io.debezium.connector.postgresql").fields()
                .requiredString("db").requiredString("schema").requiredString("table").endRecord();
        return SchemaBuilder.record("Envelope").namespace(row.getNamespace()).fields()
                .name("before").type().optional().type(row)
                .name("after").type().optional().type(row)
                .name("source").type(source).noDefault()
                .requiredString("op").optionalLong("ts_ms").endRecord();
    }

    private static GenericRecord change(String op, GenericRecord before, GenericRecord after) {
        GenericRecord source = new GenericData.Record(ENVELOPE.getField("source").schema());
        source.put("db", "shop");
        source.put("schema", "public");
        source.put("table", "orders");
        GenericRecord e = new GenericData.Record(ENVELOPE);
        e.put("before", before);
        e.put("after", after);
        e.put("source", source);
        e.put("op", op);
        e.put("ts_ms", 1_700_000_000_000L);
        return e;
    }

    private static GenericRecord order(long id, int quantity, double unitPrice, String status) {
        GenericRecord r = new GenericData.Record(ORDER);
        for (Map.Entry<String, Object> f : Map.<String, Object>of("order_id", id, "quantity", quantity, "unit_price", unitPrice)
                .entrySet()) {
            r.put(f.getKey(), f.getValue());
        }
        r.put("status", status);
        return r;
    }

    private static GenericRecord key(long id) {
        GenericRecord k = new GenericData.Record(KEY);
        k.put("order_id", id);
        return k;
    }
}
