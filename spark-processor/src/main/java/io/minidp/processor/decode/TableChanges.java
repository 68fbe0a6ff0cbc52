package io.minidp.processor.decode;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One source table's change events in a micro-batch, decoded and flattened: the row's columns
 * (the after image, or the before image of a delete) and the metadata columns named in
 * {@link ChangeDecoder}.
 *
 * @param table      the lake name of the table ({@code orders}; {@code <schema>__<table>} outside public)
 * @param keyColumns the primary key's columns, from the Kafka key's schema; empty for a table without one
 * @param cannotFollow why the lake cannot take these changes (then {@code changes} is null); null when it can
 */
public record TableChanges(String table, Dataset<Row> changes, List<String> keyColumns, String cannotFollow) {

    public TableChanges(String table, Dataset<Row> changes, List<String> keyColumns) {
        this(table, changes, keyColumns, null);
    }

    public boolean hasKey() {
        return !keyColumns.isEmpty();
    }
}
