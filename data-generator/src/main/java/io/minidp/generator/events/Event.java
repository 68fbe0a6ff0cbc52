package io.minidp.generator.events;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * One business event, written as one statement and so as one transaction. The statement checks
 * that the data is as planned (an order moves only from the status it was planned from, stock
 * never goes below zero) and changes nothing otherwise. When it does change the data, it also
 * records the event's sequence number in {@code generator.applied}, in the same transaction, so
 * that after a lost answer the generator can tell whether the event committed.
 */
public sealed interface Event {

    EventKind kind();

    /** The rows it touches; events sharing a key run in plan order, the others in parallel. */
    List<String> keys();

    /** Runs the event as event number {@code seq}; true when it changed the data, false when it was not as planned. */
    boolean apply(Connection c, long seq) throws SQLException;

    /**
     * Runs {@code effect}, a data-changing statement with RETURNING, preceded by {@code ctes}
     * (", "-joined CTE definitions, or empty), and marks {@code seq} as applied when it returned a row.
     */
    private static boolean run(Connection c, long seq, String ctes, String effect, Object... params) throws SQLException {
        String sql = "WITH " + ctes + (ctes.isEmpty() ? "" : ", ") + "effect AS (" + effect + "),"
                + " mark AS (INSERT INTO generator.applied (seq) SELECT ? FROM effect LIMIT 1)"
                + " SELECT count(*) FROM effect";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            for (Object p : params) {
                ps.setObject(++i, p instanceof Instant t ? Timestamp.from(t) : p);
            }
            ps.setLong(++i, seq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    record Signup(long customerId, String firstName, String lastName, String email, String street, String city,
                  String country, Instant at) implements Event {
        public EventKind kind() {
            return EventKind.SIGNUP;
        }

        public List<String> keys() {
            return List.of("c" + customerId);
        }

        public boolean apply(Connection c, long seq) throws SQLException {
            return run(c, seq, "", "INSERT INTO customers (customer_id, first_name, last_name, email, street, city,"
                    + " country, signed_up_at, is_active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, true) RETURNING 1",
                    customerId, firstName, lastName, email, street, city, country, at);
        }
    }

    /** A new email when {@code email} is set, else a new address. */
    record CustomerUpdate(long customerId, String email, String street, String city, String country) implements Event {
        public EventKind kind() {
            return EventKind.CUSTOMER_UPDATE;
        }

        public List<String> keys() {
            return List.of("c" + customerId);
        }

        public boolean apply(Connection c, long seq) throws SQLException {
            return email != null
                    ? run(c, seq, "", "UPDATE customers SET email = ? WHERE customer_id = ? RETURNING 1", email, customerId)
                    : run(c, seq, "", "UPDATE customers SET street = ?, city = ?, country = ? WHERE customer_id = ?"
                            + " RETURNING 1", street, city, country, customerId);
        }
    }

    record OrderPlaced(long orderId, long customerId, long productId, int quantity, BigDecimal unitPrice, Instant at)
            implements Event {
        public EventKind kind() {
            return EventKind.ORDER;
        }

        public List<String> keys() {
            return List.of("c" + customerId, "p" + productId, "o" + orderId);
        }

        public boolean apply(Connection c, long seq) throws SQLException {
            return run(c, seq, "taken AS (UPDATE products SET stock = stock - ? WHERE product_id = ? AND stock >= ?"
                    + " RETURNING product_id)",
                    "INSERT INTO orders (order_id, customer_id, product_id, quantity, unit_price, status, ordered_at)"
                    + " SELECT ?, ?, product_id, ?, ?, 'placed', ? FROM taken RETURNING 1",
                    quantity, productId, quantity, orderId, customerId, quantity, unitPrice, at);
        }
    }

    /** One step of an order's lifecycle; cancelled and refunded orders put their stock back. */
    record OrderProgress(long orderId, long productId, int quantity, String from, String to, Instant at)
            implements Event {
        public EventKind kind() {
            return EventKind.ORDER_PROGRESS;
        }

        public List<String> keys() {
            return List.of("o" + orderId, "p" + productId);
        }

        public boolean apply(Connection c, long seq) throws SQLException {
            String stamp = switch (to) {
                case "paid" -> ", paid_at = ?";
                case "shipped" -> ", shipped_at = ?";
                case "delivered" -> ", delivered_at = ?";
                default -> "";
            };
            String move = "UPDATE orders SET status = ?" + stamp + " WHERE order_id = ? AND status = ?";
            Object[] params = stamp.isEmpty() ? new Object[] {to, orderId, from} : new Object[] {to, at, orderId, from};
            if (to.equals("cancelled") || to.equals("refunded")) {
                Object[] all = new Object[params.length + 1];
                System.arraycopy(params, 0, all, 0, params.length);
                all[params.length] = productId;
                return run(c, seq, "moved AS (" + move + " RETURNING quantity)",
                        "UPDATE products SET stock = stock + moved.quantity FROM moved WHERE product_id = ? RETURNING 1", all);
            }
            return run(c, seq, "", move + " RETURNING 1", params);
        }
    }

    /** A new price when {@code newPrice} is set, else {@code restock} more units. */
    record ProductUpdate(long productId, BigDecimal newPrice, long restock) implements Event {
        public EventKind kind() {
            return EventKind.PRODUCT_UPDATE;
        }

        public List<String> keys() {
            return List.of("p" + productId);
        }

        public boolean apply(Connection c, long seq) throws SQLException {
            return newPrice != null
                    ? run(c, seq, "", "UPDATE products SET price = ? WHERE product_id = ? RETURNING 1", newPrice, productId)
                    : run(c, seq, "", "UPDATE products SET stock = stock + ? WHERE product_id = ? RETURNING 1",
                            restock, productId);
        }
    }

    /** The customer is deleted; their orders stay, for the books, without a customer. */
    record Erasure(long customerId) implements Event {
        public EventKind kind() {
            return EventKind.ERASURE;
        }

        public List<String> keys() {
            return List.of("c" + customerId);
        }

        public boolean apply(Connection c, long seq) throws SQLException {
            return run(c, seq, "anonymised AS (UPDATE orders SET customer_id = NULL WHERE customer_id = ?)",
                    "DELETE FROM customers WHERE customer_id = ? RETURNING 1", customerId, customerId);
        }
    }
}
