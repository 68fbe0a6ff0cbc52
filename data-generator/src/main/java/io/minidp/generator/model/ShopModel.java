package io.minidp.generator.model;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * What the shop looks like, as the generator plans against it: the customers it can serve, each
 * product's price and stock, and the orders still moving through their lifecycle. Loaded in key
 * order, so the same starting data gives the same model, and updated as each event is planned.
 */
public final class ShopModel {

    public static final class Product {
        public final long id;
        public BigDecimal price;
        public long stock;

        Product(long id, BigDecimal price, long stock) {
            this.id = id;
            this.price = price;
            this.stock = stock;
        }
    }

    /** An order that can still move on. */
    public static final class Order {
        public final long id;
        public final long productId;
        public final int quantity;
        public String status;

        public Order(long id, long productId, int quantity, String status) {
            this.id = id;
            this.productId = productId;
            this.quantity = quantity;
            this.status = status;
        }
    }

    public final IndexedSet customers = new IndexedSet();
    public final IndexedSet productIds = new IndexedSet();
    public final Map<Long, Product> products = new HashMap<>();
    public final IndexedSet openOrderIds = new IndexedSet();
    public final Map<Long, Order> openOrders = new HashMap<>();
    public long nextCustomerId;
    public long nextOrderId;
    /** The latest moment any order or customer row mentions; a simulated clock starts after it. */
    public Instant latest;

    public static ShopModel load(Connection c) throws SQLException {
        ShopModel m = new ShopModel();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT customer_id FROM customers ORDER BY customer_id")) {
                while (rs.next()) {
                    m.customers.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT product_id, price, stock FROM products ORDER BY product_id")) {
                while (rs.next()) {
                    Product p = new Product(rs.getLong(1), rs.getBigDecimal(2), rs.getLong(3));
                    m.products.put(p.id, p);
                    m.productIds.add(p.id);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT order_id, product_id, quantity, status FROM orders"
                    + " WHERE status IN ('placed', 'paid', 'shipped') ORDER BY order_id")) {
                while (rs.next()) {
                    m.addOpenOrder(new Order(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT"
                    + " (SELECT coalesce(max(customer_id), 0) FROM customers),"
                    + " (SELECT coalesce(max(order_id), 0) FROM orders),"
                    + " greatest((SELECT max(signed_up_at) FROM customers), (SELECT max(ordered_at) FROM orders),"
                    + "   (SELECT max(paid_at) FROM orders), (SELECT max(shipped_at) FROM orders),"
                    + "   (SELECT max(delivered_at) FROM orders))")) {
                rs.next();
                m.nextCustomerId = rs.getLong(1) + 1;
                m.nextOrderId = rs.getLong(2) + 1;
                OffsetDateTime latest = rs.getObject(3, OffsetDateTime.class);
                m.latest = latest == null ? Instant.EPOCH : latest.toInstant();
            }
        }
        return m;
    }

    public void addOpenOrder(Order o) {
        openOrders.put(o.id, o);
        openOrderIds.add(o.id);
    }

    public void closeOrder(long id) {
        openOrders.remove(id);
        openOrderIds.remove(id);
    }
}
