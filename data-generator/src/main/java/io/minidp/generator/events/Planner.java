package io.minidp.generator.events;

import io.minidp.generator.model.ShopModel;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decides the next business event from a seeded random source and the shop model, and updates
 * the model as if it had happened. The same seed on the same model gives the same events. When the
 * drawn kind cannot happen (no open order to move on, no stock anywhere), the next kind that can is
 * planned instead, so every call yields an event.
 */
public final class Planner {

    private static final String[] FIRST = {"Anna", "José", "Zoë", "Søren", "Łukasz", "Ελένη", "Дмитрий", "王芳",
            "Ömer", "François", "Siobhán", "Aarav", "Chloé", "Björn", "Nguyễn", "Inês", "Liam", "Emma", "Noah", "Mia"};
    private static final String[] LAST = {"Smith", "García", "Müller", "O'Brien", "Nowak", "Papadopoulou", "Иванов",
            "Tanaka", "Yılmaz", "Dubois", "Sharma", "Johansson", "Trần", "Van der Berg", "Gonçalves", "Rossi"};
    private static final String[][] PLACES = {{"Berlin", "DE"}, {"Paris", "FR"}, {"London", "GB"},
            {"New York", "US"}, {"São Paulo", "BR"}, {"Tokyo", "JP"}, {"Kraków", "PL"}, {"Athens", "GR"},
            {"Mumbai", "IN"}, {"Zürich", "CH"}, {"Montréal", "CA"}, {"Sydney", "AU"}};
    private static final String[] STREETS = {"Main Street", "Rue de la Paix", "Hauptstraße", "Baker Street",
            "Rua Augusta", "ul. Floriańska"};
    private static final int[] QUANTITIES = {1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5};

    private final SplittableRandom random;
    private final ShopModel model;
    private final Clock clock;
    private final EventKind[] wheel;
    private Instant simulated;

    /**
     * @param mix   relative weight of each kind
     * @param clock the wall clock, or null for a simulated one that starts after the model's latest
     *              timestamp and moves one second per event, which makes whole runs reproducible
     */
    public Planner(long seed, ShopModel model, Map<EventKind, Integer> mix, Clock clock) {
        this.random = new SplittableRandom(seed);
        this.model = model;
        this.clock = clock;
        this.simulated = model.latest.truncatedTo(ChronoUnit.SECONDS);
        int total = mix.values().stream().mapToInt(Integer::intValue).sum();
        this.wheel = new EventKind[total];
        int i = 0;
        for (Map.Entry<EventKind, Integer> e : new EnumMap<>(mix).entrySet()) {
            for (int n = 0; n < e.getValue(); n++) {
                wheel[i++] = e.getKey();
            }
        }
    }

    public Event next() {
        Instant now = now();
        EventKind drawn = wheel[random.nextInt(wheel.length)];
        for (int attempt = 0; attempt < EventKind.values().length; attempt++) {
            EventKind kind = EventKind.values()[(drawn.ordinal() + attempt) % EventKind.values().length];
            Event e = plan(kind, now);
            if (e != null) {
                return e;
            }
        }
        // Nothing else can happen (no customers, no products): someone signs up.
        return signup(now);
    }

    private Instant now() {
        if (clock == null) {
            simulated = simulated.plusSeconds(1);
            return simulated;
        }
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private Event plan(EventKind kind, Instant now) {
        return switch (kind) {
            case SIGNUP -> signup(now);
            case CUSTOMER_UPDATE -> model.customers.isEmpty() ? null : customerUpdate();
            case ORDER -> order(now);
            case ORDER_PROGRESS -> model.openOrderIds.isEmpty() ? null : progress(now);
            case PRODUCT_UPDATE -> model.productIds.isEmpty() ? null : productUpdate();
            case ERASURE -> model.customers.size() < 2 ? null : erasure();
        };
    }

    private Event signup(Instant now) {
        long id = model.nextCustomerId++;
        String first = pick(FIRST);
        String last = pick(LAST);
        String[] place = PLACES[random.nextInt(PLACES.length)];
        model.customers.add(id);
        return new Event.Signup(id, first, last, email(first, last, id), street(), place[0], place[1], now);
    }

    private Event customerUpdate() {
        long id = model.customers.pick(random);
        if (random.nextBoolean()) {
            return new Event.CustomerUpdate(id, email(pick(FIRST), pick(LAST), id), null, null, null);
        }
        String[] place = PLACES[random.nextInt(PLACES.length)];
        return new Event.CustomerUpdate(id, null, street(), place[0], place[1]);
    }

    private Event order(Instant now) {
        if (model.customers.isEmpty() || model.productIds.isEmpty()) {
            return null;
        }
        long customer = model.customers.pick(random);
        int quantity = QUANTITIES[random.nextInt(QUANTITIES.length)];
        for (int tries = 0; tries < 8; tries++) {
            ShopModel.Product p = model.products.get(model.productIds.pick(random));
            if (p.stock >= quantity) {
                p.stock -= quantity;
                long id = model.nextOrderId++;
                model.addOpenOrder(new ShopModel.Order(id, p.id, quantity, "placed"));
                return new Event.OrderPlaced(id, customer, p.id, quantity, p.price, now);
            }
        }
        return null; // sold out, as far as this customer looked
    }

    private Event progress(Instant now) {
        ShopModel.Order o = model.openOrders.get(model.openOrderIds.pick(random));
        int roll = random.nextInt(100);
        String to = switch (o.status) {
            case "placed" -> roll < 85 ? "paid" : "cancelled";
            case "paid" -> roll < 95 ? "shipped" : "cancelled";
            case "shipped" -> "delivered";
            default -> "refunded"; // delivered, and kept open for a possible refund
        };
        String from = o.status;
        o.status = to;
        boolean refundable = to.equals("delivered") && roll < 10;
        if (to.equals("cancelled") || to.equals("refunded")) {
            model.products.get(o.productId).stock += o.quantity;
            model.closeOrder(o.id);
        } else if (to.equals("delivered") && !refundable) {
            model.closeOrder(o.id);
        }
        return new Event.OrderProgress(o.id, o.productId, o.quantity, from, to, now);
    }

    private Event productUpdate() {
        ShopModel.Product p = model.products.get(model.productIds.pick(random));
        if (random.nextBoolean()) {
            BigDecimal factor = BigDecimal.valueOf(90 + random.nextInt(21), 2); // 0.90 .. 1.10
            BigDecimal price = p.price.multiply(factor).setScale(2, RoundingMode.HALF_EVEN).max(new BigDecimal("0.01"));
            p.price = price;
            return new Event.ProductUpdate(p.id, price, 0);
        }
        long restock = 10 + random.nextInt(91);
        p.stock += restock;
        return new Event.ProductUpdate(p.id, null, restock);
    }

    private Event erasure() {
        long id = model.customers.pick(random);
        model.customers.remove(id);
        return new Event.Erasure(id);
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String street() {
        String s = (1 + random.nextInt(250)) + " " + pick(STREETS);
        return random.nextInt(10) == 0 ? s + ", Apt. " + (1 + random.nextInt(40)) : s;
    }

    private String email(String first, String last, long id) {
        String local = (first + "." + last).toLowerCase(Locale.ROOT).replace(" ", "").replace("'", "");
        return local + "." + id + "." + random.nextInt(1000) + "@example.com";
    }
}
