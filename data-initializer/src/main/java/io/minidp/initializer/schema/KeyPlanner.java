package io.minidp.initializer.schema;

import io.minidp.common.app.PlatformException;
import io.minidp.initializer.csv.InputError;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns file headers into tables: the table name from the file name, the primary key ({@code id}
 * or {@code <table>_id}, or what configuration says), foreign keys from columns named after
 * another table ({@code customer_id} refers to {@code customers}), and the order to load them in
 * so that every referenced table comes first.
 */
public final class KeyPlanner {

    private KeyPlanner() {}

    /** A file and the column names of its header. */
    public record Header(Path file, List<String> columns) {}

    public static List<TablePlan> plan(List<Header> headers, Map<String, String> primaryKeyOverrides) {
        Map<String, Header> byTable = new TreeMap<>();
        for (Header h : headers) {
            String base = h.file().getFileName().toString().replaceFirst("(?i)\\.csv$", "");
            String table = Identifiers.normalise(base).orElseThrow(() -> InputError.file(h.file(),
                    "the file name does not give a valid table name: " + Identifiers.RULE + ". Rename the file."));
            Header clash = byTable.putIfAbsent(table, h);
            if (clash != null) {
                throw InputError.file(h.file(), "both this file and " + clash.file() + " give table '" + table
                        + "'. Rename one of them.");
            }
        }
        checkOverrides(byTable, primaryKeyOverrides);

        Map<String, String> primaryKeys = new TreeMap<>();
        byTable.forEach((table, h) -> {
            String pk = primaryKeyOverrides.containsKey(table) ? primaryKeyOverrides.get(table) : defaultKey(table, h.columns());
            if (pk != null) {
                primaryKeys.put(table, pk);
            }
        });

        Map<String, TablePlan> plans = new LinkedHashMap<>();
        byTable.forEach((table, h) -> {
            List<ForeignKey> fks = new ArrayList<>();
            for (String column : h.columns()) {
                if (column.equals(primaryKeys.get(table)) || !column.endsWith("_id")) {
                    continue;
                }
                String stem = column.substring(0, column.length() - 3);
                for (String candidate : List.of(stem, stem + "s", stem + "es", stem.replaceFirst("y$", "ies"))) {
                    if (!candidate.equals(table) && primaryKeys.containsKey(candidate)) {
                        fks.add(new ForeignKey(column, candidate, primaryKeys.get(candidate)));
                        break;
                    }
                }
            }
            plans.put(table, new TablePlan(table, h.file(), h.columns(), primaryKeys.get(table), List.copyOf(fks)));
        });
        return loadOrder(plans);
    }

    private static void checkOverrides(Map<String, Header> byTable, Map<String, String> overrides) {
        List<String> problems = new ArrayList<>();
        overrides.forEach((table, column) -> {
            Header h = byTable.get(table);
            if (h == null) {
                problems.add("INITIALIZER_PRIMARY_KEYS names table '" + table + "', but no file gives that table");
            } else if (!h.columns().contains(column)) {
                problems.add("INITIALIZER_PRIMARY_KEYS names " + table + "." + column + ", but " + h.file()
                        + " has no column '" + column + "'");
            }
        });
        if (!problems.isEmpty()) {
            throw new PlatformException(String.join("; ", problems) + ". Fix the setting in .env.");
        }
    }

    private static String defaultKey(String table, List<String> columns) {
        String singular = table.endsWith("ies") ? table.substring(0, table.length() - 3) + "y"
                : table.endsWith("s") ? table.substring(0, table.length() - 1) : table;
        for (String candidate : List.of("id", table + "_id", singular + "_id")) {
            if (columns.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Referenced tables first; among tables free to go, alphabetical. */
    private static List<TablePlan> loadOrder(Map<String, TablePlan> plans) {
        List<TablePlan> ordered = new ArrayList<>();
        Map<String, Integer> waitingOn = new TreeMap<>();
        plans.values().forEach(p -> waitingOn.put(p.name(),
                (int) p.foreignKeys().stream().map(ForeignKey::refTable).distinct().count()));
        Deque<String> ready = new ArrayDeque<>();
        waitingOn.forEach((t, n) -> {
            if (n == 0) {
                ready.add(t);
            }
        });
        while (!ready.isEmpty()) {
            String table = ready.poll();
            ordered.add(plans.get(table));
            List<String> freed = new ArrayList<>();
            for (TablePlan p : plans.values()) {
                if (p.foreignKeys().stream().map(ForeignKey::refTable).distinct().anyMatch(table::equals)
                        && waitingOn.merge(p.name(), -1, Integer::sum) == 0) {
                    freed.add(p.name());
                }
            }
            freed.stream().sorted().forEach(ready::add);
        }
        if (ordered.size() < plans.size()) {
            List<String> cycle = plans.keySet().stream().filter(t -> waitingOn.get(t) > 0).sorted().toList();
            throw new PlatformException("The foreign keys of tables " + cycle + " refer to each other in a cycle,"
                    + " so no table can be loaded first. Rename a column so it no longer looks like a reference"
                    + " (<table>_id), or load those files separately.");
        }
        return ordered;
    }
}
