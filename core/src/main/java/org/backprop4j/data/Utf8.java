package org.backprop4j.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds where a file stops being UTF-8. A text reader decodes ahead of the line it hands out, so its
 * error does not say which line holds the bad bytes; this scan does, for the message.
 */
final class Utf8 {
    /** What is wrong with such a file, for its message. */
    static final String NOT_UTF8 = "not UTF-8 text (save it as UTF-8)";

    private Utf8() {
    }

    /** The 1-based line of the first byte sequence that is not UTF-8, or -1 if there is none (or the file cannot be read). */
    static long firstBadLine(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long line = 1;
            int need = 0;
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (need > 0) {
                    if ((b & 0xC0) != 0x80) return line;      // a lead byte without its continuation bytes
                    need--;
                } else if (b < 0x80) {
                    if (b == '\n') line++;
                } else if (b >= 0xC2 && b <= 0xDF) {
                    need = 1;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    need = 2;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    need = 3;
                } else {
                    return line;                              // a continuation byte alone, or a byte UTF-8 never uses
                }
            }
            return need > 0 ? line : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The error for a file that is not UTF-8: at the line the scan finds, else at {@code readerLine}. */
    static DataException error(Path file, long readerLine) {
        long line = firstBadLine(file);
        return DataException.at(file.toString(), line > 0 ? line : readerLine, NOT_UTF8);
    }
}
