package io.minidp.processor.query;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.StructField;

/**
 * A statement's result, at most {@code maxRows} rows of it, in the three forms {@code ./platform
 * query} prints: a table as Spark's {@code show()} draws it, CSV (RFC 4180, a header line, NULL as
 * an empty field) and JSON (the columns with their types, one object per row in Spark's JSON).
 */
public final class QueryResult {

    /** How a result is written. */
    public enum Format {
        TABLE, CSV, JSON;

        /** {@code table}, {@code csv} or {@code json}; anything else is refused, naming the three. */
        public static Format parse(String value) {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown format '" + value + "': use table, csv or json");
            }
        }

        public String contentType() {
            return switch (this) {
                case TABLE -> "text/plain; charset=utf-8";
                case CSV -> "text/csv; charset=utf-8";
                case JSON -> "application/json";
            };
        }
    }

    /** Spark's show() truncates longer cells to this many characters. */
    private static final int CELL = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> names;
    private final List<String> types;
    /** Each row's cells as text (null for NULL); for JSON, each row as Spark's JSON object. */
    private final List<List<String>> cells;
    private final List<String> jsonRows;
    private final boolean truncated;

    private QueryResult(List<String> names, List<String> types, List<List<String>> cells, List<String> jsonRows,
                        boolean truncated) {
        this.names = names;
        this.types = types;
        this.cells = cells;
        this.jsonRows = jsonRows;
        this.truncated = truncated;
    }

    /** Runs {@code df} and keeps at most {@code maxRows} rows of it, in the form {@code format} needs. */
    public static QueryResult of(Dataset<Row> df, Format format, int maxRows) {
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            names.add(f.name());
            types.add(f.dataType().simpleString());
        }
        Dataset<Row> limited = df.limit(maxRows + 1);
        if (format == Format.JSON) {
            List<String> rows = new ArrayList<>(limited.toJSON().collectAsList());
            boolean more = rows.size() > maxRows;
            return new QueryResult(names, types, List.of(), more ? rows.subList(0, maxRows) : rows, more);
        }
        // Positional names: a result may have two columns of one name, or names with dots.
        String[] positional = new String[names.size()];
        for (int i = 0; i < positional.length; i++) {
            positional[i] = "_c" + i;
        }
        Dataset<Row> renamed = limited.toDF(positional);
        Column[] asText = new Column[positional.length];
        StructField[] fields = df.schema().fields();
        for (int i = 0; i < positional.length; i++) {
            asText[i] = fields[i].dataType() instanceof BinaryType
                    ? concat(lit("["), regexp_replace(hex(col(positional[i])), "(..)(?!$)", "$1 "), lit("]"))
                    : col(positional[i]).cast("string");
        }
        List<List<String>> cells = new ArrayList<>();
        for (Row r : renamed.select(asText).collectAsList()) {
            List<String> row = new ArrayList<>(r.size());
            for (int i = 0; i < r.size(); i++) {
                row.add(r.isNullAt(i) ? null : r.getString(i));
            }
            cells.add(row);
        }
        boolean more = cells.size() > maxRows;
        return new QueryResult(names, types, more ? cells.subList(0, maxRows) : cells, List.of(), more);
    }

    /** Whether rows were left out past the limit. */
    public boolean truncated() {
        return truncated;
    }

    public int rows() {
        return Math.max(cells.size(), jsonRows.size());
    }

    public String render(Format format, long millis) {
        return switch (format) {
            case TABLE -> table();
            case CSV -> csv();
            case JSON -> json(millis);
        };
    }

    /** As Spark's {@code show(n, 100)}: cells right-aligned, at least 3 wide, NULL for null. */
    String table() {
        int[] width = new int[names.size()];
        List<List<String>> shown = new ArrayList<>();
        List<String> header = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            header.add(cut(names.get(i)));
        }
        shown.add(header);
        for (List<String> row : cells) {
            List<String> line = new ArrayList<>();
            row.forEach(c -> line.add(c == null ? "NULL" : cut(c)));
            shown.add(line);
        }
        for (List<String> line : shown) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(Math.max(width[i], 3), line.get(i).codePointCount(0, line.get(i).length()));
            }
        }
        StringBuilder rule = new StringBuilder("+");
        for (int w : width) {
            rule.append("-".repeat(w)).append('+');
        }
        StringBuilder out = new StringBuilder(rule).append('\n');
        for (int n = 0; n < shown.size(); n++) {
            out.append('|');
            List<String> line = shown.get(n);
            for (int i = 0; i < line.size(); i++) {
                String c = line.get(i);
                out.append(" ".repeat(width[i] - c.codePointCount(0, c.length()))).append(c).append('|');
            }
            out.append('\n');
            if (n == 0) {
                out.append(rule).append('\n');
            }
        }
        out.append(rule).append('\n');
        if (truncated) {
            out.append("only showing top ").append(cells.size()).append(" rows\n");
        }
        return out.toString();
    }

    private static String cut(String s) {
        return s.length() > CELL ? s.substring(0, CELL - 3) + "..." : s;
    }

    String csv() {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", names.stream().map(QueryResult::csvField).toList())).append("\r\n");
        for (List<String> row : cells) {
            out.append(String.join(",", row.stream().map(c -> c == null ? "" : csvField(c)).toList())).append("\r\n");
        }
        return out.toString();
    }

    private static String csvField(String s) {
        boolean quote = s.isEmpty() || s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r");
        return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** Spark's JSON of each row kept as it wrote it: a decimal keeps its scale ({@code 1.50}). */
    String json(long millis) {
        ArrayNode columns = JSON.createArrayNode();
        for (int i = 0; i < names.size(); i++) {
            columns.addObject().put("name", names.get(i)).put("type", types.get(i));
        }
        return "{\"columns\":" + columns + ",\"rows\":[" + String.join(",", jsonRows) + "],\"truncated\":" + truncated
                + ",\"millis\":" + millis + "}\n";
    }
}
