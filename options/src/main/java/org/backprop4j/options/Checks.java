package org.backprop4j.options;

import org.backprop4j.ParameterException;
import org.backprop4j.data.DataException;
import picocli.CommandLine.ParseResult;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
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
            Map.entry("plateauPatience", "--plateau-patience"),
            // the data readers' parameters (DataException.parameter())
            Map.entry("label", "--label"), Map.entry("targets", "--targets"), Map.entry("categorical", "--categorical"),
            Map.entry("features", "--features"), Map.entry("sampleWeights", "--sample-weights"));

    /**
     * The library's complaint about one of its parameters, told of the option that sets it: a
     * {@link ParameterException} ("--epochs must be …" for "epochs must be …"), or a {@link DataException}
     * about a reader's parameter ("--label 'kind': no such column …" for "label 'kind': no such column …");
     * any other message as it is.
     */
    public static String message(Throwable e) {
        String flag = e instanceof ParameterException p ? FLAGS.get(p.parameter())
                : e instanceof DataException d && d.parameter() != null ? FLAGS.get(d.parameter()) : null;
        if (flag == null) return e.getMessage();
        return flag + " " + (e instanceof ParameterException p ? p.problem() : ((DataException) e).problem());
    }

    /**
     * Fails early (before training) when the file given to {@code option} could not be written: its
     * folder is missing or not writable, or it exists and is not a regular file (a folder, a device
     * such as /dev/null, a pipe, a link to one) — which a save would replace by a regular file.
     */
    public static void writable(String option, Path out) {
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UserException(option + " " + out + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(out)) throw new UserException(option + " " + out + " is a folder");
        if (Files.exists(out) && !Files.isRegularFile(out)) {
            throw new UserException(option + " " + out + " exists and is not a regular file (a device, a pipe, or a link to one); "
                    + "give the path of a file");
        }
        if (!Files.isWritable(dir)) throw new UserException(option + " " + out + ": folder " + dir + " is not writable");
    }

    /** Options whose files a command reads. */
    private static final Set<String> INPUTS = Set.of("--data", "--labels", "--test-data", "--test-labels", "--validation-data",
            "--validation-labels", "--init", "--model", "--resume");
    /** Options whose files a command writes (a command of nn with any of them calls {@link #noClobbering}). */
    public static final Set<String> OUTPUTS = Set.of("--out", "--report", "--metrics", "--checkpoint", "--html");

    /**
     * Before any work: every output file of the command ({@code --out}, {@code --report},
     * {@code --metrics}, {@code --checkpoint}, {@code --html}) must be writable ({@link #writable}), and
     * none may be the same file as an input ({@code --data}, {@code --model}, {@code --init}, ...) or as
     * another output. Paths are compared as real paths, links resolved, so {@code ./iris.csv} and a
     * link to it are the same file.
     */
    public static void noClobbering(CommandSpec spec) {
        noClobbering(spec, List.of());
    }

    /**
     * {@link #noClobbering(CommandSpec)} for a command whose {@code --out} names a folder that it writes the
     * files {@code names} into ({@code nn compare}): those files are its outputs. The folder must be a
     * folder, or be missing in a writable folder (it is then made).
     */
    public static void noClobberingInFolder(CommandSpec spec, List<String> names) {
        noClobbering(spec, names);
    }

    private static void noClobbering(CommandSpec spec, List<String> outFolderFiles) {
        Map<Path, String> inputs = new LinkedHashMap<>(), outputs = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            String name = o.longestName();
            Path p = localPath(o.getValue());
            if (p == null) continue;
            if (OUTPUTS.contains(name)) {
                List<Path> files;
                if (name.equals("--out") && !outFolderFiles.isEmpty()) {
                    files = filesIn(p, outFolderFiles);
                } else {
                    writable(name, p);
                    files = List.of(p);
                }
                for (Path f : files) {
                    String other = outputs.putIfAbsent(real(f), name + " " + f);
                    if (other != null) throw new UserException(name + " " + f + " is the same file as " + other + "; give each output its own file");
                }
            } else if (INPUTS.contains(name)) {
                inputs.putIfAbsent(real(p), name + " " + p);
            }
        }
        for (Map.Entry<Path, String> out : outputs.entrySet()) {
            String in = inputs.get(out.getKey());
            if (in != null && !(out.getValue().startsWith("--checkpoint ") && in.startsWith("--resume "))) {
                throw new UserException(out.getValue() + " is the same file as " + in + ": refusing to overwrite an input");
            }
        }
    }

    /** The files {@code names} in the folder {@code dir} given to --out, checked as {@link #writable} checks a file. */
    private static List<Path> filesIn(Path dir, List<String> names) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new UserException("--out " + dir + " is a file, not a folder");
        List<Path> files = new ArrayList<>();
        for (String n : names) files.add(dir.resolve(n));
        if (Files.isDirectory(dir)) {
            for (Path f : files) writable("--out", f);
        } else {                                        // made when the files are written: its parent must take it
            Path parent = dir.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) throw new UserException("--out " + dir + ": folder " + parent + " does not exist");
            if (!Files.isWritable(parent)) throw new UserException("--out " + dir + ": folder " + parent + " is not writable");
        }
        return files;
    }

    /** A file option's value as a local path: a Path, or a String that is not a URI (--data may name hdfs://... for Spark); else null. */
    private static Path localPath(Object value) {
        if (value instanceof Path p) return p;
        if (!(value instanceof String s) || s.contains("://")) return null;
        try {
            return Path.of(s);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** The path with every link resolved; for a file not yet there, its folder's real path and its name. */
    private static Path real(Path p) {
        try {
            if (Files.exists(p)) return p.toRealPath();
            Path abs = p.toAbsolutePath().normalize(), dir = abs.getParent();
            return dir != null && Files.exists(dir) ? dir.toRealPath().resolve(abs.getFileName()) : abs;
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
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
