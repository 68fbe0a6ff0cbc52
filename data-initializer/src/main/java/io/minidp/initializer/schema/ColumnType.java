package io.minidp.initializer.schema;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL column type the initializer creates, with the strict textual form of its values.
 * "Strict" means a value is accepted only when PostgreSQL stores exactly what the file says:
 * no rounding of decimals or sub-microsecond fractions, no leading zeros dropped from codes.
 */
public record ColumnType(Kind kind, int precision, int scale) {

    public enum Kind { BOOLEAN, INTEGER, BIGINT, NUMERIC, DATE, TIMESTAMP, TIMESTAMPTZ, TEXT }

    public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0);
    public static final ColumnType INTEGER = new ColumnType(Kind.INTEGER, 0, 0);
    public static final ColumnType BIGINT = new ColumnType(Kind.BIGINT, 0, 0);
    public static final ColumnType DATE = new ColumnType(Kind.DATE, 0, 0);
    public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);
    public static final ColumnType TIMESTAMPTZ = new ColumnType(Kind.TIMESTAMPTZ, 0, 0);
    public static final ColumnType TEXT = new ColumnType(Kind.TEXT, 0, 0);

    public static final int MAX_NUMERIC_PRECISION = 1000;

    static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9]\\d*)(?:\\.(\\d+))?");
    private static final Pattern DATE_TEXT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,6})?)?";
    private static final Pattern TIMESTAMP_TEXT = Pattern.compile(TIME);
    private static final Pattern TIMESTAMPTZ_TEXT = Pattern.compile(TIME + "(?:Z|[+-]\\d{2}(?::?\\d{2})?)");
    private static final Pattern NUMERIC_SQL = Pattern.compile("numeric\\((\\d+),\\s*(\\d+)\\)");

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd")
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true).optionalEnd()
            .optionalEnd()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);
    private static final DateTimeFormatter WITH_OFFSET = new DateTimeFormatterBuilder()
            .append(LOCAL)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    public static ColumnType numeric(int precision, int scale) {
        return new ColumnType(Kind.NUMERIC, precision, scale);
    }

    /** The type as written in CREATE TABLE. */
    public String sql() {
        return switch (kind) {
            case NUMERIC -> "numeric(" + precision + "," + scale + ")";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    /** The type as PostgreSQL's {@code format_type()} names it, to compare with an existing table. */
    public String catalogName() {
        return switch (kind) {
            case TIMESTAMP -> "timestamp without time zone";
            case TIMESTAMPTZ -> "timestamp with time zone";
            default -> sql();
        };
    }

    /** What a value of this type looks like, for error messages. */
    public String describe() {
        return switch (kind) {
            case BOOLEAN -> "boolean (true or false)";
            case INTEGER -> "integer";
            case BIGINT -> "bigint";
            case NUMERIC -> "number with at most " + (precision - scale) + " digits before the point and "
                    + scale + " after";
            case DATE -> "date (YYYY-MM-DD)";
            case TIMESTAMP -> "timestamp (YYYY-MM-DDTHH:MM:SS)";
            case TIMESTAMPTZ -> "timestamp with time zone (YYYY-MM-DDTHH:MM:SS+HH:MM)";
            case TEXT -> "text";
        };
    }

    /** True when PostgreSQL stores {@code value} in this type exactly as written. */
    public boolean accepts(String value) {
        return switch (kind) {
            case TEXT -> true;
            case BOOLEAN -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
            case INTEGER -> fitsWhole(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case BIGINT -> fitsWhole(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case NUMERIC -> fitsNumeric(value);
            case DATE -> isDate(value);
            case TIMESTAMP -> isTimestamp(value);
            case TIMESTAMPTZ -> isTimestampTz(value);
        };
    }

    /** Parses a type named in configuration. */
    public static ColumnType parse(String sql) {
        String s = sql.strip().toLowerCase(Locale.ROOT);
        Matcher m = NUMERIC_SQL.matcher(s);
        if (m.matches()) {
            int p = Integer.parseInt(m.group(1));
            int sc = Integer.parseInt(m.group(2));
            if (p < 1 || p > MAX_NUMERIC_PRECISION || sc > p) {
                throw new IllegalArgumentException("numeric(p,s) needs 1 <= p <= 1000 and s <= p");
            }
            return numeric(p, sc);
        }
        return switch (s) {
            case "boolean", "bool" -> BOOLEAN;
            case "integer", "int", "int4" -> INTEGER;
            case "bigint", "int8" -> BIGINT;
            case "date" -> DATE;
            case "timestamp" -> TIMESTAMP;
            case "timestamptz" -> TIMESTAMPTZ;
            case "text" -> TEXT;
            default -> throw new IllegalArgumentException("unknown type '" + sql
                    + "': use integer, bigint, numeric(p,s), boolean, date, timestamp, timestamptz or text");
        };
    }

    static boolean fitsWhole(String value, long min, long max) {
        Matcher m = DECIMAL.matcher(value);
        if (!m.matches() || m.group(2) != null || m.group(1).length() > 19) {
            return false;
        }
        try {
            long v = Long.parseLong(value);
            return v >= min && v <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private boolean fitsNumeric(String value) {
        Matcher m = DECIMAL.matcher(value);
        if (!m.matches()) {
            return false;
        }
        int fraction = m.group(2) == null ? 0 : m.group(2).length();
        int whole = m.group(1).equals("0") ? 0 : m.group(1).length();
        return fraction <= scale && whole <= precision - scale;
    }

    static boolean isDate(String value) {
        if (!DATE_TEXT.matcher(value).matches()) {
            return false;
        }
        try {
            LocalDate.parse(value, DateTimeFormatter.ISO_LOCAL_DATE.withResolverStyle(java.time.format.ResolverStyle.STRICT));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static boolean isTimestamp(String value) {
        if (!TIMESTAMP_TEXT.matcher(value).matches()) {
            return false;
        }
        try {
            LocalDateTime.parse(value, LOCAL);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static boolean isTimestampTz(String value) {
        if (!TIMESTAMPTZ_TEXT.matcher(value).matches()) {
            return false;
        }
        try {
            OffsetDateTime.parse(value, WITH_OFFSET);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
