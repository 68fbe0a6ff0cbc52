package io.minidp.initializer.schema;

import java.nio.file.Path;
import java.util.List;

/** What the header of one file says about its table, before its rows are read. */
public record TablePlan(String name, Path file, List<String> columns, String primaryKey, List<ForeignKey> foreignKeys) {

    public int indexOf(String column) {
        return columns.indexOf(column);
    }

    public boolean hasPrimaryKey() {
        return primaryKey != null;
    }
}
