package io.minidp.generator;

import io.minidp.common.app.PlatformException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The columns the generator writes must exist in the tables the initializer created; all missing ones are named at once. */
final class SchemaCheck {

    static final Map<String, List<String>> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("customers", List.of("customer_id", "first_name", "last_name", "email", "street", "city",
                "country", "signed_up_at", "is_active"));
        REQUIRED.put("products", List.of("product_id", "price", "stock"));
        REQUIRED.put("orders", List.of("order_id", "customer_id", "product_id", "quantity", "unit_price", "status",
                "ordered_at", "paid_at", "shipped_at", "delivered_at"));
    }

    private SchemaCheck() {}

    static void verify(Connection c) throws SQLException {
        Set<String> present = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name || '.' || column_name FROM information_schema.columns"
                        + " WHERE table_schema = 'public'")) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        List<String> missing = new ArrayList<>();
        REQUIRED.forEach((table, columns) -> columns.stream().map(col -> table + "." + col)
                .filter(tc -> !present.contains(tc)).forEach(missing::add));
        if (!missing.isEmpty()) {
            throw new PlatformException("The generator writes columns that the database does not have: "
                    + String.join(", ", missing) + ". Load the shop's CSV files first (./platform up data-initializer),"
                    + " or add those columns to the files in data/input.");
        }
    }
}
