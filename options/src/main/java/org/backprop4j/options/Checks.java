package org.backprop4j.options;

import picocli.CommandLine.ParseResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The two checks every command makes of its options: a library call that refuses a value (an
 * {@link IllegalArgumentException} speaking of the library's parameter) becomes one line naming the
 * option; a file to be written must have a folder to go in.
 */
public final class Checks {
    private Checks() { }

    /**
     * Runs {@code parse}; turns its IllegalArgumentException into a {@link UserException} whose
     * message starts with {@code option} (or is the library's own message, when option is null).
     */
    public static <T> T parse(String option, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new UserException(option == null ? e.getMessage() : option + ": " + e.getMessage());
        }
    }

    /** Fails early (before training) when the file given to {@code option} could not be written. */
    public static void writable(String option, Path out) {
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UserException(option + " " + out + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(out)) throw new UserException(option + " " + out + " is a folder");
    }

    /**
     * Refuses, in one line, the first given option (in name order) of {@code notTaken}, which maps
     * an option to why {@code command} does not take it: options shared with other commands that
     * this one cannot honour are named, never silently ignored.
     */
    public static void refuse(ParseResult given, String command, Map<String, String> notTaken) {
        for (Map.Entry<String, String> o : new TreeMap<>(notTaken).entrySet()) {
            if (given.hasMatchedOption(o.getKey())) throw new UserException(o.getKey() + " is not taken by " + command + ": " + o.getValue());
        }
    }
}
