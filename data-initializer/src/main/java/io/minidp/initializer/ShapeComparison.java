package io.minidp.initializer;

import io.minidp.initializer.load.Catalog;
import io.minidp.initializer.schema.TableSpec;
import java.util.ArrayList;
import java.util.List;

/** How an existing table differs from the one a file describes: columns, their order and types, and the key. */
final class ShapeComparison {

    private ShapeComparison() {}

    static List<String> differences(TableSpec spec, Catalog.ExistingTable existing) {
        List<String> diffs = new ArrayList<>();
        List<String> want = spec.plan().columns();
        if (!want.equals(existing.columns())) {
            diffs.add("columns are " + existing.columns() + " in the database but " + want + " in the file");
        } else {
            for (int i = 0; i < want.size(); i++) {
                String fileType = spec.types().get(i).catalogName();
                if (!fileType.equals(existing.types().get(i))) {
                    diffs.add("column " + want.get(i) + " is " + existing.types().get(i) + " in the database but "
                            + fileType + " from the file");
                }
            }
        }
        List<String> key = spec.plan().hasPrimaryKey() ? List.of(spec.plan().primaryKey()) : List.of();
        if (!key.equals(existing.primaryKey())) {
            diffs.add("the primary key is " + existing.primaryKey() + " in the database but " + key + " from the file");
        }
        return diffs;
    }
}
