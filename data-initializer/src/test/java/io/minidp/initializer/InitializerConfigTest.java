package io.minidp.initializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import io.minidp.initializer.schema.ColumnType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InitializerConfigTest {

    private static Map<String, String> base() {
        Map<String, String> env = new HashMap<>(Map.of("POSTGRES_HOST", "127.0.0.1", "POSTGRES_PORT", "5432",
                "POSTGRES_DB", "shop", "POSTGRES_USER", "shop", "POSTGRES_PASSWORD", "pw", "CDC_PUBLICATION", "cdc"));
        return env;
    }

    @Test
    void readsKeyAndTypeOverrides() {
        Map<String, String> env = base();
        env.put("INITIALIZER_PRIMARY_KEYS", "orders=order_no; customers=code");
        env.put("INITIALIZER_COLUMN_TYPES", "orders.total=numeric(12,2);orders.note=text");
        ConfigReader r = new ConfigReader(Env.of(env));

        InitializerConfig c = InitializerConfig.read(r);
        r.validate();

        assertThat(c.primaryKeys()).containsExactly(Map.entry("orders", "order_no"), Map.entry("customers", "code"));
        assertThat(c.columnTypes()).containsExactly(
                Map.entry("orders.total", ColumnType.numeric(12, 2)), Map.entry("orders.note", ColumnType.TEXT));
    }

    @Test
    void badOverridesAreReportedTogether() {
        Map<String, String> env = base();
        env.put("INITIALIZER_PRIMARY_KEYS", "orders");
        env.put("INITIALIZER_COLUMN_TYPES", "orders.total=money");
        ConfigReader r = new ConfigReader(Env.of(env));

        InitializerConfig.read(r);

        assertThatThrownBy(r::validate).hasMessageContaining(
                "Invalid value 'orders' for INITIALIZER_PRIMARY_KEYS: must be table=column entries separated by ';'")
                .hasMessageContaining("Invalid value 'orders.total=money' for INITIALIZER_COLUMN_TYPES: unknown type 'money'");
    }
}
