package org.backprop4j.data;

/**
 * Bad input data or a bad model file: the message is one line for a person and names the file
 * and, where there is one, the line (as {@code file:line: what is wrong}). When the data does not fit
 * what a reader was told about it (a label column the header lacks), the message starts with that
 * parameter as the library names it ({@code label}, {@code targets}, {@code categorical},
 * {@code features}, {@code sampleWeights}) and {@link #parameter()} says which: a command line maps
 * the name to its own option (nn's {@code Checks}), as for a {@link org.backprop4j.ParameterException}.
 */
public class DataException extends RuntimeException {
    private final String parameter;
    private final String problem;

    public DataException(String message) {
        this(null, message, null);
    }

    public DataException(String message, Throwable cause) {
        this(null, message, cause);
    }

    private DataException(String parameter, String problem, Throwable cause) {
        super(parameter == null ? problem : parameter + " " + problem, cause);
        this.parameter = parameter;
        this.problem = problem;
    }

    public static DataException at(String file, long line, String what) {
        return new DataException(file + ":" + line + ": " + what);
    }

    /**
     * The data does not fit the reader's parameter {@code parameter}; {@code problem} reads after its name
     * ("'kind': no such column in the header of data.csv").
     */
    public static DataException about(String parameter, String problem) {
        return new DataException(parameter, problem, null);
    }

    /** The reader's parameter the data does not fit, as the library names it; null when the data alone is at fault. */
    public String parameter() {
        return parameter;
    }

    /** What is wrong: after the parameter's name when there is one, else the whole message. */
    public String problem() {
        return problem;
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
