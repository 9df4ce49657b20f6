package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.AtomicFiles;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.options.Checks;
import org.backprop4j.options.DataOptions;
import org.backprop4j.options.UserException;
import org.backprop4j.train.BatchSize;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * {@code nn compare}: the seed's closing comparison of batch, stochastic and mini-batch gradient
 * descent (sections 6–8), measured. The same network from the same initial weights is trained once
 * per batch size K under the same budget, and its cost J (E4) on the whole training set is taken
 * at evenly spaced checkpoints, the clock paused meanwhile; the curves are plotted against epochs
 * and against wall time.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the same network from the same initial weights with batch gradient descent, stochastic "
                + "gradient descent and mini-batch gradient descent (K = full, 1, B) under the same budget, and writes "
                + "compare.png and compare.svg (cost J on the training set against epochs and against wall time, one line "
                + "per batch size), compare.csv (final cost, accuracy, time, steps; also printed) and compare-curves.csv "
                + "(every checkpoint) into the --out folder.",
                "The clock stops while the checkpoints are evaluated; each batch size first gets a short untimed warm-up."})
final class CompareCommand implements Callable<Integer> {
    static final int PNG_WIDTH = 1200, PNG_HEIGHT = 560;

    @Spec CommandSpec spec;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--batch-sizes", paramLabel = "LIST", defaultValue = "full,1,32", order = 10,
            description = "The batch sizes K to compare: full (batch gradient descent), 1 (stochastic), B (mini-batch). Default: ${DEFAULT-VALUE}.")
    String batchSizes;

    static final class Budget {
        @Option(names = "--epochs", paramLabel = "E", description = "Budget: E passes over the data for each batch size (the default, 5).")
        Integer epochs;

        @Option(names = "--steps", paramLabel = "S",
                description = "Budget: S gradient evaluations (steps) for each batch size: full batch gets S epochs, SGD S samples.")
        Integer steps;

        @Option(names = "--seconds", paramLabel = "T", description = "Budget: T seconds of training (wall time) for each batch size.")
        Double seconds;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1", order = 11)
    Budget budget;

    @Option(names = "--points", paramLabel = "N", defaultValue = "30", order = 12,
            description = "Checkpoints per batch size (cost J on all training samples), evenly spread over the budget. Default: ${DEFAULT-VALUE}.")
    int points;

    @Option(names = "--layers", paramLabel = "SIZES", defaultValue = "100", order = 20,
            description = "Hidden layer sizes, comma-separated; 'none' for no hidden layer. Default: ${DEFAULT-VALUE}.")
    String layers;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "sigmoid", order = 21,
            description = "Activation of the hidden layers: sigmoid, tanh, relu, identity. Default: ${DEFAULT-VALUE}.")
    String activation;

    @Option(names = "--output-activation", paramLabel = "NAME", order = 22,
            description = "Activation of the output layer. Default: sigmoid with mse, softmax with cross-entropy.")
    String outputActivation;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "mse", order = 23,
            description = "mse (the seed's E3) or cross-entropy. Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--learning-rate", paramLabel = "ALPHA[,ALPHA...]", defaultValue = "0.1", order = 24,
            description = "alpha in E11-E12: one for all batch sizes, or one per batch size in the order of --batch-sizes. Default: ${DEFAULT-VALUE}.")
    String learningRate;

    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0", order = 25, description = "lambda, L2 weight on weights only. Default: ${DEFAULT-VALUE}.")
    double l2;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", order = 26,
            description = "Seeds the initial weights (shared by all batch sizes) and the shuffling. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--scale", paramLabel = "none|minmax|standard", defaultValue = "none", order = 27,
            description = "Input scaling fitted on the training data. Default: ${DEFAULT-VALUE}.")
    String scale;

    @Option(names = "--threads", paramLabel = "N", order = 28, description = "Threads for the matrix kernels. Default: the number of cores.")
    Integer threads;

    @Option(names = "--test-data", paramLabel = "FILE", order = 30, description = "Also report each final model's accuracy on this data.")
    Path testData;

    @Option(names = "--test-labels", paramLabel = "FILE", order = 31, description = "IDX labels for --test-data.")
    Path testLabels;

    @Option(names = "--out", paramLabel = "DIR", required = true, order = 40,
            description = "Folder for compare.png, compare.svg, compare.csv and compare-curves.csv (created if missing; its parent must exist).")
    Path out;

    @Option(names = "--quiet", order = 41, description = "Print only the result table and errors.")
    boolean quiet;

    /** One batch size to run. */
    record Mode(String name, BatchSize k, int K, double alpha) { }

    /** What one mode did: checkpoints (epochs, seconds, cost) and the final figures. */
    record Run(Mode mode, List<double[]> points, int steps, double epochs, double seconds, Evaluation last,
               double testAccuracy, String failure) {
        double[] column(int c) {
            return points.stream().mapToDouble(p -> p[c]).toArray();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        // every option first, so mistakes are reported before any data is read
        Loss lossFn = Checks.parse("--loss", () -> Loss.of(loss));
        Activation hidden = Checks.parse("--activation", () -> Activation.of(activation));
        if (hidden == Activation.SOFTMAX) throw new UserException("--activation: softmax is only allowed on the output layer");
        Activation output = outputActivation != null ? Checks.parse("--output-activation", () -> Activation.of(outputActivation))
                : lossFn == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.SIGMOID;
        Checks.parse("--loss", () -> {
            lossFn.checkOutput(output);
            return null;
        });
        int[] hiddenSizes = Checks.parse("--layers", () -> Network.parseHiddenSizes(layers));
        List<BatchSize> ks = new ArrayList<>();
        for (String part : batchSizes.split(",")) ks.add(Checks.parse("--batch-sizes", () -> BatchSize.parse(part.trim())));
        double[] alphas = parseRates(learningRate, ks.size());
        if (!List.of("none", "minmax", "standard").contains(scale)) {
            throw new UserException("--scale: unknown scaling '" + scale + "' (known: none, minmax, standard)");
        }
        if (points < 1) throw new UserException("--points must be at least 1, got " + points);
        if (!(l2 >= 0) || !Double.isFinite(l2)) throw new UserException("--l2 must be a finite number >= 0, got " + l2);
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (nThreads < 1) throw new UserException("--threads must be at least 1, got " + nThreads);
        Budget b = budget != null ? budget : new Budget();
        if (b.epochs == null && b.steps == null && b.seconds == null) b.epochs = 5;
        if (b.epochs != null && b.epochs < 1) throw new UserException("--epochs must be at least 1, got " + b.epochs);
        if (b.steps != null && b.steps < 1) throw new UserException("--steps must be at least 1, got " + b.steps);
        if (b.seconds != null && !(b.seconds > 0 && b.seconds < 1e6)) throw new UserException("--seconds must be > 0, got " + b.seconds);
        if (testLabels != null && testData == null) throw new UserException("--test-labels needs --test-data");
        Path parent = out.toAbsolutePath().getParent();
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UserException("--out " + out + " is a file, not a folder");
        if (!Files.isDirectory(out) && (parent == null || !Files.isDirectory(parent))) {
            throw new UserException("--out " + out + ": folder " + parent + " does not exist");
        }

        Dataset raw = dataOptions.load(null, true);
        Dataset rawTest = null;
        if (testData != null) {
            rawTest = dataOptions.withData(testData, testLabels).loadLike(raw, true);
            if (rawTest.x().cols != raw.x().cols) {
                throw new UserException("--test-data " + testData + " has " + rawTest.x().cols + " input columns, but "
                        + raw.source() + " has " + raw.x().cols);
            }
        }
        Scaler scaler = Scaler.fit(scale, raw.x());
        Dataset data = raw.scaled(scaler);
        Dataset test = rawTest == null ? null : rawTest.scaled(scaler);
        int n = data.size();
        int[] sizes = new int[hiddenSizes.length + 2];
        sizes[0] = data.x().cols;
        System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
        sizes[sizes.length - 1] = data.y().cols;
        Network start = Network.create(sizes, hidden, output, seed);

        List<Mode> modes = new ArrayList<>();
        for (int i = 0; i < ks.size(); i++) {
            BatchSize k = ks.get(i);
            int K = k.k(n);
            String name = K == n ? "batch GD" : K == 1 ? "stochastic GD" : "mini-batch GD";
            Mode m = new Mode(String.format("%s (K = %,d)", name, K), k, K, alphas[i]);
            if (modes.stream().anyMatch(o -> o.K() == m.K() && o.alpha() == m.alpha())) {
                throw new UserException("--batch-sizes: K = " + K + " with learning rate " + m.alpha() + " is asked for twice");
            }
            modes.add(m);
        }
        if (!quiet) {
            err.printf("comparing %s on %,d samples from %s: loss %s, %s, budget %s%n", start, n, raw.source(), lossFn,
                    modes.stream().map(m -> m.name() + " alpha " + m.alpha()).reduce((x, y) -> x + ", " + y).orElse(""), budgetText(b));
        }

        Budget warmUp = new Budget();
        warmUp.seconds = WARM_UP_SECONDS;
        if (!quiet) err.printf("warming up (%.1f s per batch size, not measured)%n", WARM_UP_SECONDS);
        for (Mode m : modes) run(m, warmUp, start, data, null, lossFn, nThreads, null, System::nanoTime);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < modes.size(); i++) {
            Mode m = modes.get(i);
            if (!quiet) err.printf("%d/%d: %s%n", i + 1, modes.size(), m.name());
            runs.add(run(m, b, start, data, test, lossFn, nThreads, quiet ? null : err, System::nanoTime));
        }

        String table = table(runs, test != null);
        spec.commandLine().getOut().print(table);
        spec.commandLine().getOut().flush();

        JFreeChart chart = chart(runs, start, lossFn, n, b);
        byte[] png = Charts.png(chart, PNG_WIDTH, PNG_HEIGHT);
        String svg = Charts.svgDocument(chart, PNG_WIDTH, PNG_HEIGHT);
        Files.createDirectories(out);
        AtomicFiles.writeBytes(out.resolve("compare.png"), o -> o.write(png));
        AtomicFiles.write(out.resolve("compare.svg"), w -> w.write(svg));
        AtomicFiles.write(out.resolve("compare.csv"), w -> w.write(csv(runs, test != null)));
        AtomicFiles.write(out.resolve("compare-curves.csv"), w -> w.write(curvesCsv(runs)));
        if (!quiet) err.println("wrote compare.png, compare.svg, compare.csv and compare-curves.csv in " + out);
        return 0;
    }

    static double[] parseRates(String text, int modes) {
        String[] parts = text.split(",");
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

    private static String budgetText(Budget b) {
        return b.epochs != null ? b.epochs + " epochs" : b.steps != null ? b.steps + " steps" : b.seconds + " s";
    }

    /**
     * Untimed training of every mode first, checkpoints included: the JIT compiler then does its
     * work (on the same 2 cores) before the clock runs, not during whichever mode comes first.
     */
    static final double WARM_UP_SECONDS = 0.5;

    /**
     * Trains one mode under the budget, taking checkpoints; a divergence ends the curve where it
     * happened. err: where progress goes, or null for none.
     */
    Run run(Mode m, Budget b, Network start, Dataset data, Dataset test, Loss lossFn, int threads, PrintWriter err,
            LongSupplier clock) {
        int n = data.size();
        int stepsPerEpoch = (n + m.K() - 1) / m.K();
        int epochs = b.epochs != null ? b.epochs
                : b.steps != null ? (b.steps + stepsPerEpoch - 1) / stepsPerEpoch : Integer.MAX_VALUE;
        TrainingConfig config = TrainingConfig.builder().loss(lossFn).batchSize(m.k()).epochs(epochs).learningRate(m.alpha())
                .l2(l2).seed(seed).threads(threads).build();
        Checkpoints checkpoints = new Checkpoints(b, n, points, clock,
                net -> Evaluation.of(new Model(net, lossFn, data.classes(), Scaler.NONE, l2), data, l2));
        TrainingListener listener = checkpoints;
        Progress progress = null;
        if (err != null) {
            boolean terminal = Progress.isTerminal();
            progress = new Progress(terminal ? Progress.output(err) : err, terminal, clock, n, b.seconds != null ? 0 : epochs, s -> "");
            listener = TrainingListener.all(checkpoints, progress);
        }
        String failure = null;
        Network trained;
        try {
            trained = new Trainer(config, listener).train(start, data);
        } catch (TrainingDivergedException e) {
            if (progress != null) progress.clear();
            failure = "diverged (" + Main.oneLine(e.getMessage()).replaceFirst("^training diverged ", "").replaceFirst(";.*", "") + ")";
            if (err != null) err.println(m.name() + ": " + Main.oneLine(e.getMessage()));
            trained = e.lastGood();
        }
        if (progress != null) progress.clear();
        double testAccuracy = Double.NaN;
        if (test != null && trained != null) {
            testAccuracy = Evaluation.of(new Model(trained, lossFn, data.classes(), Scaler.NONE, l2), test, l2).accuracy();
        }
        return new Run(m, checkpoints.curve, checkpoints.steps, checkpoints.epochs(), checkpoints.seconds(), checkpoints.last,
                testAccuracy, failure);
    }

    /**
     * Watches one mode's training: counts steps, keeps the training clock (paused while it evaluates),
     * takes the cost J of the whole training set whenever the budget used passes the next of
     * {@code points} evenly spaced marks, and asks the trainer to stop when the budget is used up.
     */
    static final class Checkpoints implements TrainingListener {
        private final Budget budget;
        private final int n, points;
        private final LongSupplier clock;
        private final java.util.function.Function<Network, Evaluation> evaluate;
        /** (epochs, seconds, cost) of each checkpoint. */
        final List<double[]> curve = new ArrayList<>();
        private Network net;
        private long startNanos, pausedNanos;
        private int marks;
        int steps;
        long samples;
        boolean stop;
        Evaluation last;

        Checkpoints(Budget budget, int n, int points, LongSupplier clock, java.util.function.Function<Network, Evaluation> evaluate) {
            this.budget = budget;
            this.n = n;
            this.points = points;
            this.clock = clock;
            this.evaluate = evaluate;
        }

        double seconds() {
            return (clock.getAsLong() - startNanos - pausedNanos) / 1e9;
        }

        double epochs() {
            return (double) samples / n;
        }

        /** The share of the budget used so far. */
        private double used() {
            if (budget.epochs != null) return (double) samples / ((long) budget.epochs * n);
            if (budget.steps != null) return (double) steps / budget.steps;
            return seconds() / budget.seconds;
        }

        @Override
        public void onStart(Network training) {
            net = training;
            startNanos = clock.getAsLong();
            pausedNanos = 0;
            checkpoint(startNanos);
        }

        @Override
        public void onStep(int epoch, int done, int total, double cost) {
            steps++;
            samples = (long) (epoch - 1) * n + done;
            double used = used();
            if (used >= 1 || used * points >= marks + 1) {
                checkpoint(clock.getAsLong());
                marks = (int) Math.min(points, Math.floor(used * points));
            }
            if (used >= 1 && budget.epochs == null) stop = true; // an epoch budget ends with the trainer's last epoch
        }

        @Override
        public boolean stopRequested() {
            return stop;
        }

        /** Evaluates J on the training set at time t0, the clock stopped meanwhile. */
        private void checkpoint(long t0) {
            double seconds = (t0 - startNanos - pausedNanos) / 1e9;
            last = evaluate.apply(net);
            curve.add(new double[] {epochs(), seconds, last.cost()});
            pausedNanos += clock.getAsLong() - t0;
        }
    }

    private JFreeChart chart(List<Run> runs, Network start, Loss lossFn, int n, Budget b) {
        List<Charts.Series> byEpoch = new ArrayList<>(), byTime = new ArrayList<>();
        for (Run r : runs) {
            String name = r.mode().name() + ", alpha " + r.mode().alpha() + (r.failure() != null ? ", diverged" : "");
            byEpoch.add(new Charts.Series(name, r.column(0), r.column(2)));
            byTime.add(new Charts.Series(name, r.column(1), r.column(2)));
        }
        String subtitle = String.format(Locale.ROOT, "%s, %s, lambda %s, same initial weights (seed %d); budget %s each; "
                + "cost J (E4) on all %,d training samples", start, lossFn, l2, seed, budgetText(b), n);
        return Charts.sideBySide("Batch, stochastic and mini-batch gradient descent", subtitle, "cost J", true,
                List.of(new Charts.Panel("epochs (passes over the training data)", byEpoch),
                        new Charts.Panel("wall time (s), checkpoint evaluation excluded", byTime)));
    }

    private static String table(List<Run> runs, boolean test) {
        StringBuilder s = new StringBuilder(String.format("%-26s %8s %10s %8s %9s %12s %9s%s  %s%n", "mode", "alpha", "steps",
                "epochs", "seconds", "final cost", "accuracy", test ? "  test acc." : "", "status"));
        for (Run r : runs) {
            s.append(String.format("%-26s %8s %,10d %8.3f %9.3f %12.6f %9s%s  %s%n", r.mode().name(), r.mode().alpha(), r.steps(),
                    r.epochs(), r.seconds(), r.last().cost(), percent(r.last().accuracy()),
                    test ? String.format("  %10s", percent(r.testAccuracy())) : "", r.failure() == null ? "ok" : r.failure()));
        }
        return s.toString();
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.2f%%", 100 * v);
    }

    private static String csv(List<Run> runs, boolean test) {
        StringBuilder s = new StringBuilder("mode,batch_size,learning_rate,steps,epochs,seconds,cost,data_cost,l2_cost,accuracy"
                + (test ? ",test_accuracy" : "") + ",status\n");
        for (Run r : runs) {
            s.append('"').append(r.mode().name()).append("\",").append(r.mode().K()).append(',').append(r.mode().alpha()).append(',')
                    .append(r.steps()).append(',').append(r.epochs()).append(',').append(r.seconds()).append(',')
                    .append(r.last().cost()).append(',').append(r.last().dataCost()).append(',').append(r.last().l2Cost()).append(',')
                    .append(Double.isNaN(r.last().accuracy()) ? "" : Double.toString(r.last().accuracy()));
            if (test) s.append(',').append(Double.isNaN(r.testAccuracy()) ? "" : Double.toString(r.testAccuracy()));
            s.append(",\"").append(r.failure() == null ? "ok" : r.failure().replace("\"", "'")).append("\"\n");
        }
        return s.toString();
    }

    private static String curvesCsv(List<Run> runs) {
        StringBuilder s = new StringBuilder("mode,batch_size,epochs,seconds,cost\n");
        for (Run r : runs) {
            for (double[] p : r.points()) {
                s.append('"').append(r.mode().name()).append("\",").append(r.mode().K()).append(',').append(p[0]).append(',')
                        .append(p[1]).append(',').append(p[2]).append('\n');
            }
        }
        return s.toString();
    }
}
