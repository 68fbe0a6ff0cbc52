package io.minidp.common.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.config.ConfigException;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CdcTopicsTest {

    private final CdcTopics topics = new CdcTopics("shop");

    @Test
    void thePrefixIsReadOnceForEveryServiceRequiredAndKafkaSafe() {
        ConfigReader ok = new ConfigReader(Env.of(Map.of("CDC_TOPIC_PREFIX", " shop ")));
        assertThat(CdcTopics.read(ok).notifications()).isEqualTo("shop.notifications");
        ok.validate();

        ConfigReader missing = new ConfigReader(Env.of(Map.of()));
        CdcTopics.read(missing);
        assertThatThrownBy(missing::validate).isInstanceOf(ConfigException.class)
                .hasMessageContaining("Missing value for CDC_TOPIC_PREFIX: it is required");
        ConfigReader spaced = new ConfigReader(Env.of(Map.of("CDC_TOPIC_PREFIX", "my shop")));
        CdcTopics.read(spaced);
        assertThatThrownBy(spaced::validate).isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value 'my shop' for CDC_TOPIC_PREFIX: must be letters, digits, '.', '_' or '-'");
    }

    @Test
    void tableTopicsHaveASchemaAndATable() {
        assertThat(topics.isTable("shop.public.orders")).isTrue();
        assertThat(topics.tableOf("shop.public.select_table")).isEqualTo("select_table");
        assertThat(topics.schemaOf("shop.sales.orders")).isEqualTo("sales");
        assertThat(topics.table("public", "orders")).isEqualTo("shop.public.orders");
        assertThat(topics.isTable(topics.table("public", "orders"))).isTrue();
    }

    @Test
    void theOtherTopicsUnderThePrefixAreNotTables() {
        for (String other : new String[] {"shop.notifications", "shop.message", "shop.dead-letters", "shop.public",
                "shopx.public.orders", "other.public.orders", "shop.public.orders.more"}) {
            assertThat(topics.isTable(other)).as(other).isFalse();
            assertThat(topics.tableOf(other)).as(other).isNull();
            assertThat(topics.schemaOf(other)).as(other).isNull();
        }
        assertThat(topics.notifications()).isEqualTo("shop.notifications");
    }

    @Test
    void aPrefixIsTakenLiterally() {
        CdcTopics dotted = new CdcTopics("it.x");
        assertThat(dotted.isTable("it.x.public.t")).isTrue();
        assertThat(dotted.isTable("itXx.public.t")).isFalse();
    }
}
