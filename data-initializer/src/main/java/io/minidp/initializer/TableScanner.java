package io.minidp.initializer;

import io.minidp.initializer.csv.CsvSource;
import io.minidp.initializer.csv.InputError;
import io.minidp.initializer.schema.ColumnType;
import io.minidp.initializer.schema.ForeignKey;
import io.minidp.initializer.schema.TablePlan;
import io.minidp.initializer.schema.TableSpec;
import io.minidp.initializer.schema.TypeInference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first pass over a file, before anything is written: infers each column's type, checks
 * values against types set in configuration, and checks that primary keys are present and
 * distinct and that every reference names an existing row. Tables must be scanned in load order,
 * since a table's references are checked against the keys of the tables scanned before it.
 */
final class TableScanner {

    private static final Logger LOG = LoggerFactory.getLogger(TableScanner.class);

    private final Map<String, ColumnType> typeOverrides;
    /** Primary-key values of scanned tables that others refer to, by table. */
    private final Map<String, Set<String>> keysByTable = new HashMap<>();
    private final Map<String, ColumnType> keyTypeByTable = new HashMap<>();
    private final Set<String> referenced;

    /**
     * @param typeOverrides types set by configuration, by {@code table.column}
     * @param referenced tables whose keys other tables refer to
     */
    TableScanner(Map<String, ColumnType> typeOverrides, Set<String> referenced) {
        this.typeOverrides = typeOverrides;
        this.referenced = referenced;
    }

    TableSpec scan(TablePlan plan) {
        int width = plan.columns().size();
        ColumnType[] fixed = new ColumnType[width];
        TypeInference[] inferred = new TypeInference[width];
        for (int i = 0; i < width; i++) {
            fixed[i] = typeOverrides.get(plan.name() + "." + plan.columns().get(i));
            inferred[i] = new TypeInference();
        }
        int pk = plan.hasPrimaryKey() ? plan.indexOf(plan.primaryKey()) : -1;
        Map<String, Long> keyLines = pk >= 0 ? new HashMap<>() : null;
        int[] fkColumns = plan.foreignKeys().stream().mapToInt(fk -> plan.indexOf(fk.column())).toArray();

        long rows = 0;
        Progress progress;
        try (CsvSource csv = CsvSource.open(plan.file())) {
            progress = new Progress(LOG, "Checking " + plan.file(), csv.size());
            for (CsvSource.Row row = csv.next(); row != null; row = csv.next()) {
                rows++;
                String[] v = row.values();
                for (int i = 0; i < width; i++) {
                    if (v[i] == null) {
                        continue;
                    }
                    if (fixed[i] != null) {
                        if (!fixed[i].accepts(v[i])) {
                            throw InputError.cell(plan.file(), row.line(), i + 1, plan.columns().get(i),
                                    "'" + v[i] + "' is not a valid " + fixed[i].describe() + ", the type "
                                    + fixed[i].sql() + " set for " + plan.name() + "." + plan.columns().get(i)
                                    + " by INITIALIZER_COLUMN_TYPES. Fix the value or the setting.");
                        }
                    } else {
                        inferred[i].add(v[i]);
                    }
                }
                if (pk >= 0) {
                    checkKey(plan, row, pk, keyLines);
                }
                for (int f = 0; f < fkColumns.length; f++) {
                    checkReference(plan, plan.foreignKeys().get(f), row, fkColumns[f]);
                }
                if ((rows & 0xFFF) == 0) {
                    progress.update(csv.bytesRead(), rows);
                }
            }
        }
        List<ColumnType> types = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            types.add(fixed[i] != null ? fixed[i] : inferred[i].result());
        }
        for (ForeignKey fk : plan.foreignKeys()) {
            int i = plan.indexOf(fk.column());
            if (fixed[i] == null) {
                // Every value was found among the referenced keys, so it has their type; an empty column has no values to infer from.
                types.set(i, keyTypeByTable.get(fk.refTable()));
            }
        }
        if (referenced.contains(plan.name()) && pk >= 0) {
            keysByTable.put(plan.name(), keyLines.keySet());
            keyTypeByTable.put(plan.name(), types.get(pk));
        }
        LOG.info("Checked {}: {} rows, {} columns, in {} ms", plan.file(), rows, width, progress.elapsed().toMillis());
        return new TableSpec(plan, List.copyOf(types), rows);
    }

    private static void checkKey(TablePlan plan, CsvSource.Row row, int pk, Map<String, Long> keyLines) {
        String key = row.values()[pk];
        if (key == null) {
            throw InputError.cell(plan.file(), row.line(), pk + 1, plan.primaryKey(),
                    "the primary key is empty. Every row needs a key.");
        }
        Long first = keyLines.putIfAbsent(key, row.line());
        if (first != null) {
            throw InputError.cell(plan.file(), row.line(), pk + 1, plan.primaryKey(),
                    "duplicate primary key '" + key + "' (first on line " + first + "). Every row needs a distinct key.");
        }
    }

    private void checkReference(TablePlan plan, ForeignKey fk, CsvSource.Row row, int column) {
        String value = row.values()[column];
        if (value != null && !keysByTable.get(fk.refTable()).contains(value)) {
            throw InputError.cell(plan.file(), row.line(), column + 1, fk.column(),
                    "no row of " + fk.refTable() + " has " + fk.refColumn() + " '" + value
                    + "'. Fix the value, or add that row to the " + fk.refTable() + " file.");
        }
    }
}
