package io.minidp.initializer.csv;

import io.minidp.common.app.PlatformException;
import java.nio.file.Path;

/** Bad input in a CSV file, located by file, line and (where there is one) column. */
public final class InputError extends PlatformException {

    private InputError(String message) {
        super(message);
    }

    public static InputError file(Path file, String problem) {
        return new InputError(file + ": " + problem);
    }

    public static InputError line(Path file, long line, String problem) {
        return new InputError(file + " line " + line + ": " + problem);
    }

    /** {@code columnIndex} counts from 1, as a spreadsheet user would. */
    public static InputError cell(Path file, long line, int columnIndex, String columnName, String problem) {
        String column = columnName == null ? "column " + columnIndex : "column " + columnIndex + " (" + columnName + ")";
        return new InputError(file + " line " + line + ", " + column + ": " + problem);
    }
}
