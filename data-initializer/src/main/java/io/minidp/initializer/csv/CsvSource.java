package io.minidp.initializer.csv;

import io.minidp.initializer.schema.Identifiers;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One CSV file read as RFC 4180: a header line naming the columns, then rows of the same width.
 * Fields may be quoted and hold commas, quotes (doubled) and line breaks. An empty field is NULL.
 * Blank lines are skipped. Every row carries the line it starts on; every problem is an
 * {@link InputError} that names the file, line and column.
 */
public final class CsvSource implements AutoCloseable {

    /** A data row: the line it starts on and its values, {@code null} for an empty field. */
    public record Row(long line, String[] values) {}

    private final Path file;
    private final long size;
    private final Utf8Guard guard;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> columns;

    private CsvSource(Path file, long size, Utf8Guard guard, CSVParser parser) {
        this.file = file;
        this.size = size;
        this.guard = guard;
        this.parser = parser;
        this.records = parser.iterator();
        this.columns = readHeader();
    }

    public static CsvSource open(Path file) {
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw InputError.file(file, "the file is empty; expected a header line naming the columns."
                        + " Add a header and rows, or remove the file.");
            }
            Utf8Guard guard = new Utf8Guard(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            CSVParser parser = CSVFormat.RFC4180.builder().get()
                    .parse(new InputStreamReader(guard, StandardCharsets.UTF_8));
            try {
                return new CsvSource(file, size, guard, parser);
            } catch (RuntimeException e) {
                parser.close();
                throw e;
            }
        } catch (IOException e) {
            throw InputError.file(file, "cannot read the file: " + e.getMessage() + ".");
        }
    }

    public Path file() {
        return file;
    }

    /** The normalised column names, in file order. */
    public List<String> columns() {
        return columns;
    }

    public long size() {
        return size;
    }

    public long bytesRead() {
        return guard.bytesRead();
    }

    /** The next data row, or {@code null} at the end of the file. */
    public Row next() {
        while (true) {
            long start = parser.getCurrentLineNumber() + 1;
            CSVRecord record = fetch(start);
            if (record == null) {
                return null;
            }
            if (record.size() == 1 && record.get(0).isEmpty() && columns.size() > 1) {
                continue; // a blank line
            }
            if (record.size() != columns.size()) {
                throw ragged(start, record.size());
            }
            String[] values = new String[record.size()];
            for (int i = 0; i < values.length; i++) {
                String v = record.get(i);
                values[i] = v.isEmpty() ? null : v;
            }
            return new Row(start, values);
        }
    }

    private List<String> readHeader() {
        CSVRecord header = fetch(1);
        if (header == null || (header.size() == 1 && header.get(0).isBlank())) {
            throw InputError.line(file, 1, "the header line is empty; expected the column names."
                    + " Put the column names, separated by commas, on the first line.");
        }
        List<String> names = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String raw = header.get(i);
            int column = i + 1;
            if (raw.isBlank()) {
                throw InputError.cell(file, 1, column, null, "the header has an empty column name."
                        + " Name every column in the header line.");
            }
            String name = Identifiers.normalise(raw).orElseThrow(() -> InputError.cell(file, 1, column, null,
                    "'" + raw + "' is not a valid column name: " + Identifiers.RULE + "."));
            Integer first = seen.putIfAbsent(name, i + 1);
            if (first != null) {
                throw InputError.cell(file, 1, i + 1, name, "the column name '" + name
                        + "' appears twice (first in column " + first + "). Rename one of them.");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    private CSVRecord fetch(long startLine) {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            if (cause instanceof Utf8Guard.MalformedUtf8 bad) {
                throw InputError.cell(file, bad.line, (int) bad.column, null, String.format(
                        "the file is not valid UTF-8 (byte 0x%02X). Save the file as UTF-8.", bad.badByte));
            }
            if (cause.getMessage() != null && cause.getMessage().contains("EOF reached before encapsulated token finished")) {
                throw InputError.line(file, startLine, "a quoted field that starts on this line is never closed."
                        + " Close the quote, and double any quote inside a quoted field.");
            }
            throw InputError.line(file, startLine, "the row cannot be parsed: " + cause.getMessage() + ".");
        }
    }

    private InputError ragged(long line, int fields) {
        String detail = fields < columns.size()
                ? "column " + (fields + 1) + " (" + columns.get(fields) + ") and after are missing"
                : "column " + (columns.size() + 1) + " has no header";
        return InputError.line(file, line, "the row has " + fields + " fields but the header has " + columns.size()
                + " (" + detail + "). Check for a missing or extra comma, or an unclosed quote.");
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            throw InputError.file(file, "cannot close the file: " + e.getMessage() + ".");
        }
    }
}
