package org.backprop4j.spark;

import org.apache.spark.sql.SparkSession;
import org.backprop4j.data.Columns;
import org.backprop4j.data.DataException;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.options.CheckpointOptions;
import org.backprop4j.options.Checks;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.options.SparkOptions;
import org.backprop4j.options.TrainCommandOptions;
import org.backprop4j.options.TrainingPlan;
import org.backprop4j.options.UserException;
import org.backprop4j.report.MetricsFile;
import org.backprop4j.report.RunSettings;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code nn train --spark MASTER …} (started by the {@code ./nn} script) and the main class of the
 * application jar for {@code spark-submit}: reads the data through Spark, trains with
 * {@link SparkTrainer}, writes the normal model file. The options are {@code nn train}'s own option
 * groups (the same declarations, help texts and checks, turned into the same {@link TrainingPlan}),
 * and each means on Spark what it means in {@code nn train} (SparkSharedOptionsTest holds them to it).
 */
@Command(name = "nn train --spark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a network on Apache Spark (data-parallel) and saves the normal JSON model file.")
public final class SparkTrainCommand extends TrainCommandOptions implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // nn train's own groups: TrainCommandOptions
    @Mixin SparkOptions cluster;

    /** Exit code when the cluster failed (a step's job failed for good, or the application was removed). */
    public static final int CLUSTER_FAILED = 4;

    /** The command line as given; a checkpoint stores it without --spark and --resume. */
    private java.util.List<String> arguments;
    /** Listens for SIGTERM while a run with --checkpoint trains, or null. */
    private SparkInterruption interruption;
    /** The checkpoint this run resumes from (--resume), or null. */
    private Checkpoint resumed;
    /** Spark's log file (null: Spark logs as configured elsewhere). */
    private Path sparkLog;
    /** Stops the application when its executors cannot start. */
    private ExecutorStarts executorStarts;

    public static void main(String[] args) {
        String oldJavaOnly = SparkLaunch.unsupportedJava(Runtime.version().feature());
        if (oldJavaOnly != null) {   // before the flags: on Java 23+ no flags would help
            System.err.println(oldJavaOnly);
            System.exit(2);
        }
        String missing = SparkLaunch.missingJvmFlags();
        if (missing != null) {   // e.g. a driver started by the cluster without them (--deploy-mode cluster)
            System.err.println(missing);
            System.exit(2);
        }
        Path log = SparkLaunch.quietLogs();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), log));
    }

    /** Runs the command, Spark logging as configured; see {@link #run(String[], PrintWriter, PrintWriter, Path)}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, null);
    }

    /**
     * Runs the command; returns the exit code: 0 ok, 2 bad input, 3 diverged, 4 the cluster failed
     * ({@link #CLUSTER_FAILED}), 1 internal error. {@code sparkLog}: where Spark's log goes, named in
     * error messages (or null).
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Path sparkLog) {
        SparkTrainCommand command = new SparkTrainCommand();
        command.sparkLog = sparkLog;
        command.arguments = java.util.List.of(args);
        if (java.util.Arrays.stream(args).anyMatch(a -> a.equals("--resume") || a.startsWith("--resume="))) {
            try {
                args = command.resuming(args);
            } catch (UserException | IllegalArgumentException | DataException e) {
                err.println("nn train --spark: " + oneLine(Checks.message(e)));
                err.flush();
                return 2;
            }
        }
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((e, a) -> {
            err.println("nn train --spark: " + oneLine(e.getMessage()) + " (see 'nn train --spark local[2] --help')");
            return 2;
        });
        cmd.setExecutionExceptionHandler((e, c, p) -> {
            boolean user = e instanceof UserException || e instanceof IllegalArgumentException || e instanceof DataException
                    || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                    || e.getClass().getName().equals("org.apache.spark.sql.AnalysisException");
            String message = Checks.message(e);   // the library's parameters named as options
            err.println("nn train --spark: " + (user ? oneLine(message) : "internal error: " + oneLine(e.toString())
                    + " (set NN_DEBUG=1 for the stack trace)"));
            if (System.getenv("NN_DEBUG") != null) e.printStackTrace(err);
            return user ? 2 : 1;
        });
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * {@code --spark MASTER --resume FILE}: the checkpoint's stored options, on MASTER (or, without
     * --spark, the master spark-submit gives); the run then continues from the checkpoint.
     */
    private String[] resuming(String[] args) {
        java.util.List<String> master = new java.util.ArrayList<>();
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--resume") && i + 1 < args.length) file = Path.of(args[++i]);
            else if (args[i].startsWith("--resume=")) file = Path.of(args[i].substring("--resume=".length()));
            else if (args[i].equals("--spark") && i + 1 < args.length) master = java.util.List.of(args[i], args[++i]);
            else if (args[i].startsWith("--spark=")) master = java.util.List.of(args[i]);
            else throw new UserException("--resume FILE takes no other option than --spark MASTER: the checkpoint holds the run's options");
        }
        if (file == null) throw new UserException("--resume needs a FILE");
        Checkpoint c = ModelJson.readFile(file).checkpoint();
        if (c == null) throw new UserException("--resume " + file + ": a model file, not a checkpoint (no \"checkpoint\" section)");
        if (c.command().isEmpty() || !c.command().get(0).equals(SPARK_RUN)) {
            throw new UserException("--resume " + file + ": not a checkpoint of nn train --spark (resume it with nn train --resume)");
        }
        String here = Path.of("").toAbsolutePath().toString();
        if (!c.directory().equals(here)) {
            throw new UserException("--resume " + file + ": run it from " + c.directory() + " (the folder the run's paths are relative to), not " + here);
        }
        resumed = c;
        java.util.List<String> resumedArgs = new java.util.ArrayList<>(master);
        resumedArgs.addAll(c.command().subList(1, c.command().size()));
        arguments = resumedArgs;
        return resumedArgs.toArray(String[]::new);
    }

    /** The first word of the command line a Spark checkpoint stores (then the options, without --spark). */
    static final String SPARK_RUN = "train-on-spark";

    /** The options to store in a checkpoint: those given, without --spark MASTER (a resumed run names its own cluster). */
    private java.util.List<String> storedCommand() {
        java.util.List<String> stored = new java.util.ArrayList<>(java.util.List.of(SPARK_RUN));
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i).equals("--spark")) i++;
            else if (!arguments.get(i).startsWith("--spark=")) stored.add(arguments.get(i));
        }
        return stored;
    }

    /**
     * How the columns are read (--categorical, --features, --sample-weights, --class-weights), with the
     * formats each is for checked as {@code nn train} checks them (Parquet reads as CSV does).
     */
    private SparkData.Reading reading(String format) {
        boolean table = format.equals("csv") || format.equals("parquet");
        if (data.categorical != null && !table) throw new UserException("--categorical is for CSV or Parquet data, not " + format);
        if (data.features != null && !format.equals("libsvm")) throw new UserException("--features is for LIBSVM data, not " + format);
        if (data.features != null && data.features < 1) throw new UserException("--features must be at least 1, got " + data.features);
        if (weights.sampleWeights != null && !table) throw new UserException("--sample-weights is for CSV or Parquet data, not " + format);
        return new SparkData.Reading(data.categorical, data.features == null ? 0 : data.features, weights.sampleWeights,
                weights.classWeights);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        // every option checked before Spark starts
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        TrainingPlan plan = plan(given, 1);
        Strategy how = cluster.strategy.equals("sync") ? new Strategy.Synchronous(cluster.treeDepth)
                : cluster.strategy.equals("average") ? new Strategy.Averaging(cluster.averageEvery)
                : null;
        if (how == null) throw new UserException("--strategy: unknown strategy '" + cluster.strategy + "' (known: sync, average)");
        String format = data.format();
        Columns columns = data.columns();
        if (columns instanceof Columns.InputsOnly) {
            if (!format.equals("idx") && !format.equals("libsvm")) {
                throw new UserException("say which columns are targets: --label COLUMN (classes) or --targets K (last K columns)");
            }
            columns = new Columns.Label("label");
        }
        test.check();
        output.check();
        Checks.noClobbering(spec);          // no output over a local input or another output (hdfs://, s3a://... are not compared)
        if (output.metrics != null) MetricsFile.formatOf(output.metrics);
        checkpoints.check();
        String oldJavaOnly = SparkLaunch.unsupportedJava(Runtime.version().feature());
        if (oldJavaOnly != null) {
            err.println(oldJavaOnly);
            return 2;
        }

        SparkSession.Builder builder = SparkSession.builder().appName("backprop4j nn train");
        if (cluster.master != null) builder.master(cluster.master);
        SparkLaunch.configure(builder, cluster.master);
        SparkSession spark;
        try {
            spark = builder.getOrCreate();
        } catch (RuntimeException e) {
            return clusterFailed("Spark did not start: " + SparkFailures.cause(e), false, null, err);
        }
        executorStarts = ExecutorStarts.watch(spark.sparkContext(), 10);
        int code = 1;
        try {
            code = train(spark, plan, how, columns, err);
            return code;
        } catch (Exception e) {   // Spark's job failure is a checked SparkException, thrown undeclared from Scala
            String bad = SparkFailures.dataError(e);
            if (bad != null) {   // a task met bad data: the user's to fix, not the cluster's
                err.println("nn train --spark: " + oneLine(bad));
                code = 2;
                return code;
            }
            if (!spark.sparkContext().isStopped() && !SparkFailures.isSparkFailure(e)) throw e;
            boolean stopped = spark.sparkContext().isStopped();
            code = clusterFailed(stopped ? "the Spark application stopped" : SparkFailures.cause(e), stopped, null, err);
            return code;
        } finally {
            if (interruption != null) interruption.finish(code);   // after a SIGTERM: the JVM ends with this code
            spark.stop();
        }
    }

    /**
     * One line for a failed cluster: what Spark reports (when the application was stopped, the reason
     * found in Spark's log), what was saved, where the full log is. Returns {@link #CLUSTER_FAILED}.
     */
    private int clusterFailed(String what, boolean stopped, String saved, PrintWriter err) {
        StringBuilder line = new StringBuilder("nn train --spark: the cluster failed: ");
        String lastError = stopped ? SparkFailures.lastError(sparkLog) : null;
        if (stopped && executorStarts != null && executorStarts.reason() != null) {
            line.append(executorStarts.reason());
        } else {
            line.append(what);
            if (lastError != null) line.append(" (Spark: ").append(lastError).append(')');
        }
        if (saved != null) line.append("; ").append(saved);
        if (sparkLog != null) line.append("; Spark's log: ").append(sparkLog);
        err.println(oneLine(line.toString()));
        return CLUSTER_FAILED;
    }

    private int train(SparkSession spark, TrainingPlan plan, Strategy how, Columns columns, PrintWriter err) throws java.io.IOException {
        TrainingConfig config = plan.config();
        String format = data.format();
        long started = System.nanoTime();
        ModelFile init = plan.init();
        SparkData.Reading reading = reading(format);
        // with --init: its classes, encoding and input count; its scaling unless --scale asks for one fitted anew (as nn train)
        boolean refit = init == null || spec.commandLine().getParseResult().hasMatchedOption("--scale");
        SparkData.Split read = SparkData.read(spark, data.data, format, data.labels, columns, training.scale, cluster.partitions, reading,
                init == null ? null : like(init.model(), refit), validation.validationSplit == null ? 0 : validation.validationSplit,
                training.seed);
        SparkDataset train = read.training();
        SparkDataset testSet = test.testData == null ? null : SparkData.readLike(spark, test.testData,
                data.withData(test.testData, test.testLabels).format(), test.testLabels, columns, reading, train, cluster.partitions);
        String validationFile = validation.validationData == null ? null
                : spec.commandLine().getParseResult().matchedOption("--validation-data").stringValues().get(0);   // as typed: hdfs:// too
        SparkDataset validationSet = validationFile == null ? read.validation() : SparkData.readLike(spark, validationFile,
                data.withData(validationFile, validation.validationLabels).format(), validation.validationLabels, columns, reading, train,
                cluster.partitions);
        Network start = plan.start(train.inputs(), train.outputs(), train.source(), train.isClassification());
        double loaded = (System.nanoTime() - started) / 1e9;
        if (!verbosity.quiet) {
            err.printf("training %s on %d samples from %s in %d partitions (%s, master %s): loss %s, batch %s, %d epochs, "
                            + "learning rate %s%n", start, train.size(), train.source(), train.partitions(),
                    how instanceof Strategy.Averaging a ? "parameter averaging every " + a.steps() + " steps" : "synchronous aggregation",
                    spark.sparkContext().master(), config.loss(), config.batchSize(), config.epochs(), config.learningRate());
        }
        TrainingListener progress = verbosity.quiet ? TrainingListener.NONE : new TrainingListener() {
            @Override public void onEpoch(EpochStats s) {
                err.printf("epoch %d/%d  cost %.6f%s  %.2f s%n", s.epoch(), s.epochs(), s.cost(),
                        Double.isNaN(s.accuracy()) ? "" : String.format("  accuracy %.2f%%", 100 * s.accuracy()), s.seconds());
            }
        };
        String kernels = kernels(SparkTrainer.kernelsOfTasks(train), train.partitions());
        if (!verbosity.quiet || kernels.contains("slow")) err.println(kernels);
        // --test-data doubles as the validation curve until a validation set is given, as in nn train
        RunFiles files = RunFiles.of(output.metrics, output.report, train, validationSet != null ? validationSet : testSet, start, config,
                warning -> {
                    if (!verbosity.quiet) err.println("warning: " + warning);
                }, started);
        // SIGTERM or Ctrl-C with --checkpoint: a last checkpoint at the next step, then exit 75 (see SparkInterruption)
        interruption = checkpoints.checkpoint != null ? SparkInterruption.install() : null;
        TrainingListener signal = new TrainingListener() {
            @Override public boolean stopRequested() {
                return interruption != null && interruption.requested();
            }
        };
        SparkTrainer trainer = new SparkTrainer(config, how, files == null ? TrainingListener.all(progress, signal)
                : TrainingListener.all(files.listener(), progress, signal));
        long trainStart = System.nanoTime();
        TrainingResult result;
        CheckpointOptions.Saver saver = checkpoints.saver(model(plan, start, train), storedCommand(),
                () -> interruption != null && interruption.requested());
        try {
            if (!verbosity.quiet && resumed != null) err.println("resuming after epoch " + resumed.epoch());
            result = Checks.parse(resumed == null ? null : "--resume",
                    () -> trainer.fit(start, plan.previous(), train, validationSet, resumed, saver));
        } catch (TrainingDivergedException e) {
            if (files != null) files.write(commandLine(), settings(config, start, train, how), null, null, train.classes(), e.getMessage());
            err.println("nn train --spark: " + oneLine(e.getMessage()));
            return 3;
        } catch (SparkTrainingException e) {
            ModelJson.write(new ModelFile(model(plan, e.lastGood(), train), e.record()), output.out);
            String saved = "saved the model of epoch " + e.lastCompleteEpoch() + " (the last complete one) to " + output.out;
            if (files != null && !spark.sparkContext().isStopped()) {
                files.write(commandLine(), settings(config, start, train, how), null, null, train.classes(), e.getMessage() + "; " + saved);
            }
            return clusterFailed(e.getMessage(), spark.sparkContext().isStopped(), saved, err);
        }
        if (interruption != null && interruption.requested() && saver.savedOnStop()) {
            err.println("nn train --spark: stopped; the last checkpoint is " + saver.file() + " (continue with: nn train --spark "
                    + spark.sparkContext().master() + " --resume " + saver.file() + ")");
            err.flush();
            return CheckpointOptions.EXIT_INTERRUPTED;
        }
        double seconds = (System.nanoTime() - trainStart) / 1e9;
        ModelJson.write(new ModelFile(model(plan, result.network(), train), result.record()), output.out);
        PrintWriter stdout = spec.commandLine().getOut();
        SparkTrainer.Evaluated tested = null;
        if (testSet != null) {
            SparkTrainer.Evaluated e = SparkTrainer.evaluate(result.network(), config.loss(), testSet);
            stdout.printf("%s: cost %.6f%s (%d samples)%n", test.testData, e.cost(),
                    testSet.isClassification() ? String.format(", accuracy %.2f%%", 100 * e.accuracy()) : "", e.samples());
            tested = e;
        }
        stdout.printf("spark: %d partitions, %d %s, %.2f s training (%.2f s reading), broadcast %d bytes per step, "
                        + "%d bytes per partition result%n", train.partitions(), trainer.stepsTaken(),
                how instanceof Strategy.Averaging ? "averaging rounds" : "steps", seconds, loaded, trainer.broadcastBytes(),
                trainer.resultBytes());
        stdout.flush();
        if (!verbosity.quiet) err.println("saved " + output.out);
        if (files != null) {
            // the report's confusion matrix: of the test data, else of the validation data, else of the training data
            Evaluation shown = null;
            String shownOf = null;
            if (tested != null) {
                shown = tested.evaluation(result.network(), config.l2());
                shownOf = "test data " + test.testData;
            } else if (files.reports() && train.isClassification()) {
                SparkDataset of = validationSet != null ? validationSet : train;
                shown = SparkTrainer.evaluate(result.network(), config.loss(), of).evaluation(result.network(), config.l2());
                shownOf = (validationSet != null ? "validation data " : "training data ") + of.source();
            }
            files.write(commandLine(), settings(config, start, train, how), shown, shownOf, train.classes(), null);
            if (!verbosity.quiet) {
                err.println("wrote" + (output.report != null ? " " + output.report : "") + (output.metrics != null ? " " + output.metrics : ""));
            }
        }
        return 0;
    }

    /** The command line, for the report. */
    private String commandLine() {
        return "nn train " + String.join(" ", arguments);
    }

    /** The settings of the run, for the report: nn train's, and where and how Spark ran it. */
    private java.util.List<String[]> settings(TrainingConfig config, Network start, SparkDataset train, Strategy how) {
        String curves = validation.validationData != null ? validation.validationData + " (--validation-data)"
                : validation.validationSplit != null ? validation.validationSplit + " of the data (--validation-split)"
                : test.testData != null ? test.testData + " (--test-data)" : "none";
        return RunSettings.rows(config, start, train.scaler().method(), train.source() + " (" + train.size() + " samples)", curves,
                java.util.List.<String[]>of(new String[] {"Spark", train.blocks().context().master() + ", "
                        + train.partitions() + " partitions, " + (how instanceof Strategy.Averaging a
                        ? "parameter averaging every " + a.steps() + " steps" : "synchronous aggregation (tree depth "
                        + ((Strategy.Synchronous) how).depth() + ")")}));
    }

    /** Which kernels the driver and the tasks use; says how to get the fast ones where they are missing. */
    static String kernels(Map<String, Long> tasks, int partitions) {
        String driver = org.backprop4j.math.Kernels.fast(1).getClass().getSimpleName();
        StringBuilder line = new StringBuilder("kernels: driver ").append(driver).append(", tasks ");
        java.util.List<String> parts = new java.util.ArrayList<>();
        tasks.forEach((name, count) -> parts.add(name + (tasks.size() > 1 ? " (" + count + " of " + partitions + ")" : "")));
        line.append(String.join(", ", new java.util.TreeSet<>(parts)));
        if (tasks.keySet().stream().anyMatch(name -> !name.equals("VectorKernels"))) {
            line.append(" - slow plain-Java kernels: start the executors with ").append(SparkLaunch.VECTOR_MODULE)
                    .append(" in spark.executor.extraJavaOptions");
        }
        return line.toString();
    }

    /** The model of a network trained on {@code train}: the plan's loss and lambda, the data's classes, scaling and encoding. */
    private static Model model(TrainingPlan plan, Network net, SparkDataset train) {
        return plan.model(net, train.classes(), train.scaler(), train.categorical());
    }

    /**
     * What the training data must look like to continue from {@code model}: its inputs, outputs, classes,
     * categorical encoding, and its scaling (or, {@code refit}, a scaling fitted anew on the data).
     */
    private SparkDataset like(Model model, boolean refit) {
        return new SparkDataset(null, 0, model.network().inputs(), model.network().outputs(), model.classes(),
                refit ? null : model.scaler(), "--init " + network.init, java.util.List.of(), model.categorical());
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
