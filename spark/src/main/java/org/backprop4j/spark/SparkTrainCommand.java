package org.backprop4j.spark;

import org.apache.spark.sql.SparkSession;
import org.backprop4j.data.Columns;
import org.backprop4j.data.DataException;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Init;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.BatchSize;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingResult;
import org.backprop4j.train.UpdateRule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code nn train --spark MASTER …} (started by the {@code ./nn} script) and the main class of the
 * application jar for {@code spark-submit}: reads the data through Spark, trains with
 * {@link SparkTrainer}, writes the normal model file. The options are {@code nn train}'s, those
 * that make sense on a cluster; anything else is refused in one line.
 */
@Command(name = "nn train --spark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a network on Apache Spark (data-parallel) and saves the normal JSON model file.")
public final class SparkTrainCommand implements Callable<Integer> {
    @Option(names = "--spark", paramLabel = "MASTER", order = 1,
            description = "Spark master: local[N], local[N,F] (F tries per task), spark://host:7077, yarn, ... "
                    + "Default: what spark-submit sets.")
    String master;

    @Option(names = "--strategy", paramLabel = "sync|average", defaultValue = "sync", order = 2,
            description = "sync: gradients summed over the cluster each step (full batch = the single-machine model); "
                    + "average: local steps on each partition, then the weights and optimizer state averaged. Default: ${DEFAULT-VALUE}.")
    String strategy;

    @Option(names = "--average-every", paramLabel = "STEPS", defaultValue = "10", order = 3,
            description = "average: local mini-batch steps between averages. Default: ${DEFAULT-VALUE}.")
    int averageEvery;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0", order = 4,
            description = "Partitions of the data (tasks per step). Default: Spark's default parallelism.")
    int partitions;

    @Option(names = "--tree-depth", paramLabel = "D", defaultValue = "2", order = 5,
            description = "sync: depth of the tree aggregation. Default: ${DEFAULT-VALUE}.")
    int treeDepth;

    @Option(names = "--data", required = true, paramLabel = "PATH", order = 10,
            description = "Anything Spark reads: a file or folder, local or hdfs://, s3a://, ...")
    String data;

    @Option(names = "--format", paramLabel = "csv|parquet|libsvm|idx", order = 11,
            description = "Default: from the name (.parquet, .svm/.libsvm/.svmlight, idx or -ubyte, else csv).")
    String format;

    @Option(names = "--labels", paramLabel = "FILE", order = 12, description = "IDX labels (idx is read on the driver and distributed).")
    Path labels;

    @Option(names = "--label", paramLabel = "COLUMN", order = 13, description = "The class column (name or 0-based index).")
    String label;

    @Option(names = "--targets", paramLabel = "K", order = 14, description = "The last K columns are real-valued targets.")
    Integer targets;

    @Option(names = "--layers", paramLabel = "SIZES", defaultValue = "100", order = 20, description = "Hidden layer sizes. Default: ${DEFAULT-VALUE}.")
    String layers;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "sigmoid", order = 21, description = "Default: ${DEFAULT-VALUE}.")
    String activation;

    @Option(names = "--output-activation", paramLabel = "NAME", order = 22, description = "Default: sigmoid with mse, softmax with cross-entropy.")
    String outputActivation;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "mse", order = 23, description = "mse or cross-entropy. Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--init-weights", paramLabel = "NAME", defaultValue = "default", order = 24, description = "Default: ${DEFAULT-VALUE}.")
    String initWeights;

    @Option(names = "--init", paramLabel = "MODEL.json", order = 25,
            description = "Start from this model's weights; sizes, activations, classes and scaling come from the file "
                    + "(--layers/--activation/--output-activation only if they agree). The optimizer starts afresh and "
                    + "epochs count from 1 (unlike nn train, which continues the saved run).")
    Path init;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--batch-size", paramLabel = "N|full", defaultValue = "32", order = 30, description = "Default: ${DEFAULT-VALUE}.")
    String batchSize;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "10", order = 31, description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--learning-rate", paramLabel = "ALPHA", defaultValue = "0.1", order = 32, description = "Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0", order = 33, description = "Default: ${DEFAULT-VALUE}.")
    double l2;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "sgd", order = 34,
            description = "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw (with their default parameters). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", order = 35, description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--no-shuffle", order = 36, description = "Keep each partition's rows in order.")
    boolean noShuffle;

    @Option(names = "--scale", paramLabel = "none|minmax|standard", defaultValue = "none", order = 37,
            description = "Fitted distributed on the training data, stored in the model. Default: ${DEFAULT-VALUE}.")
    String scale;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", order = 38,
            description = "Kernel threads of the driver's update step (tasks use one each). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--test-data", paramLabel = "PATH", order = 40, description = "Also evaluate on this data (same format and columns).")
    String testData;

    @Option(names = "--test-labels", paramLabel = "FILE", order = 41, description = "IDX labels for --test-data.")
    Path testLabels;

    @Option(names = "--out", paramLabel = "MODEL.json", defaultValue = "model.json", order = 50,
            description = "Where the driver saves the model. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--quiet", order = 51, description = "Print nothing but errors and results.")
    boolean quiet;

    /** Exit code when the cluster failed (a step's job failed for good, or the application was removed). */
    public static final int CLUSTER_FAILED = 4;

    /** Spark's log file (null: Spark logs as configured elsewhere). */
    private Path sparkLog;
    /** Stops the application when its executors cannot start. */
    private ExecutorStarts executorStarts;

    public static void main(String[] args) {
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
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((e, a) -> {
            err.println("nn train --spark: " + oneLine(e.getMessage()) + " (see 'nn train --spark local[2] --help')");
            return 2;
        });
        cmd.setExecutionExceptionHandler((e, c, p) -> {
            boolean user = e instanceof IllegalArgumentException || e instanceof DataException || e instanceof java.io.IOException
                    || e instanceof java.io.UncheckedIOException || e.getClass().getName().equals("org.apache.spark.sql.AnalysisException");
            err.println("nn train --spark: " + (user ? oneLine(e.getMessage()) : "internal error: " + oneLine(e.toString())
                    + " (set NN_DEBUG=1 for the stack trace)"));
            if (System.getenv("NN_DEBUG") != null) e.printStackTrace(err);
            return user ? 2 : 1;
        });
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = new PrintWriter(System.err, true);
        // every option checked before Spark starts
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        Model initModel = init == null ? null : ModelJson.read(init);
        if (initModel != null) checkAgreesWithInit(initModel, given);
        Loss lossFn = initModel != null && !given.hasMatchedOption("--loss") ? initModel.loss() : option("--loss", () -> Loss.of(loss));
        Activation hidden = option("--activation", () -> Activation.of(activation));
        Activation output = outputActivation != null ? option("--output-activation", () -> Activation.of(outputActivation))
                : lossFn == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.SIGMOID;
        BatchSize k = option("--batch-size", () -> BatchSize.parse(batchSize));
        UpdateRule rule = option("--optimizer", () -> rule(optimizer));
        Init initW = option("--init-weights", () -> Init.of(initWeights));
        Strategy how = option("--strategy", () -> switch (strategy) {
            case "sync" -> new Strategy.Synchronous(treeDepth);
            case "average" -> new Strategy.Averaging(averageEvery);
            default -> throw new IllegalArgumentException("unknown strategy '" + strategy + "' (known: sync, average)");
        });
        TrainingConfig config = option(null, () -> TrainingConfig.builder().loss(lossFn).batchSize(k).epochs(epochs)
                .learningRate(learningRate).l2(l2).seed(seed).shuffle(!noShuffle).threads(threads).updateRule(rule).build());
        if (label != null && targets != null) throw new IllegalArgumentException("--label and --targets: give one");
        Columns columns = label != null ? new Columns.Label(label) : targets != null ? new Columns.Targets(targets)
                : new Columns.Label(String.valueOf(Integer.MAX_VALUE)); // must say; checked below
        if (label == null && targets == null && !format(data).equals("idx") && !format(data).equals("libsvm")) {
            throw new IllegalArgumentException("--label or --targets: say which column(s) are targets");
        }
        if (label == null && targets == null) columns = new Columns.Label("label");
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new IllegalArgumentException("--out " + out + ": folder " + dir + " does not exist");

        SparkSession.Builder builder = SparkSession.builder().appName("backprop4j nn train");
        if (master != null) builder.master(master);
        SparkLaunch.configure(builder, master);
        SparkSession spark;
        try {
            spark = builder.getOrCreate();
        } catch (RuntimeException e) {
            return clusterFailed("Spark did not start: " + SparkFailures.cause(e), false, null, err);
        }
        executorStarts = ExecutorStarts.watch(spark.sparkContext(), 10);
        try {
            return train(spark, config, how, lossFn, hidden, output, initW, initModel, k, columns, err);
        } catch (RuntimeException e) {
            if (!spark.sparkContext().isStopped() && !SparkFailures.isSparkFailure(e)) throw e;
            boolean stopped = spark.sparkContext().isStopped();
            return clusterFailed(stopped ? "the Spark application stopped" : SparkFailures.cause(e), stopped, null, err);
        } finally {
            spark.stop();
        }
    }

    /**
     * One line for a failed cluster: what Spark reports (when the application was stopped, the last
     * error in Spark's log), what was saved, where the full log is. Returns {@link #CLUSTER_FAILED}.
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

    private int train(SparkSession spark, TrainingConfig config, Strategy how, Loss lossFn, Activation hidden, Activation output,
                      Init initW, Model initModel, BatchSize k, Columns columns, PrintWriter err) throws java.io.IOException {
        long started = System.nanoTime();
        SparkDataset train = initModel == null ? SparkData.read(spark, data, format(data), labels, columns, scale, partitions)
                : SparkData.readLike(spark, data, format(data), labels, columns, like(initModel), partitions);
        SparkDataset test = testData == null ? null
                : SparkData.readLike(spark, testData, format(testData), testLabels, columns, train, partitions);
        int[] hiddenSizes = parseLayers(layers);
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = train.inputs();
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = train.outputs();
        Network start = initModel != null ? initModel.network() : Network.create(sizes, hidden, output, initW, seed);
        lossFn.checkOutput(start.layer(start.layers().size() - 1).activation());
        double loaded = (System.nanoTime() - started) / 1e9;
        if (!quiet) {
            err.printf("training %s on %d samples from %s in %d partitions (%s, master %s): loss %s, batch %s, %d epochs, "
                            + "learning rate %s%n", start, train.size(), train.source(), train.partitions(),
                    how instanceof Strategy.Averaging a ? "parameter averaging every " + a.steps() + " steps" : "synchronous aggregation",
                    spark.sparkContext().master(), lossFn, k, epochs, learningRate);
        }
        TrainingListener progress = quiet ? TrainingListener.NONE : new TrainingListener() {
            @Override public void onEpoch(EpochStats s) {
                err.printf("epoch %d/%d  cost %.6f%s  %.2f s%n", s.epoch(), s.epochs(), s.cost(),
                        Double.isNaN(s.accuracy()) ? "" : String.format("  accuracy %.2f%%", 100 * s.accuracy()), s.seconds());
            }
        };
        String kernels = kernels(SparkTrainer.kernelsOfTasks(train), train.partitions());
        if (!quiet || kernels.contains("slow")) err.println(kernels);
        SparkTrainer trainer = new SparkTrainer(config, how, progress);
        long trainStart = System.nanoTime();
        TrainingResult result;
        try {
            result = trainer.fit(start, train);
        } catch (TrainingDivergedException e) {
            err.println("nn train --spark: " + oneLine(e.getMessage()));
            return 3;
        } catch (SparkTrainingException e) {
            Model lastGood = new Model(e.lastGood(), lossFn, train.classes(), train.scaler(), l2);
            ModelJson.write(new ModelFile(lastGood, e.record()), out);
            return clusterFailed(e.getMessage(), spark.sparkContext().isStopped(), "saved the model of epoch " + e.lastCompleteEpoch()
                    + " (the last complete one) to " + out, err);
        }
        double seconds = (System.nanoTime() - trainStart) / 1e9;
        Model model = new Model(result.network(), lossFn, train.classes(), train.scaler(), l2);
        ModelJson.write(new ModelFile(model, result.record()), out);
        PrintWriter stdout = new PrintWriter(System.out, true);
        if (test != null) {
            SparkTrainer.Evaluated e = SparkTrainer.evaluate(result.network(), lossFn, test);
            stdout.printf("%s: cost %.6f%s (%d samples)%n", testData, e.cost(),
                    test.isClassification() ? String.format(", accuracy %.2f%%", 100 * e.accuracy()) : "", e.samples());
        }
        stdout.printf("spark: %d partitions, %d %s, %.2f s training (%.2f s reading), broadcast %d bytes per step, "
                        + "%d bytes per partition result%n", train.partitions(), trainer.stepsTaken(),
                how instanceof Strategy.Averaging ? "averaging rounds" : "steps", seconds, loaded, trainer.broadcastBytes(),
                trainer.resultBytes());
        if (!quiet) err.println("saved " + out);
        return 0;
    }

    /** Which kernels the driver and the tasks use; says how to get the fast ones where they are missing. */
    static String kernels(java.util.Map<String, Long> tasks, int partitions) {
        String driver = org.backprop4j.math.Kernels.fast(1).getClass().getSimpleName();
        StringBuilder line = new StringBuilder("kernels: driver ").append(driver).append(", tasks ");
        java.util.List<String> parts = new java.util.ArrayList<>();
        tasks.forEach((name, count) -> parts.add(name + (tasks.size() > 1 ? " (" + count + " of " + partitions + ")" : "")));
        line.append(String.join(", ", parts));
        if (tasks.keySet().stream().anyMatch(name -> !name.equals("VectorKernels"))) {
            line.append(" - slow plain-Java kernels: start the executors with ").append(SparkLaunch.VECTOR_MODULE)
                    .append(" in spark.executor.extraJavaOptions");
        }
        return line.toString();
    }

    /** What the training data must look like to continue from {@code model}: its inputs, outputs, classes and scaling. */
    private SparkDataset like(Model model) {
        return new SparkDataset(null, 0, model.network().inputs(), model.network().outputs(), model.classes(), model.scaler(),
                "--init " + init, java.util.List.of());
    }

    /** With --init, sizes and activations come from the file; the options that say them may be given only when they agree. */
    private void checkAgreesWithInit(Model model, CommandLine.ParseResult given) {
        Network net = model.network();
        if (given.hasMatchedOption("--init-weights")) {
            throw new IllegalArgumentException("--init-weights cannot be combined with --init (the weights come from " + init + ")");
        }
        if (given.hasMatchedOption("--scale")) {
            throw new IllegalArgumentException("--scale cannot be combined with --init on Spark (the scaling comes from " + init + ")");
        }
        int hiddenLayers = net.layers().size() - 1;
        if (given.hasMatchedOption("--layers")) {
            int[] fromFile = java.util.Arrays.copyOfRange(net.sizes(), 1, net.sizes().length - 1);
            if (!java.util.Arrays.equals(parseLayers(layers), fromFile)) {
                throw new IllegalArgumentException("--layers " + layers + " disagrees with --init " + init + ", whose hidden layers are "
                        + (fromFile.length == 0 ? "none" : java.util.Arrays.toString(fromFile)) + " (sizes come from the file)");
            }
        }
        if (given.hasMatchedOption("--activation")) {
            Activation f = option("--activation", () -> Activation.of(activation));
            for (int l = 0; l < hiddenLayers; l++) {
                if (net.layer(l).activation() != f) {
                    throw new IllegalArgumentException("--activation " + activation + " disagrees with --init " + init + ", whose layer "
                            + (l + 1) + " uses " + net.layer(l).activation() + " (activations come from the file)");
                }
            }
        }
        if (given.hasMatchedOption("--output-activation")) {
            Activation f = option("--output-activation", () -> Activation.of(outputActivation));
            if (net.layer(hiddenLayers).activation() != f) {
                throw new IllegalArgumentException("--output-activation " + outputActivation + " disagrees with --init " + init
                        + ", whose output layer uses " + net.layer(hiddenLayers).activation() + " (activations come from the file)");
            }
        }
    }

    /** The data format: --format, else from the name. */
    private String format(String path) {
        if (format != null) {
            String f = format.toLowerCase();
            if (!java.util.List.of("csv", "parquet", "libsvm", "svmlight", "idx").contains(f)) {
                throw new IllegalArgumentException("--format: unknown format '" + format + "' (known: csv, parquet, libsvm, idx)");
            }
            return f.equals("svmlight") ? "libsvm" : f;
        }
        String name = path.toLowerCase();
        if (name.endsWith(".parquet")) return "parquet";
        if (name.endsWith(".svm") || name.endsWith(".libsvm") || name.endsWith(".svmlight")) return "libsvm";
        if (name.contains("idx") || name.contains("-ubyte")) return "idx";
        return "csv";
    }

    static UpdateRule rule(String name) {
        return switch (name) {
            case "sgd" -> UpdateRule.sgd();
            case "momentum" -> UpdateRule.momentum(0.9);
            case "nesterov" -> UpdateRule.nesterov(0.9);
            case "adagrad" -> UpdateRule.adagrad(1e-8);
            case "rmsprop" -> UpdateRule.rmsprop(0.9, 1e-8);
            case "adam" -> UpdateRule.adam(0.9, 0.999, 1e-8);
            case "adamw" -> UpdateRule.adamw(0.9, 0.999, 1e-8, 0.01);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (known: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw)");
        };
    }

    static int[] parseLayers(String text) {
        try {
            return org.backprop4j.nn.Network.parseHiddenSizes(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--layers: " + e.getMessage());
        }
    }

    interface Parse<T> {
        T get();
    }

    /** Runs a parse; an IllegalArgumentException becomes one line naming the option. */
    private static <T> T option(String name, Parse<T> p) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name == null ? e.getMessage() : name + ": " + e.getMessage());
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
