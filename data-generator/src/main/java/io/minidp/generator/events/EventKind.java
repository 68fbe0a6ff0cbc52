package io.minidp.generator.events;

import java.util.Locale;

/** The business events the simulation writes, each as one transaction. */
public enum EventKind {
    /** A new customer signs up. */
    SIGNUP,
    /** A customer changes their email or address. */
    CUSTOMER_UPDATE,
    /** A customer orders a product at its current price; its stock goes down. */
    ORDER,
    /** An order moves one step on: paid, shipped, delivered, cancelled or refunded. */
    ORDER_PROGRESS,
    /** A product's price changes, or it is restocked. */
    PRODUCT_UPDATE,
    /** A customer asks to be erased: deleted, their orders kept without them. */
    ERASURE;

    /** The name used in configuration and logs. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EventKind fromId(String id) {
        for (EventKind k : values()) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown event kind '" + id + "'");
    }
}
