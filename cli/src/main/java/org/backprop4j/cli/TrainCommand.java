package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.options.DataOptions;
import org.backprop4j.options.NetworkOptions;
import org.backprop4j.options.OutputOptions;
import org.backprop4j.options.QuietOption;
import org.backprop4j.options.StepOptions;
import org.backprop4j.options.TestDataOptions;
import org.backprop4j.options.TrainingOptions;
import org.backprop4j.options.TrainingPlan;
import org.backprop4j.options.ValidationOptions;
import org.backprop4j.options.UserException;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataOptions data;
    @Mixin NetworkOptions network;
    @Mixin StepOptions steps;
    @Mixin TrainingOptions training;
    @Mixin ValidationOptions validation;
    @Mixin TestDataOptions test;
    @Mixin OutputOptions output;
    @Mixin QuietOption verbosity;

    @Option(names = "--spark", paramLabel = "MASTER", order = 44,
            description = "Train on Apache Spark instead (e.g. local[2]): the ./nn script hands the command to the Spark launcher "
                    + "of the spark module; see docs/SCALING.md.")
    String spark;

    @Override
    public Integer call() throws Exception {
        if (spark != null) {
            throw new UserException("--spark: Spark is not in nn.jar; run it through the ./nn script (which starts the launcher "
                    + "in spark/target) or spark-submit spark/target/backprop4j-spark.jar");
        }
        long started = System.nanoTime();
        boolean quiet = verbosity.quiet;
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        // every option is checked before data is read, so mistakes are reported at once
        TrainingPlan plan = TrainingPlan.of(spec.commandLine().getParseResult(), data, network, steps, training, validation,
                Runtime.getRuntime().availableProcessors());
        TrainingConfig config = plan.config();
        TrainingRecord previous = plan.previous();
        test.check();
        output.check();
        if (output.metrics != null) MetricsFile.formatOf(output.metrics);

        Dataset all = plan.load();
        Dataset rawTest = test.load(data, all); // read before training, so its mistakes are reported at once
        TrainingPlan.Start run = plan.prepare(all);
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
        ModelFile trained;
        try {
            trained = plan.fit(run, watch.listener());
        } catch (TrainingDivergedException e) {
            watch.clear();
            return diverged(e, watch, run.untrained(), config, run.data());
        }
        Model model = trained.model();

        Evaluation testResult = null;
        if (rawTest != null) {
            testResult = Evaluation.of(model, rawTest, config.l2());
            stdout.println(EvaluateCommand.summary(testResult, test.testData.toString())); // a result, not progress: also with --quiet
        }
        TrainingRecord record = trained.training();
        if (!quiet && config.earlyStopping().isOn()) {
            err.println((record.stoppedEpoch() < previous.bestEpoch() + config.epochs() ? "early stopping: stopped after epoch "
                    : "early stopping: ran to epoch ") + record.stoppedEpoch() + ", kept the weights of epoch " + record.bestEpoch()
                    + " (lowest " + (run.validation() != null ? "validation" : "training") + " cost)");
        }
        ModelJson.write(trained, output.out);
        if (!quiet) err.println("saved " + output.out);
        if (output.report != null || output.metrics != null) {
            Evaluation shown = testResult != null || !run.data().isClassification() || output.report == null ? testResult
                    : Evaluation.of(model, run.raw(), config.l2());
            watch.finish(commandLine(), configuration(config, start, run.raw()), shown,
                    testResult != null ? "test data " + test.testData : "training data " + run.raw().source(), run.data().classes(), null);
            if (!quiet) {
                err.println("wrote" + (output.report != null ? " " + output.report : "") + (output.metrics != null ? " " + output.metrics : ""));
            }
        }
        return 0;
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

    private String commandLine() {
        return "nn " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    /** The settings of the run, for the report. */
    private List<String[]> configuration(TrainingConfig config, Network start, Dataset raw) {
        return List.of(
                new String[] {"network", start.toString()},
                new String[] {"parameters", String.format("%,d", start.parameterCount())},
                new String[] {"loss", config.loss().id()},
                new String[] {"batch size K", config.batchSize().toString()},
                new String[] {"epochs", Integer.toString(config.epochs())},
                new String[] {"learning rate alpha", Double.toString(config.learningRate())},
                new String[] {"L2 lambda", Double.toString(config.l2())},
                new String[] {"update rule", config.updateRule().toString()},
                new String[] {"learning-rate schedule", config.schedule().toString()},
                new String[] {"L1, clip norm, dropout", config.l1() + ", " + (config.clipNorm() == 0 ? "none" : config.clipNorm())
                        + ", " + (config.dropout().isEmpty() ? "none" : config.dropout().toString())},
                new String[] {"early stopping", config.earlyStopping().isOn() ? "patience " + config.earlyStopping().patience()
                        + ", min delta " + config.earlyStopping().minDelta() : "off"},
                new String[] {"seed", Long.toString(config.seed())},
                new String[] {"shuffle", Boolean.toString(config.shuffle())},
                new String[] {"input scaling", training.scale},
                new String[] {"training data", raw.source() + " (" + raw.size() + " samples)"},
                new String[] {"validation data (curves)", validation.validationData != null ? validation.validationData + " (--validation-data)"
                        : validation.validationSplit != null ? validation.validationSplit + " of the data (--validation-split)"
                        : test.testData != null ? test.testData + " (--test-data)" : "none"},
                new String[] {"kernel threads", Integer.toString(config.threads())},
                new String[] {"Java", System.getProperty("java.version")});
    }
}
