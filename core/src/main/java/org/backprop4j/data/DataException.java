package org.backprop4j.data;

/**
 * Bad input data or a bad model file: the message is one line for a person and names the file
 * and, where there is one, the line (as {@code file:line: what is wrong}).
 */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    public static DataException at(String file, long line, String what) {
        return new DataException(file + ":" + line + ": " + what);
    }

    /**
     * {@code text} for a one-line message: control characters (a NUL, a line break) shown as
     * Java escapes (backslash, u, four hex digits), and cut to its first {@code max} characters, saying how long it was — a 50 MB
     * cell must not become a 50 MB message.
     */
    public static String quote(String text, int max) {
        StringBuilder s = new StringBuilder();
        int n = Math.min(text.length(), max);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) s.append(String.format("\\u%04x", (int) c));
            else s.append(c);
        }
        if (text.length() > max) s.append("... (").append(text.length()).append(" characters)");
        return s.toString();
    }

    /** {@link #quote(String, int)} with the usual limit of 80 characters. */
    public static String quote(String text) {
        return quote(text, 80);
    }
}
