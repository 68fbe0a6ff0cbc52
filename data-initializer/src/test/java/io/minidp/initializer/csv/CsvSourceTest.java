package io.minidp.initializer.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
    }

    private static List<CsvSource.Row> rows(CsvSource csv) {
        List<CsvSource.Row> rows = new ArrayList<>();
        for (CsvSource.Row r = csv.next(); r != null; r = csv.next()) {
            rows.add(r);
        }
        return rows;
    }

    @Test
    void readsQuotedCommasQuotesLineBreaksAndEmptyAsNullWithStartingLines() throws IOException {
        Path f = write("t.csv", "Id,Full Name,note\n1,\"Doe, Jane\",\"say \"\"hi\"\"\"\n2,Zoë,\"two\nlines\"\n\n3,王芳,\n");
        try (CsvSource csv = CsvSource.open(f)) {
            assertThat(csv.columns()).containsExactly("id", "full_name", "note");
            List<CsvSource.Row> rows = rows(csv);
            assertThat(rows).extracting(CsvSource.Row::line).containsExactly(2L, 3L, 6L);
            assertThat(rows.get(0).values()).containsExactly("1", "Doe, Jane", "say \"hi\"");
            assertThat(rows.get(1).values()).containsExactly("2", "Zoë", "two\nlines");
            assertThat(rows.get(2).values()).containsExactly("3", "王芳", null);
        }
    }

    @Test
    void dropsAByteOrderMark() throws IOException {
        Path f = dir.resolve("bom.csv");
        Files.write(f, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'i', 'd', '\n', '1', '\n'});
        try (CsvSource csv = CsvSource.open(f)) {
            assertThat(csv.columns()).containsExactly("id");
            assertThat(rows(csv)).hasSize(1);
        }
    }

    @Test
    void aRaggedRowNamesLineAndMissingColumn() throws IOException {
        Path f = write("t.csv", "id,name,city\n1,a,b\n2,\"multi\nline\"\n");
        try (CsvSource csv = CsvSource.open(f)) {
            assertThatThrownBy(() -> rows(csv)).hasMessage(f + " line 3: the row has 2 fields but the header has 3"
                    + " (column 3 (city) and after are missing). Check for a missing or extra comma, or an unclosed quote.");
        }
    }

    @Test
    void invalidUtf8NamesLineAndColumnOfTheBadByte() throws IOException {
        Path f = dir.resolve("latin1.csv");
        Files.write(f, "id,name\n1,ok\n2,Jos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        // The bad byte may be met while the header is read, as the reader fills its buffer.
        assertThatThrownBy(() -> {
            try (CsvSource csv = CsvSource.open(f)) {
                rows(csv);
            }
        }).hasMessage(f + " line 3, column 6: the file is not valid UTF-8 (byte 0xE9). Save the file as UTF-8.");
    }

    @Test
    void anUnclosedQuoteNamesTheLineItStartsOn() throws IOException {
        Path f = write("t.csv", "id,name\n1,a\n2,\"never closed\n3,c\n");
        try (CsvSource csv = CsvSource.open(f)) {
            assertThatThrownBy(() -> rows(csv)).hasMessage(f + " line 3: a quoted field that starts on this line is"
                    + " never closed. Close the quote, and double any quote inside a quoted field.");
        }
    }

    @Test
    void headerProblemsAreReportedAtLineOne() throws IOException {
        Path empty = write("empty.csv", "");
        Path blank = write("blank.csv", "\n1,2\n");
        Path hole = write("hole.csv", "id,,name\n");
        Path evil = write("evil.csv", "id,\"name\"\"; DROP TABLE x; --\"\n");
        Path twice = write("twice.csv", "id,Email,email\n");

        assertThatThrownBy(() -> CsvSource.open(empty)).hasMessage(empty
                + ": the file is empty; expected a header line naming the columns. Add a header and rows, or remove the file.");
        assertThatThrownBy(() -> CsvSource.open(blank)).hasMessage(blank
                + " line 1: the header line is empty; expected the column names. Put the column names, separated by commas, on the first line.");
        assertThatThrownBy(() -> CsvSource.open(hole)).hasMessage(hole
                + " line 1, column 2: the header has an empty column name. Name every column in the header line.");
        assertThatThrownBy(() -> CsvSource.open(evil)).hasMessage(evil
                + " line 1, column 2: 'name\"; DROP TABLE x; --' is not a valid column name: use letters, digits and"
                + " underscores, starting with a letter or underscore, at most 63 characters (spaces, hyphens and dots"
                + " become underscores).");
        assertThatThrownBy(() -> CsvSource.open(twice)).hasMessage(twice
                + " line 1, column 3 (email): the column name 'email' appears twice (first in column 2). Rename one of them.");
    }
}
