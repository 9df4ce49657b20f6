package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.options.Checks;
import org.backprop4j.options.DataOptions;
import org.backprop4j.options.NetworkOptions;
import org.backprop4j.options.QuietOption;
import org.backprop4j.options.TestDataOptions;
import org.backprop4j.options.TrainingOptions;
import org.backprop4j.options.TrainingPlan;
import org.backprop4j.options.UserException;
import org.backprop4j.train.BatchSize;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code nn compare}: the options of the experiment (batch sizes, their learning rates, the budget,
 * the checkpoints) beside the shared option groups, which make the {@link TrainingPlan} every batch
 * size is trained with. The experiment itself is {@link BatchSizeExperiment}, its listener
 * {@link Checkpoints}, what it shows and writes {@link CompareOutputs}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the same network from the same initial weights with batch gradient descent, stochastic "
                + "gradient descent and mini-batch gradient descent (K = full, 1, B) under the same budget, and writes "
                + "compare.png and compare.svg (cost J on the training set against epochs and against wall time, one line "
                + "per batch size), compare.csv (final cost, accuracy, time, steps; also printed) and compare-curves.csv "
                + "(every checkpoint) into the --out folder.",
                "The clock stops while the checkpoints are evaluated; each batch size first gets a short untimed warm-up. "
                        + "Every batch size starts from the same fresh weights with a fresh optimizer and runs its whole budget."})
final class CompareCommand implements Callable<Integer> {
    /** The shared options that compare refuses, and why: one line each. */
    static final Map<String, String> NOT_TAKEN = Map.of(
            "--init", "every batch size starts from the same fresh weights (--seed, --init-weights) with a fresh optimizer");

    @Spec CommandSpec spec;

    @Mixin DataOptions data;

    @Option(names = "--batch-sizes", paramLabel = "LIST", defaultValue = "full,1,32", order = 1,
            description = "The batch sizes K to compare: full (batch gradient descent), 1 (stochastic), B (mini-batch). Default: ${DEFAULT-VALUE}.")
    String batchSizes;

    @Option(names = "--learning-rate", paramLabel = "ALPHA[,ALPHA...]", defaultValue = "0.1", order = 2,
            description = "alpha in E11-E12: one for all batch sizes, or one per batch size in the order of --batch-sizes. Default: ${DEFAULT-VALUE}.")
    String learningRate;

    /** The budget of each batch size: one of three. */
    static final class BudgetOptions {
        @Option(names = "--epochs", paramLabel = "E", description = "Budget: E passes over the data for each batch size (the default, 5).")
        Integer epochs;

        @Option(names = "--steps", paramLabel = "S",
                description = "Budget: S gradient evaluations (steps) for each batch size: full batch gets S epochs, SGD S samples.")
        Integer steps;

        @Option(names = "--seconds", paramLabel = "T", description = "Budget: T seconds of training (wall time) for each batch size.")
        Double seconds;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1", order = 3)
    BudgetOptions budget;

    @Option(names = "--points", paramLabel = "N", defaultValue = "30", order = 4,
            description = "Checkpoints per batch size (cost J on all training samples), evenly spread over the budget. Default: ${DEFAULT-VALUE}.")
    int points;

    @Mixin NetworkOptions network;
    @Mixin TrainingOptions training;
    @Mixin TestDataOptions test;

    @Option(names = "--out", paramLabel = "DIR", required = true, order = 40,
            description = "Folder for compare.png, compare.svg, compare.csv and compare-curves.csv (created if missing; its parent must exist).")
    Path out;

    @Mixin QuietOption verbosity;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        boolean quiet = verbosity.quiet;
        // every option first, so mistakes are reported before any data is read
        Checks.refuse(spec.commandLine().getParseResult(), "nn compare", NOT_TAKEN);
        TrainingPlan plan = TrainingPlan.of(spec.commandLine().getParseResult(), data, network, null, training, null,
                Runtime.getRuntime().availableProcessors());
        List<BatchSize> ks = new ArrayList<>();
        for (String part : batchSizes.split(",", -1)) ks.add(Checks.parse("--batch-sizes", () -> BatchSize.parse(part.trim())));
        double[] alphas = parseRates(learningRate, ks.size());
        if (points < 1) throw new UserException("--points must be at least 1, got " + points);
        BatchSizeExperiment.Budget b = budget();
        test.check();
        Checks.noClobberingInFolder(spec, CompareOutputs.FILES);   // the files written into --out: not an input, not a device

        Dataset raw = plan.load();
        Dataset rawTest = test.load(data, raw);
        TrainingPlan.Start start = plan.prepare(raw);
        Dataset scaled = start.data();
        BatchSizeExperiment experiment = new BatchSizeExperiment(plan, start.network(), scaled,
                rawTest == null ? null : rawTest.scaled(start.untrained().scaler()), ks, alphas, b, points);
        if (!quiet) {
            err.printf("comparing %s on %,d samples from %s: loss %s, %s, budget %s%n", start.network(), scaled.size(), raw.source(),
                    plan.config().loss(), experiment.modes.stream().map(m -> m.name() + " alpha " + m.alpha())
                            .reduce((x, y) -> x + ", " + y).orElse(""), b);
        }
        List<BatchSizeExperiment.Run> runs = experiment.runAll(quiet ? null : err, System::nanoTime);

        spec.commandLine().getOut().print(CompareOutputs.table(runs, rawTest != null));
        spec.commandLine().getOut().flush();
        String subtitle = String.format(Locale.ROOT, "%s, %s, lambda %s, same initial weights (%s); budget %s each; "
                        + "cost J (E4) on all %,d training samples", start.network(), plan.config().loss(), plan.config().l2(),
                network.init != null ? network.init.getFileName().toString() : "seed " + training.seed, b, scaled.size());
        CompareOutputs.write(out, runs, rawTest != null, subtitle);
        if (!quiet) err.println("wrote compare.png, compare.svg, compare.csv and compare-curves.csv in " + out);
        return 0;
    }

    /** The budget given (default: 5 epochs), checked. */
    private BatchSizeExperiment.Budget budget() {
        BudgetOptions b = budget != null ? budget : new BudgetOptions();
        if (b.epochs == null && b.steps == null && b.seconds == null) b.epochs = 5;
        if (b.epochs != null && b.epochs < 1) throw new UserException("--epochs must be at least 1, got " + b.epochs);
        if (b.steps != null && b.steps < 1) throw new UserException("--steps must be at least 1, got " + b.steps);
        if (b.seconds != null && !(b.seconds > 0 && b.seconds < 1e6)) throw new UserException("--seconds must be > 0, got " + b.seconds);
        return new BatchSizeExperiment.Budget(b.epochs, b.steps, b.seconds);
    }

    static double[] parseRates(String text, int modes) {
        String[] parts = text.split(",", -1);
        if (parts.length != 1 && parts.length != modes) {
            throw new UserException("--learning-rate: give one rate or one per batch size (" + modes + "), got " + parts.length);
        }
        double[] rates = new double[modes];
        for (int i = 0; i < modes; i++) {
            String p = parts[parts.length == 1 ? 0 : i].trim();
            try {
                rates[i] = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new UserException("--learning-rate: '" + p + "' is not a number");
            }
            if (!(rates[i] > 0) || !Double.isFinite(rates[i])) {
                throw new UserException("--learning-rate must be a finite number > 0, got " + p);
            }
        }
        return rates;
    }
}
