package io.minidp.initializer.schema;

import java.util.regex.Matcher;

/**
 * Infers one column's type from every value in it. A candidate type is dropped as soon as one
 * value does not fit it exactly; what is left, in order of preference, wins: boolean, integer,
 * bigint, numeric (with the largest scale seen), date, timestamptz, timestamp, and text when
 * nothing else fits or the column is empty.
 */
public final class TypeInference {

    /** Decimals get room to grow beyond the widest value seen: prices change, quantities add up. */
    static final int MIN_NUMERIC_PRECISION = 18;

    private boolean bool = true;
    private boolean integer = true;
    private boolean bigint = true;
    private boolean numeric = true;
    private boolean date = true;
    private boolean timestamptz = true;
    private boolean timestamp = true;
    private int maxScale;
    private int maxWholeDigits;
    private long values;

    /** Feeds one non-null value. */
    public void add(String value) {
        values++;
        if (bool) {
            bool = ColumnType.BOOLEAN.accepts(value);
        }
        if (numeric) {
            Matcher m = ColumnType.DECIMAL.matcher(value);
            if (m.matches()) {
                int whole = m.group(1).equals("0") ? 0 : m.group(1).length();
                int fraction = m.group(2) == null ? 0 : m.group(2).length();
                maxWholeDigits = Math.max(maxWholeDigits, whole);
                maxScale = Math.max(maxScale, fraction);
                if (integer) {
                    integer = ColumnType.fitsWhole(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
                }
                if (bigint) {
                    bigint = ColumnType.fitsWhole(value, Long.MIN_VALUE, Long.MAX_VALUE);
                }
            } else {
                numeric = integer = bigint = false;
            }
        }
        if (date) {
            date = ColumnType.isDate(value);
        }
        if (timestamptz) {
            timestamptz = ColumnType.isTimestampTz(value);
        }
        if (timestamp) {
            timestamp = ColumnType.isTimestamp(value);
        }
    }

    public long values() {
        return values;
    }

    public ColumnType result() {
        if (values == 0) {
            return ColumnType.TEXT;
        }
        if (bool) {
            return ColumnType.BOOLEAN;
        }
        if (integer) {
            return ColumnType.INTEGER;
        }
        if (bigint) {
            return ColumnType.BIGINT;
        }
        if (numeric && maxWholeDigits + maxScale <= ColumnType.MAX_NUMERIC_PRECISION) {
            int precision = Math.max(MIN_NUMERIC_PRECISION, maxWholeDigits + maxScale);
            return ColumnType.numeric(Math.min(precision, ColumnType.MAX_NUMERIC_PRECISION), maxScale);
        }
        if (date) {
            return ColumnType.DATE;
        }
        if (timestamptz) {
            return ColumnType.TIMESTAMPTZ;
        }
        if (timestamp) {
            return ColumnType.TIMESTAMP;
        }
        return ColumnType.TEXT;
    }
}
