package io.minidp.consumer;

import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;

/**
 * Checks a decoded Debezium change: the envelope (op, source, ts_ms), an op among c, u, d, r
 * (snapshot read) and t (TRUNCATE, which has neither key nor row), a key, a row image where the op
 * needs one (after for c/u/r, before for d), and, for the shop's own tables, its rules on that row
 * ({@link ShopRules}). Returns why a change is invalid, or empty when it is fine.
 */
final class ChangeValidator {

    private ChangeValidator() {}

    static Optional<String> check(String schema, String table, GenericRecord key, GenericRecord value) {
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
        return ShopRules.check(schema, table, row);
    }
}
