package org.backprop4j.cli;

/** A mistake in what the user asked for; its message is printed as the one line of the error. */
final class UserException extends RuntimeException {
    UserException(String message) {
        super(message);
    }
}
