package io.minidp.common.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Debezium's notifications, as a real run of the platform sent them (the shape of their Avro records). */
class SnapshotProgressTest {

    private static final Schema NOTIFICATION = SchemaBuilder.record("Notification").namespace("io.debezium.notification")
            .fields().requiredString("id").requiredString("aggregate_type").requiredString("type")
            .name("additional_data").type().map().values().stringType().noDefault()
            .requiredLong("timestamp").endRecord();

    private static GenericRecord n(String aggregate, String type, Map<String, String> data) {
        GenericRecord r = new GenericData.Record(NOTIFICATION);
        r.put("id", "id");
        r.put("aggregate_type", aggregate);
        r.put("type", type);
        r.put("additional_data", data);
        r.put("timestamp", 1796658629014L);
        return r;
    }

    @Test
    void theInitialSnapshotTableByTableThenAReSnapshotOfOne() {
        SnapshotProgress p = new SnapshotProgress();
        p.add(n("Initial Snapshot", "STARTED", Map.of("connector_name", "shop")));
        p.add(n("Initial Snapshot", "DATA_COLLECTIONS_RESOLVED", Map.of("data_collections",
                "minidp_cdc.debezium_signal,public.customers,public.orders")));
        p.add(n("Initial Snapshot", "IN_PROGRESS", Map.of("current_collection_in_progress", "public.customers")));
        assertThat(p.tables()).extracting(SnapshotProgress.Table::table, SnapshotProgress.Table::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("customers", "reading"),
                        org.assertj.core.groups.Tuple.tuple("orders", "waiting"));
        p.add(n("Initial Snapshot", "TABLE_SCAN_COMPLETED", Map.of("scanned_collection", "public.customers",
                "total_rows_scanned", "1000", "status", "SUCCEEDED")));
        assertThat(SnapshotProgress.describe(p.tables().get(0), 1002))
                .isEqualTo("initial snapshot: done, 1,000 rows read (1,002 rows in PostgreSQL now)");
        assertThat(SnapshotProgress.describe(p.tables().get(1), -1)).isEqualTo("initial snapshot: waiting for its turn");

        p.add(n("Incremental Snapshot", "IN_PROGRESS", Map.of("current_collection_in_progress", "public.orders",
                "last_processed_key", "[120]", "maximum_key", "[201]")));
        assertThat(SnapshotProgress.describe(p.tables().get(1), 201))
                .isEqualTo("re-snapshot: reading, up to key [120] of [201] (201 rows in PostgreSQL now)");
        p.add(n("Incremental Snapshot", "ABORTED", Map.of()));
        assertThat(p.tables().get(1).state()).isEqualTo("aborted");
        assertThat(p.tables().get(0).state()).isEqualTo("done");
        p.add(n("Heartbeat", "ANY", Map.of()));
        assertThat(p.tables()).hasSize(2);
    }
}
