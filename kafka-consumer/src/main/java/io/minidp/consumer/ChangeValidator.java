package io.minidp.consumer;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Checks a decoded Debezium change: the envelope (op, source, ts_ms), an op among c, u, d, r
 * (snapshot read) and t (TRUNCATE, which has neither key nor row), a key, a row image where the op
 * needs one (after for c/u/r, before for d), and the shop's business rules on that row. Returns why a change is invalid, or empty when it is fine.
 */
final class ChangeValidator {

    static final Set<String> ORDER_STATUSES = Set.of("placed", "paid", "shipped", "delivered", "cancelled", "refunded");
    /** Columns whose values are amounts or counts, and so never negative. */
    static final Set<String> NON_NEGATIVE = Set.of("quantity", "price", "unit_price", "amount", "total", "stock");

    private ChangeValidator() {}

    static Optional<String> check(String table, GenericRecord key, GenericRecord value) {
        for (String field : List.of("op", "source", "ts_ms", "before", "after")) {
            if (value.getSchema().getField(field) == null) {
                return Optional.of("the envelope has no '" + field + "' field: not a Debezium change event");
            }
        }
        Object op = value.get("op");
        String o = op == null ? "null" : op.toString();
        if (o.equals("t")) {
            return value.get("before") == null && value.get("after") == null ? Optional.empty()
                    : Optional.of("op 't' (TRUNCATE) with a row image");
        }
        if (key == null) {
            return Optional.of("the change has no key (Debezium writes one for every table with a primary key)");
        }
        GenericRecord row;
        switch (o) {
            case "c", "u", "r" -> {
                row = (GenericRecord) value.get("after");
                if (row == null) {
                    return Optional.of("op '" + o + "' without an after image");
                }
            }
            case "d" -> {
                row = (GenericRecord) value.get("before");
                if (row == null) {
                    return Optional.of("op 'd' without a before image (is REPLICA IDENTITY FULL set on " + table + "?)");
                }
            }
            default -> {
                return Optional.of("unknown op '" + o + "' (expected c, u, d, r or t)");
            }
        }
        return businessRules(table, row);
    }

    static Optional<String> businessRules(String table, GenericRecord row) {
        for (Schema.Field f : row.getSchema().getFields()) {
            Object v = row.get(f.name());
            if (v != null && NON_NEGATIVE.contains(f.name()) && negative(v)) {
                return Optional.of(table + "." + f.name() + " is negative (" + v + ")");
            }
        }
        if (table.equals("orders") && row.getSchema().getField("status") != null) {
            Object status = row.get("status");
            if (status != null && !ORDER_STATUSES.contains(status.toString())) {
                return Optional.of("orders.status '" + status + "' is not one of " + ORDER_STATUSES.stream().sorted().toList());
            }
        }
        if (table.equals("customers") && row.getSchema().getField("email") != null) {
            Object email = row.get("email");
            if (email != null && !email.toString().contains("@")) {
                return Optional.of("customers.email '" + email + "' has no '@'");
            }
        }
        return Optional.empty();
    }

    private static boolean negative(Object v) {
        if (v instanceof BigDecimal d) {
            return d.signum() < 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue() < 0;
        }
        return false;
    }
}
