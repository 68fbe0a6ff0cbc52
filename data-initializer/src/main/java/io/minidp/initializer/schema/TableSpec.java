package io.minidp.initializer.schema;

import java.util.List;

/** A table as it will be created: its plan, the type of each column, and the rows in its file. */
public record TableSpec(TablePlan plan, List<ColumnType> types, long rows) {

    public String name() {
        return plan.name();
    }
}
