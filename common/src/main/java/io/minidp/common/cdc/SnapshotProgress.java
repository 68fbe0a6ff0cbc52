package io.minidp.common.cdc;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;

/**
 * Where Debezium's snapshots stand, per table, from its notifications ({@link CdcTopics#notifications}):
 * the initial snapshot ({@code Initial Snapshot}) and every re-snapshot ({@code Incremental Snapshot},
 * {@code ./platform resnapshot} or the automatic repair after a change of shape). Fed the decoded
 * notifications in topic order; the latest snapshot of a table wins.
 */
public final class SnapshotProgress {

    /**
     * One table's latest snapshot.
     *
     * @param table       the table (public schema: no schema prefix)
     * @param kind        {@code initial} or {@code re-snapshot}
     * @param state       {@code waiting} (named, not started), {@code reading}, {@code done} or {@code aborted}
     * @param rowsRead    rows Debezium read, once done (-1 before)
     * @param lastKey     a re-snapshot in progress: the last key read (null when unknown)
     * @param maximumKey  a re-snapshot in progress: the key it reads up to (null when unknown)
     * @param at          when Debezium last reported on it
     */
    public record Table(String table, String kind, String state, long rowsRead, String lastKey, String maximumKey,
                        Instant at) {}

    private final Map<String, Table> tables = new TreeMap<>();

    /** Takes one decoded notification; those of other kinds are ignored. */
    public void add(GenericRecord n) {
        if (n == null) {
            return;
        }
        String aggregate = String.valueOf(n.get("aggregate_type"));
        String kind = switch (aggregate) {
            case "Initial Snapshot" -> "initial";
            case "Incremental Snapshot" -> "re-snapshot";
            default -> null;
        };
        if (kind == null) {
            return;
        }
        Map<String, String> data = new TreeMap<>();
        if (n.get("additional_data") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> data.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        }
        Object ts = n.get("timestamp");
        Instant at = ts instanceof Long l ? Instant.ofEpochMilli(l) : Instant.now();
        switch (String.valueOf(n.get("type"))) {
            case "DATA_COLLECTIONS_RESOLVED" -> {
                for (String c : collections(data.get("data_collections"))) {
                    tables.put(c, new Table(c, kind, "waiting", -1, null, null, at));
                }
            }
            case "IN_PROGRESS" -> {
                String c = table(data.get("current_collection_in_progress"));
                if (c != null) {
                    tables.put(c, new Table(c, kind, "reading", -1, data.get("last_processed_key"), data.get("maximum_key"), at));
                }
            }
            case "TABLE_SCAN_COMPLETED" -> {
                String c = table(data.get("scanned_collection"));
                if (c != null) {
                    String status = data.getOrDefault("status", "SUCCEEDED");
                    tables.put(c, new Table(c, kind, "SUCCEEDED".equals(status) ? "done" : status.toLowerCase(java.util.Locale.ROOT),
                            parse(data.get("total_rows_scanned")), null, null, at));
                }
            }
            case "ABORTED" -> tables.replaceAll((c, t) -> t.kind().equals(kind) && !t.state().equals("done")
                    ? new Table(c, kind, "aborted", -1, null, null, at) : t);
            default -> {
                // STARTED, COMPLETED, PAUSED, RESUMED: the per-table notifications say all a table needs.
            }
        }
    }

    /** Each table's latest snapshot, by name. */
    public List<Table> tables() {
        return List.copyOf(tables.values());
    }

    /** A table's line for {@code ./platform status} and the console. */
    public static String describe(Table t, long rowsInPostgres) {
        String pg = rowsInPostgres < 0 ? "" : String.format(java.util.Locale.ROOT, " (%,d rows in PostgreSQL now)", rowsInPostgres);
        String what = t.kind().equals("initial") ? "initial snapshot" : "re-snapshot";
        return switch (t.state()) {
            case "waiting" -> what + ": waiting for its turn" + pg;
            case "reading" -> what + ": reading" + (t.lastKey() != null ? ", up to key " + t.lastKey()
                    + (t.maximumKey() != null ? " of " + t.maximumKey() : "") : "") + pg;
            case "done" -> String.format(java.util.Locale.ROOT, "%s: done, %,d rows read%s", what, t.rowsRead(), pg);
            default -> what + ": " + t.state() + pg;
        };
    }

    /** {@code public.orders,public.products} → the public schema's tables (Debezium's signal table is not one). */
    private static List<String> collections(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(list.split(",")).map(String::strip).map(SnapshotProgress::table)
                .filter(java.util.Objects::nonNull).toList();
    }

    /** {@code public.orders} → {@code orders}; null for a table of another schema. */
    private static String table(String collection) {
        if (collection == null || !collection.startsWith("public.")) {
            return null;
        }
        return collection.substring("public.".length());
    }

    private static long parse(String n) {
        try {
            return n == null ? -1 : Long.parseLong(n.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
