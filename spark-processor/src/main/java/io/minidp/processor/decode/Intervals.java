package io.minidp.processor.decode;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL intervals as the lake keeps them: ISO 8601 text exactly as PostgreSQL prints it with
 * {@code intervalstyle = iso_8601} ({@code P1Y2M3DT4H5M6.5S}, zero fields left out, {@code PT0S}
 * for nothing), so that the lake and PostgreSQL show the same text. Debezium
 * ({@code interval.handling.mode=string}) sends every field ({@code P1Y2M3DT4H5M6.5S},
 * {@code P0Y0M1DT0H0M0S}); years and months stay apart from days, as in PostgreSQL, where a month
 * has no fixed length.
 */
public final class Intervals {

    private static final Pattern DEBEZIUM = Pattern.compile(
            "P(-?\\d+)Y(-?\\d+)M(-?\\d+)DT(-?\\d+)H(-?\\d+)M(-?\\d+(?:\\.\\d+)?)S");

    private Intervals() {}

    /** PostgreSQL's ISO 8601 text for Debezium's; null for null; anything else unchanged. */
    public static String canonical(String debezium) {
        if (debezium == null) {
            return null;
        }
        Matcher m = DEBEZIUM.matcher(debezium);
        if (!m.matches()) {
            return debezium;
        }
        StringBuilder date = new StringBuilder();
        append(date, m.group(1), 'Y');
        append(date, m.group(2), 'M');
        append(date, m.group(3), 'D');
        StringBuilder time = new StringBuilder();
        append(time, m.group(4), 'H');
        append(time, m.group(5), 'M');
        BigDecimal seconds = new BigDecimal(m.group(6));
        if (seconds.signum() != 0) {
            time.append(seconds.stripTrailingZeros().toPlainString()).append('S');
        }
        if (date.length() == 0 && time.length() == 0) {
            return "PT0S";
        }
        return "P" + date + (time.length() == 0 ? "" : "T" + time);
    }

    private static void append(StringBuilder sb, String field, char unit) {
        long n = Long.parseLong(field);
        if (n != 0) {
            sb.append(n).append(unit);
        }
    }
}
