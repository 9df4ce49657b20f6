package org.backprop4j.cli;

import org.backprop4j.options.Checks;
import org.backprop4j.data.DataException;
import org.backprop4j.data.Memory;
import org.backprop4j.io.ProjectVersion;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.options.UserException;
import org.backprop4j.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.charset.Charset;
import java.io.OutputStreamWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** {@code nn}: train, evaluate and use fully connected networks. With no arguments, runs the demo. */
@Command(name = "nn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Trains fully connected neural networks by backpropagation (SPEC E1-E12).%n"
                + "With no command, runs the demo: the seed's 784-100-10 network on the MNIST subset.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ServeCommand.class, CrossValidateCommand.class, ExportCommand.class,
                CompareCommand.class, GradcheckCommand.class, ExplainCommand.class, DemoCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** {@code nn --version}: the version the build wrote into core (ProjectVersion), and the Java running it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"nn (Backprop4j) " + ProjectVersion.current(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true"); // charts are drawn off-screen; never look for a display
        // the charset System.out and System.err encode with themselves on JDK 17 (stdout.encoding exists only from 18)
        Charset charset = Charset.defaultCharset();
        System.exit(run(args, new PrintWriter(new OutputStreamWriter(System.out, charset), true),
                new PrintWriter(new OutputStreamWriter(System.err, charset), true)));
    }

    /** Runs {@code nn} with these arguments and streams; returns the exit code (0 ok, 2 bad input, 1 internal error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 0) args = new String[] {"demo"};
        Checkpoint resumed = null;
        if (TrainCommand.isResume(args)) {   // nn train --resume FILE: the run's own command line, from the checkpoint
            try {
                TrainCommand.Resumption r = TrainCommand.resumption(args);
                args = r.args();
                resumed = r.checkpoint();
            } catch (UserException | DataException e) {
                err.println("nn train: " + oneLine(Checks.message(e)));
                err.flush();
                return 2;
            }
        }
        Checkpoint checkpoint = resumed;
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override public <K> K create(Class<K> cls) throws Exception {
                return cls == TrainCommand.class && checkpoint != null ? cls.cast(new TrainCommand(checkpoint)) : CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cmd = new CommandLine(new Main(), factory);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((e, a) -> {
            String name = e.getCommandLine().getCommandName();
            String qualified = name.equals("nn") ? "nn" : "nn " + name;
            err.println(qualified + ": " + oneLine(e.getMessage()) + " (see '" + qualified + " --help')");
            err.flush();
            return 2;
        });
        cmd.setExecutionExceptionHandler((e, c, p) -> {
            err.println("nn " + c.getCommandName() + ": " + message(e));
            err.flush();
            if (System.getenv("NN_DEBUG") != null) e.printStackTrace(err);
            return isUserError(e) ? 2 : 1;
        });
        int code;
        try {
            code = cmd.execute(args);
        } catch (OutOfMemoryError e) {
            out.flush();
            err.println(outOfMemory(args));
            err.flush();
            return 2;
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The one line for an OutOfMemoryError that no size check foresaw: the heap limit, and a larger one
     * to give with NN_JAVA_OPTS (inputs whose size is known are refused before, with the size they need).
     */
    static String outOfMemory(String[] args) {
        long max = Runtime.getRuntime().maxMemory();
        String command = args.length > 0 && !args[0].startsWith("-") ? "nn " + args[0] : "nn";
        return command + ": out of memory: this needs more than the Java heap's limit of " + Memory.size(max)
                + "; give Java more with NN_JAVA_OPTS=-Xmx" + Math.max(1, (2 * max + (1L << 30) - 1) >> 30) + "g";
    }

    private static boolean isUserError(Exception e) {
        return e instanceof DataException || e instanceof IllegalArgumentException || e instanceof UserException
                || e instanceof TrainingDivergedException || e instanceof IOException || e instanceof UncheckedIOException;
    }

    private static String message(Exception e) {
        if (isUserError(e)) return oneLine(Checks.message(e));   // the library's parameters named as options
        return "internal error: " + e + " (set NN_DEBUG=1 for the stack trace)";
    }

    static String oneLine(String s) {
        if (s == null) return "";
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    @Override
    public void run() {
        // only reached through subcommands
    }
}
