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
}
