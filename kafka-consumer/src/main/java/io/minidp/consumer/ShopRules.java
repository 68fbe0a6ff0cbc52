package io.minidp.consumer;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;

/**
 * The shop's own rules: what a row of its tables ({@code data/input}'s customers, orders and
 * products, in schema {@value #SCHEMA}) must hold beyond what PostgreSQL enforces. They judge those
 * tables only: a user's own table with a {@code price} column, or an {@code orders} table in
 * another schema, is not the shop's.
 */
final class ShopRules {

    /** The schema the initializer creates the shop's tables in. */
    static final String SCHEMA = "public";
    static final Set<String> ORDER_STATUSES = Set.of("placed", "paid", "shipped", "delivered", "cancelled", "refunded");

    /** A rule on one row image of one table: why it breaks the rule, or empty. */
    @FunctionalInterface
    interface RowRule {
        Optional<String> check(String table, GenericRecord row);
    }

    private static final Map<String, List<RowRule>> RULES = Map.of(
            "customers", List.of(contains("email", "@")),
            "orders", List.of(nonNegative("quantity"), nonNegative("unit_price"), oneOf("status", ORDER_STATUSES)),
            "products", List.of(nonNegative("price"), nonNegative("stock")));

    private ShopRules() {}

    /** The tables the rules judge, by name in {@value #SCHEMA}. */
    static Set<String> tables() {
        return RULES.keySet();
    }

    /** The first rule {@code row}, an image of {@code schema.table}, breaks; empty when none (or not a shop table). */
    static Optional<String> check(String schema, String table, GenericRecord row) {
        if (!SCHEMA.equals(schema)) {
            return Optional.empty();
        }
        for (RowRule rule : RULES.getOrDefault(table, List.of())) {
            Optional<String> problem = rule.check(table, row);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /** An amount or a count: never negative. A column the row does not have, or a null, passes. */
    static RowRule nonNegative(String column) {
        return (table, row) -> {
            Object v = value(row, column);
            return negative(v) ? Optional.of(table + "." + column + " is negative (" + v + ")") : Optional.empty();
        };
    }

    /** One of {@code allowed}. */
    static RowRule oneOf(String column, Set<String> allowed) {
        return (table, row) -> {
            Object v = value(row, column);
            return v == null || allowed.contains(v.toString()) ? Optional.empty()
                    : Optional.of(table + "." + column + " '" + v + "' is not one of " + allowed.stream().sorted().toList());
        };
    }

    /** Text that contains {@code part}. */
    static RowRule contains(String column, String part) {
        return (table, row) -> {
            Object v = value(row, column);
            return v == null || v.toString().contains(part) ? Optional.empty()
                    : Optional.of(table + "." + column + " '" + v + "' has no '" + part + "'");
        };
    }

    private static Object value(GenericRecord row, String column) {
        return row.getSchema().getField(column) == null ? null : row.get(column);
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
