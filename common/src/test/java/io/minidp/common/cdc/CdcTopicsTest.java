package io.minidp.common.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CdcTopicsTest {

    private final CdcTopics topics = new CdcTopics("shop");

    @Test
    void tableTopicsHaveASchemaAndATable() {
        assertThat(topics.isTable("shop.public.orders")).isTrue();
        assertThat(topics.tableOf("shop.public.select_table")).isEqualTo("select_table");
        assertThat(topics.table("public", "orders")).isEqualTo("shop.public.orders");
        assertThat(topics.isTable(topics.table("public", "orders"))).isTrue();
    }

    @Test
    void theOtherTopicsUnderThePrefixAreNotTables() {
        for (String other : new String[] {"shop.notifications", "shop.message", "shop.dead-letters", "shop.public",
                "shopx.public.orders", "other.public.orders", "shop.public.orders.more"}) {
            assertThat(topics.isTable(other)).as(other).isFalse();
            assertThat(topics.tableOf(other)).as(other).isNull();
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
