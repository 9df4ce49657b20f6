package org.backprop4j.spark;

import org.backprop4j.options.Checks;
import org.backprop4j.ParameterException;
import org.apache.spark.sql.SparkSession;
import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.Columns;
import org.backprop4j.data.DataException;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.options.CheckpointOptions;
import org.backprop4j.options.DataOptions;
import org.backprop4j.options.NetworkOptions;
import org.backprop4j.options.OutputOptions;
import org.backprop4j.options.QuietOption;
import org.backprop4j.options.SparkOptions;
import org.backprop4j.options.StepOptions;
import org.backprop4j.options.TestDataOptions;
import org.backprop4j.options.TrainingOptions;
import org.backprop4j.options.TrainingPlan;
import org.backprop4j.options.UserException;
import org.backprop4j.options.ValidationOptions;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code nn train --spark MASTER …} (started by the {@code ./nn} script) and the main class of the
 * application jar for {@code spark-submit}: reads the data through Spark, trains with
 * {@link SparkTrainer}, writes the normal model file. The options are {@code nn train}'s own option
 * groups (the same declarations, help texts and checks, turned into the same {@link TrainingPlan});
 * those that Spark cannot honour yet are refused in one line each, all in {@link #NOT_YET_ON_SPARK}.
 */
@Command(name = "nn train --spark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a network on Apache Spark (data-parallel) and saves the normal JSON model file.")
public final class SparkTrainCommand implements Callable<Integer> {
    /**
     * The options of {@code nn train} that the Spark trainer cannot honour yet, and why; each is
     * refused in one line before Spark starts. When one starts to work on Spark, delete its line.
     */
    static final Map<String, String> NOT_YET_ON_SPARK = new TreeMap<>(Map.ofEntries(
            Map.entry("--features", "the LIBSVM reader on Spark takes the input count from the data"),
            Map.entry("--categorical", "one-hot encoding of CSV columns is done by the local CSV reader only"),
            Map.entry("--dropout", "the Spark trainer draws no dropout masks"),
            Map.entry("--validation-split", "the Spark trainer has no validation set"),
            Map.entry("--validation-data", "the Spark trainer has no validation set"),
            Map.entry("--validation-labels", "the Spark trainer has no validation set"),
            Map.entry("--early-stopping", "the Spark trainer has no validation set and keeps no best epoch"),
            Map.entry("--patience", "the Spark trainer has no validation set and keeps no best epoch"),
            Map.entry("--min-delta", "the Spark trainer has no validation set and keeps no best epoch"),
            Map.entry("--report", "the report is drawn by nn train on one machine"),
            Map.entry("--metrics", "the metrics file is written by nn train on one machine"),
            Map.entry("--checkpoint", "the Spark trainer saves no checkpoints"),
            Map.entry("--checkpoint-every", "the Spark trainer saves no checkpoints"),
            Map.entry("--checkpoint-seconds", "the Spark trainer saves no checkpoints"),
            Map.entry("--resume", "the Spark trainer saves no checkpoints to resume from")));

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin SparkOptions cluster;
    @Mixin DataOptions data;
    @Mixin NetworkOptions network;
    @Mixin StepOptions steps;
    @Mixin TrainingOptions training;
    @Mixin ValidationOptions validation;
    @Mixin TestDataOptions test;
    @Mixin OutputOptions output;
    @Mixin QuietOption verbosity;
    @Mixin CheckpointOptions checkpoints;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command; returns the exit code (0 ok, 2 bad input, 3 diverged or the cluster failed, 1 internal error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new SparkTrainCommand());
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
            String message = e instanceof ParameterException pe ? Checks.message(pe) : e.getMessage();
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
     * Refuses what Spark cannot do yet ({@link #NOT_YET_ON_SPARK}, and --scale with --init: the
     * scaling of the data read distributed is the file's), in one line each.
     */
    private void refuseWhatSparkCannotDoYet(CommandLine.ParseResult given) {
        for (Map.Entry<String, String> o : NOT_YET_ON_SPARK.entrySet()) {
            if (given.hasMatchedOption(o.getKey())) throw new UserException(o.getKey() + " does not work on Spark yet: " + o.getValue());
        }
        if (network.init != null && given.hasMatchedOption("--scale")) {
            throw new UserException("--scale does not work with --init on Spark yet: the scaling comes from " + network.init);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        // every option checked before Spark starts
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        refuseWhatSparkCannotDoYet(given);
        TrainingPlan plan = TrainingPlan.of(given, data, network, steps, training, validation, 1);
        TrainingConfig config = plan.config();
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
        if (!verbosity.quiet && plan.previous().stoppedEpoch() > 0) {
            err.println("--init " + network.init + ": on Spark training starts from the file's weights with a fresh optimizer and "
                    + "counts epochs from 1 (continuing the saved run after epoch " + plan.previous().stoppedEpoch()
                    + " is not done on Spark yet)");
        }

        SparkSession.Builder builder = SparkSession.builder().appName("backprop4j nn train");
        if (cluster.master != null) builder.master(cluster.master);
        SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            long started = System.nanoTime();
            ModelFile init = plan.init();
            SparkDataset train = init == null
                    ? SparkData.read(spark, data.data, format, data.labels, columns, training.scale, cluster.partitions)
                    : SparkData.readLike(spark, data.data, format, data.labels, columns, like(init.model()), cluster.partitions);
            SparkDataset testSet = test.testData == null ? null : SparkData.readLike(spark, test.testData,
                    data.withData(test.testData, test.testLabels).format(), test.testLabels, columns, train, cluster.partitions);
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
            SparkTrainer trainer = new SparkTrainer(config, how, progress);
            long trainStart = System.nanoTime();
            TrainingResult result;
            try {
                result = trainer.fit(start, train);
            } catch (TrainingDivergedException e) {
                err.println("nn train --spark: " + oneLine(e.getMessage()));
                return 3;
            } catch (SparkTrainingException e) {
                ModelJson.write(model(plan, e.lastGood(), train), output.out);
                err.println("nn train --spark: " + oneLine(e.getMessage()) + "; saved the last good weights to " + output.out);
                return 3;
            }
            double seconds = (System.nanoTime() - trainStart) / 1e9;
            ModelJson.write(new ModelFile(model(plan, result.network(), train), result.record()), output.out);
            PrintWriter stdout = spec.commandLine().getOut();
            if (testSet != null) {
                SparkTrainer.Evaluated e = SparkTrainer.evaluate(result.network(), config.loss(), testSet);
                stdout.printf("%s: cost %.6f%s (%d samples)%n", test.testData, e.cost(),
                        testSet.isClassification() ? String.format(", accuracy %.2f%%", 100 * e.accuracy()) : "", e.samples());
            }
            stdout.printf("spark: %d partitions, %d %s, %.2f s training (%.2f s reading), broadcast %d bytes per step, "
                            + "%d bytes per partition result%n", train.partitions(), trainer.stepsTaken(),
                    how instanceof Strategy.Averaging ? "averaging rounds" : "steps", seconds, loaded, trainer.broadcastBytes(),
                    trainer.resultBytes());
            stdout.flush();
            if (!verbosity.quiet) err.println("saved " + output.out);
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** The model of a network trained on {@code train}: the plan's loss and lambda, the data's classes and scaling. */
    private static Model model(TrainingPlan plan, Network net, SparkDataset train) {
        return plan.model(net, train.classes(), train.scaler(), CategoricalEncoding.NONE);
    }

    /** What the training data must look like to continue from {@code model}: its inputs, outputs, classes and scaling. */
    private SparkDataset like(Model model) {
        return new SparkDataset(null, 0, model.network().inputs(), model.network().outputs(), model.classes(), model.scaler(),
                "--init " + network.init);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
