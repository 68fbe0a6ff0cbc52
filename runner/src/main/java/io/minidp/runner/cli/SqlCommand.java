package io.minidp.runner.cli;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** {@code ./platform sql "..."}: runs SQL against the platform's PostgreSQL and prints what it returns, as psql would. */
public final class SqlCommand {

    private static final int MAX_CELL = 80;

    private SqlCommand() {}

    public static void run(PostgresConfig pg, String sql, Console console) {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().value());
                Statement s = c.createStatement()) {
            boolean isResult = s.execute(sql);
            while (true) {
                if (isResult) {
                    try (ResultSet rs = s.getResultSet()) {
                        print(rs, console);
                    }
                } else {
                    int count = s.getUpdateCount();
                    if (count < 0) {
                        break;
                    }
                    console.say(count == 0 ? "OK" : "OK, %d rows affected", count);
                }
                isResult = s.getMoreResults();
            }
        } catch (SQLException e) {
            throw new PlatformException("SQL failed on " + pg.address() + "/" + pg.database() + ": " + e.getMessage());
        }
    }

    static void print(ResultSet rs, Console console) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        int[] width = new int[n];
        String[] header = new String[n];
        for (int i = 0; i < n; i++) {
            header[i] = md.getColumnLabel(i + 1);
            width[i] = header[i].length();
        }
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                String v = rs.getString(i + 1);
                row[i] = v == null ? "NULL" : cell(v);
                width[i] = Math.max(width[i], row[i].length());
            }
            rows.add(row);
        }
        console.say(line(header, width));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < n; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        console.say(rule.toString());
        rows.forEach(r -> console.say(line(r, width)));
        console.say("(%d %s)", rows.size(), rows.size() == 1 ? "row" : "rows");
    }

    private static String cell(String v) {
        String flat = v.replace("\r", "\\r").replace("\n", "\\n");
        return flat.length() > MAX_CELL ? flat.substring(0, MAX_CELL - 1) + "…" : flat;
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(i == 0 ? "" : " | ").append(String.format("%-" + Math.max(1, width[i]) + "s", cells[i]));
        }
        return sb.toString().stripTrailing();
    }
}
