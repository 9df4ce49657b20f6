package org.backprop4j.options;

import org.backprop4j.ParameterException;
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
        } catch (ParameterException e) {
            String flag = FLAGS.get(e.parameter());
            if (flag != null) throw new UserException(message(e));
            throw new UserException(option == null ? e.getMessage() : option + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserException(option == null ? e.getMessage() : option + ": " + e.getMessage());
        }
    }

    /** The option of nn that sets each library parameter ({@link ParameterException#parameter()}). */
    static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("epochs", "--epochs"), Map.entry("learningRate", "--learning-rate"), Map.entry("l2", "--l2"),
            Map.entry("threads", "--threads"), Map.entry("l1", "--l1"), Map.entry("clipNorm", "--clip-norm"),
            Map.entry("dropout", "--dropout"), Map.entry("validationSplit", "--validation-split"),
            Map.entry("minRate", "--min-learning-rate"), Map.entry("earlyStopping", "--early-stopping"), Map.entry("folds", "--folds"),
            Map.entry("patience", "--patience"), Map.entry("minDelta", "--min-delta"), Map.entry("momentum", "--momentum"),
            Map.entry("rho", "--rho"), Map.entry("beta1", "--beta1"), Map.entry("beta2", "--beta2"), Map.entry("epsilon", "--epsilon"),
            Map.entry("weightDecay", "--weight-decay"), Map.entry("stepEvery", "--step-every"), Map.entry("gamma", "--gamma"),
            Map.entry("power", "--power"), Map.entry("plateauFactor", "--plateau-factor"),
            Map.entry("plateauPatience", "--plateau-patience"));

    /** The library's complaint about one of its parameters, told of the option that sets it ("--epochs must be …"). */
    public static String message(ParameterException e) {
        String flag = FLAGS.get(e.parameter());
        return flag == null ? e.getMessage() : flag + " " + e.problem();
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
