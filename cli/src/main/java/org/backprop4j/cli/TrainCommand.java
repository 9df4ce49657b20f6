package org.backprop4j.cli;

import org.backprop4j.data.DataException;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.io.Provenance;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.options.CheckpointOptions;
import org.backprop4j.options.Checks;
import org.backprop4j.options.SparkOptions;
import org.backprop4j.options.TrainCommandOptions;
import org.backprop4j.options.TrainingPlan;
import org.backprop4j.report.MetricsFile;
import org.backprop4j.report.RunSettings;
import org.backprop4j.options.UserException;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nn train}: the option groups become a {@link TrainingPlan}; the plan trains, this command
 * reads the data, shows the run (progress, report, metrics) and saves the model file.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a network by backpropagation (SPEC E1-E12) and saves it as a JSON model file.")
final class TrainCommand extends TrainCommandOptions implements Callable<Integer> {
    @Spec CommandSpec spec;

    // the groups of nn train's plan, test data, outputs, --quiet, checkpoints, sample weights: TrainCommandOptions
    @Mixin SparkOptions spark;

    /** The checkpoint this run resumes from ({@code --resume}: the command line stored in it is run with it), or null. */
    private final Checkpoint resumed;

    TrainCommand() {
        this(null);
    }

    TrainCommand(Checkpoint resumed) {
        this.resumed = resumed;
    }

    @Override
    public Integer call() throws Exception {
        if (spark.master != null) {
            throw new UserException("--spark: Spark is not in nn.jar; run it through the ./nn script (which starts the launcher "
                    + "in spark/target) or spark-submit spark/target/backprop4j-spark.jar");
        }
        for (String o : SparkOptions.CLUSTER_ONLY) {
            if (spec.commandLine().getParseResult().hasMatchedOption(o)) throw new UserException(o + " is for training on Spark: give --spark MASTER");
        }
        if (checkpoints.resume != null) throw new UserException("--resume FILE takes no other option: the checkpoint holds the run's command line");
        long started = System.nanoTime();
        boolean quiet = verbosity.quiet;
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        // every option is checked before data is read, so mistakes are reported at once; no output may overwrite an input
        Checks.noClobbering(spec);
        TrainingPlan plan = plan(spec.commandLine().getParseResult(), Runtime.getRuntime().availableProcessors());
        TrainingConfig config = plan.config();
        TrainingRecord previous = plan.previous();
        test.check();
        output.check();
        checkpoints.check();
        if (output.metrics != null) MetricsFile.formatOf(output.metrics);

        Dataset read = plan.load();
        // read before training, so its mistakes are reported at once; without the weight column, like the training data
        Dataset rawTest = weights.dropWeightColumn(test.load(data, read), test.testData, data);
        Dataset all = weights.apply(read, data);
        TrainingPlan.Start run = plan.prepare(all, weights);
        Network start = run.network();
        if (!quiet) {
            err.printf("training %s on %d samples from %s: loss %s, batch %s, %d epochs, learning rate %s, l2 %s%n",
                    start, run.data().size(), run.raw().source(), config.loss(), config.batchSize(), config.epochs(),
                    config.learningRate(), config.l2());
        }
        // --test-data doubles as the validation set of the curves, until a validation set of its own is given
        Dataset validation = run.validation() != null ? run.validation()
                : rawTest == null ? null : rawTest.scaled(run.untrained().scaler());
        if (!quiet && previous.optimizer() != null) {
            err.println(previous.optimizer().rule().equals(config.updateRule().id())
                    ? "continuing after epoch " + previous.bestEpoch() + " of " + network.init + " with its " + previous.optimizer().rule()
                            + " state (step " + previous.optimizer().step() + ")"
                    : "--init " + network.init + " holds " + previous.optimizer().rule() + " state; --optimizer "
                            + config.updateRule().id() + " starts from a fresh one");
        }
        TrainingWatch watch = new TrainingWatch(err, quiet, Progress.isTerminal(), output.report, output.metrics, start, run.data(),
                validation, config.loss(), config.l2(), previous.bestEpoch() + config.epochs(), config.seed(), started);
        if (!quiet && resumed != null) {
            err.println("resuming after epoch " + resumed.epoch() + (resumed.nextSample() > 0 ? " and " + resumed.nextSample()
                    + " samples of epoch " + (resumed.epoch() + 1) : ""));
        }
        Interruption interruption = checkpoints.checkpoint != null ? Interruption.install() : null;
        CheckpointOptions.Saver saver = checkpoints.saver(run.untrained(), spec.commandLine().getParseResult().originalArgs(),
                () -> interruption != null && interruption.requested());
        TrainingListener signal = new TrainingListener() {
            @Override public boolean stopRequested() {
                return interruption != null && interruption.requested();
            }
        };
        ModelFile trained;
        try {
            trained = plan.fit(run, TrainingListener.all(watch.listener(), signal), resumed, saver);
        } catch (TrainingDivergedException e) {
            watch.clear();
            return finish(interruption, diverged(e, watch, run.untrained(), config, run.data()));
        } catch (RuntimeException e) {
            if (interruption != null) interruption.finish(2);
            throw e;
        }
        if (interruption != null && interruption.requested() && saver.savedOnStop()) {
            watch.clear();
            err.println("nn train: stopped; the last checkpoint is " + saver.file() + " (continue with: nn train --resume " + saver.file() + ")");
            err.flush();
            return finish(interruption, CheckpointOptions.EXIT_INTERRUPTED);
        }
        Model model = trained.model();
        TrainingRecord record = trained.training();
        if (!quiet && config.earlyStopping().isOn()) {
            err.println((record.stoppedEpoch() < previous.bestEpoch() + config.epochs() ? "early stopping: stopped after epoch "
                    : "early stopping: ran to epoch ") + record.stoppedEpoch() + ", kept the weights of epoch " + record.bestEpoch()
                    + " (lowest " + (run.validation() != null ? "validation" : "training") + " cost)");
        }
        ModelJson.write(trained.withProvenance(provenance(config)), output.out);
        // The hash lets two machines compare their models by one line (the same on every processor).
        if (!quiet) err.println("saved " + output.out + " (weights sha256 " + model.network().sha256() + ")");
        // The model is saved, then the metrics: the evaluations after training (the test data's, the report's confusion
        // matrix) need memory and time of their own, and if one of them fails, what the run made so far is kept.
        watch.writeMetrics();
        Evaluation testResult = null;
        if (rawTest != null) {
            testResult = Evaluation.of(model, rawTest, config.l2());
            stdout.println(EvaluateCommand.summary(testResult, test.testData.toString())); // a result, not progress: also with --quiet
        }
        if (output.report != null || output.metrics != null) {
            // the report's confusion matrix: of the test data, else of the validation data, else of the training data
            Evaluation shown = testResult;
            String shownOf = testResult != null ? "test data " + test.testData : null;
            if (shown == null && run.data().isClassification() && output.report != null) {
                if (run.validation() != null) {  // already scaled and encoded as the network sees it
                    shown = Evaluation.of(new Model(model.network(), model.loss(), model.classes(), Scaler.NONE, model.l2()),
                            run.validation(), config.l2());
                    shownOf = "validation data " + run.validation().source();
                } else {
                    shown = Evaluation.of(model, run.raw(), config.l2());
                    shownOf = "training data " + run.raw().source();
                }
            }
            watch.writeReport(commandLine(), configuration(config, start, run.raw()), shown, shownOf, run.data().classes(), null);
            if (!quiet) {
                err.println("wrote" + (output.report != null ? " " + output.report : "") + (output.metrics != null ? " " + output.metrics : ""));
            }
        }
        return finish(interruption, 0);
    }

    private static int finish(Interruption interruption, int code) {
        if (interruption != null) interruption.finish(code);
        return code;
    }

    /** Whether {@code args} (of {@code nn}) ask to resume a run: {@code train --resume FILE}. */
    static boolean isResume(String[] args) {
        return args.length > 0 && args[0].equals("train")
                && java.util.Arrays.stream(args).anyMatch(a -> a.equals("--resume") || a.startsWith("--resume="));
    }

    /** The arguments of {@code nn} that resume a run, and the checkpoint it resumes from. */
    record Resumption(String[] args, Checkpoint checkpoint) { }

    /**
     * {@code nn train --resume FILE}: the command line stored in the checkpoint (to be run from the
     * folder it was given in) and the checkpoint to continue from. Read before picocli parses, since
     * the stored command line is what it must parse.
     */
    static Resumption resumption(String[] args) {
        java.nio.file.Path file = args.length == 3 && args[1].equals("--resume") ? java.nio.file.Path.of(args[2])
                : args.length == 2 && args[1].startsWith("--resume=") ? java.nio.file.Path.of(args[1].substring("--resume=".length())) : null;
        if (file == null) throw new UserException("--resume FILE takes no other option: the checkpoint holds the run's command line");
        Checkpoint c = ModelJson.readFile(file).checkpoint();
        if (c == null) throw new UserException("--resume " + file + ": a model file, not a checkpoint (no \"checkpoint\" section)");
        if (c.command().isEmpty()) throw new UserException("--resume " + file + ": the checkpoint does not hold the command line of its run");
        String here = java.nio.file.Path.of("").toAbsolutePath().toString();
        if (c.directory() != null && !c.directory().equals(here)) {
            throw new UserException("--resume " + file + ": run it from " + c.directory() + " (the folder the run's paths are relative to), not " + here);
        }
        String[] stored = c.command().toArray(String[]::new);
        if (!stored[0].equals("train") || isResume(stored)) {
            throw new UserException("--resume " + file + ": the stored command line is not one of nn train: " + DataException.quote(String.join(" ", stored)));
        }
        return new Resumption(stored, c);
    }

    /**
     * Training diverged: saves the network of the last good epoch to --out (if an epoch ended well),
     * writes the metrics and the report up to there, and says so in one line. Exit code 3.
     */
    private int diverged(TrainingDivergedException e, TrainingWatch watch, Model untrained, TrainingConfig config, Dataset data)
            throws java.io.IOException {
        String saved;
        if (e.lastGood() != null) {
            ModelJson.write(untrained.withNetwork(e.lastGood()), output.out);
            saved = "saved the last good model (end of epoch " + e.lastGoodEpoch() + ") to " + output.out;
        } else {
            saved = "no epoch's weights were confirmed good by the next epoch, so no model was saved";
        }
        if (output.report != null || output.metrics != null) {
            watch.finish(commandLine(), configuration(config, untrained.network(), data), null, null, data.classes(),
                    e.getMessage() + "; " + saved);
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("nn train: " + Main.oneLine(e.getMessage()) + "; " + saved);
        err.flush();
        return 3;
    }

    /**
     * Where this model comes from: the command line (a resumed run's is the stored one, so it equals the
     * uninterrupted run's), the seed, and every file read with its SHA-256.
     */
    private Provenance provenance(TrainingConfig config) {
        List<java.nio.file.Path> files = new java.util.ArrayList<>();
        for (java.nio.file.Path f : new java.nio.file.Path[] {java.nio.file.Path.of(data.data), data.labels,
                test.testData == null ? null : java.nio.file.Path.of(test.testData), test.testLabels,
                validation.validationData, validation.validationLabels, network.init}) {
            if (f != null) files.add(f);
        }
        return Provenance.of(spec.commandLine().getParseResult().originalArgs(), config.seed(), files);
    }

    private String commandLine() {
        return "nn " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    /** The settings of the run, for the report. */
    private List<String[]> configuration(TrainingConfig config, Network start, Dataset raw) {
        String curves = validation.validationData != null ? validation.validationData + " (--validation-data)"
                : validation.validationSplit != null ? validation.validationSplit + " of the data (--validation-split)"
                : test.testData != null ? test.testData + " (--test-data)" : "none";
        return RunSettings.rows(config, start, training.scale, raw.source() + " (" + raw.size() + " samples)", curves,
                List.<String[]>of(new String[] {"kernel threads", Integer.toString(config.threads())}));
    }
}
