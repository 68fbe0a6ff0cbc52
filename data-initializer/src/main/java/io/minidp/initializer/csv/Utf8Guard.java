package io.minidp.initializer.csv;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through while checking that they are well-formed UTF-8, so that a file in another
 * encoding is rejected at the exact line and column of its first bad byte rather than loaded as
 * mojibake. Also counts the bytes read, for progress. A leading byte-order mark is dropped.
 */
public final class Utf8Guard extends FilterInputStream {

    /** Thrown from read(): the parser passes it up unchanged. */
    public static final class MalformedUtf8 extends IOException {
        public final long line;
        public final long column;
        public final int badByte;

        MalformedUtf8(long line, long column, int badByte) {
            super(String.format("invalid UTF-8 byte 0x%02X at line %d, column %d", badByte, line, column));
            this.line = line;
            this.column = column;
            this.badByte = badByte;
        }
    }

    private long line = 1;
    private long column = 0;
    private long bytesRead;
    private int pending;     // continuation bytes still expected
    private int minCodePoint;
    private int codePoint;
    private int lead;        // the first byte of the sequence being read, reported when it proves bad
    private boolean atStart = true;
    private final byte[] one = new byte[1];

    public Utf8Guard(InputStream in) {
        super(in);
    }

    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            if (pending > 0) {
                throw new MalformedUtf8(line, column, lead);
            }
            return n;
        }
        if (atStart && n >= 3 && (b[off] & 0xFF) == 0xEF && (b[off + 1] & 0xFF) == 0xBB && (b[off + 2] & 0xFF) == 0xBF) {
            System.arraycopy(b, off + 3, b, off, n - 3);
            n -= 3;
            bytesRead += 3;
        }
        atStart = false;
        for (int i = off; i < off + n; i++) {
            check(b[i] & 0xFF);
        }
        bytesRead += n;
        return n;
    }

    private void check(int c) throws MalformedUtf8 {
        if (pending > 0) {
            if ((c & 0xC0) != 0x80) {
                throw new MalformedUtf8(line, column, lead);
            }
            codePoint = (codePoint << 6) | (c & 0x3F);
            if (--pending == 0 && (codePoint < minCodePoint || codePoint > 0x10FFFF
                    || (codePoint >= 0xD800 && codePoint <= 0xDFFF))) {
                throw new MalformedUtf8(line, column, lead);
            }
            return;
        }
        column++;
        lead = c;
        if (c < 0x80) {
            if (c == '\n') {
                line++;
                column = 0;
            }
        } else if ((c & 0xE0) == 0xC0) {
            start(1, 0x80, c & 0x1F);
        } else if ((c & 0xF0) == 0xE0) {
            start(2, 0x800, c & 0x0F);
        } else if ((c & 0xF8) == 0xF0) {
            start(3, 0x10000, c & 0x07);
        } else {
            throw new MalformedUtf8(line, column, c);
        }
    }

    private void start(int continuation, int min, int bits) {
        pending = continuation;
        minCodePoint = min;
        codePoint = bits;
    }
}
