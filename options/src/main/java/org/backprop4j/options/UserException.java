package org.backprop4j.options;

/**
 * A mistake in what the user asked for, named by its option; its message is printed as the one
 * line of the error (by {@code nn} and by the Spark launcher alike).
 */
public final class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }
}
