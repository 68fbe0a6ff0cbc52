package io.minidp.initializer.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyPlannerTest {

    private static KeyPlanner.Header header(String file, String... columns) {
        return new KeyPlanner.Header(Path.of(file), List.of(columns));
    }

    @Test
    void findsKeysAndReferencesAndLoadsReferencedTablesFirst() {
        List<TablePlan> plans = KeyPlanner.plan(List.of(
                header("orders.csv", "order_id", "customer_id", "product_id", "category_id"),
                header("Products.csv", "id", "category_id", "name"),
                header("customers.csv", "customer_id", "name"),
                header("categories.csv", "category_id", "name")), Map.of());

        assertThat(plans).extracting(TablePlan::name).containsExactly("categories", "customers", "products", "orders");
        assertThat(plans).extracting(TablePlan::primaryKey)
                .containsExactly("category_id", "customer_id", "id", "order_id");
        assertThat(plans.get(3).foreignKeys()).containsExactly(
                new ForeignKey("customer_id", "customers", "customer_id"),
                new ForeignKey("product_id", "products", "id"),
                new ForeignKey("category_id", "categories", "category_id"));
    }

    @Test
    void configurationOverridesTheKeyAndATableMayHaveNone() {
        List<TablePlan> plans = KeyPlanner.plan(List.of(
                header("events.csv", "at", "kind"),
                header("orders.csv", "order_no", "id")), Map.of("orders", "order_no"));

        assertThat(plans).extracting(TablePlan::primaryKey).containsExactly(null, "order_no");
    }

    @Test
    void anOverrideNamingAMissingColumnIsAnError() {
        assertThatThrownBy(() -> KeyPlanner.plan(List.of(header("orders.csv", "id")), Map.of("orders", "order_no")))
                .hasMessage("INITIALIZER_PRIMARY_KEYS names orders.order_no, but orders.csv has no column 'order_no'."
                        + " Fix the setting in .env.");
    }

    @Test
    void referencesInACycleAreAnError() {
        assertThatThrownBy(() -> KeyPlanner.plan(List.of(
                header("a.csv", "a_id", "b_id"),
                header("b.csv", "b_id", "a_id")), Map.of()))
                .hasMessageStartingWith("The foreign keys of tables [a, b] refer to each other in a cycle");
    }
}
