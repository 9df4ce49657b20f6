package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.nn.Network;
import org.backprop4j.options.TrainingPlan;
import org.backprop4j.options.UserException;
import org.backprop4j.train.BatchSize;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingRecord;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The experiment of {@code nn compare}: the seed's closing comparison of batch, stochastic and
 * mini-batch gradient descent (sections 6–8), measured. The same network from the same initial
 * weights is trained once per batch size K under the same budget, each with the plan's
 * configuration but its own K and alpha, and a fresh optimizer; {@link Checkpoints} takes its cost
 * J (E4) on the whole training set at evenly spaced points of the budget, the clock paused meanwhile.
 */
final class BatchSizeExperiment {
    /**
     * Untimed training of every mode first, checkpoints included: the JIT compiler then does its
     * work (on the same 2 cores) before the clock runs, not during whichever mode comes first.
     */
    static final double WARM_UP_SECONDS = 0.5;

    /** What each batch size may spend: exactly one of E passes over the data, S steps, or T seconds of training. */
    record Budget(Integer epochs, Integer steps, Double seconds) {
        @Override
        public String toString() {
            return epochs != null ? epochs + " epochs" : steps != null ? steps + " steps" : seconds + " s";
        }
    }

    /** One batch size to run: its name, K as asked and as it is for the data, and its alpha. */
    record Mode(String name, BatchSize k, int K, double alpha) { }

    /** What one mode did: checkpoints (epochs, seconds, cost) and the final figures. */
    record Run(Mode mode, List<double[]> points, int steps, double epochs, double seconds, Evaluation last,
               double testAccuracy, String failure) {
        double[] column(int c) {
            return points.stream().mapToDouble(p -> p[c]).toArray();
        }
    }

    final TrainingPlan plan;
    final Network start;
    final Dataset data, test;
    final Budget budget;
    final int points;
    final List<Mode> modes = new ArrayList<>();

    /**
     * data and test: scaled; ks and alphas: one alpha per batch size.
     *
     * @throws UserException if a batch size and alpha are asked for twice
     */
    BatchSizeExperiment(TrainingPlan plan, Network start, Dataset data, Dataset test, List<BatchSize> ks, double[] alphas,
                        Budget budget, int points) {
        this.plan = plan;
        this.start = start;
        this.data = data;
        this.test = test;
        this.budget = budget;
        this.points = points;
        int n = data.size();
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
    }

    /** Warms every mode up untimed, then runs each under the budget. err: where progress goes, or null for none. */
    List<Run> runAll(PrintWriter err, LongSupplier clock) {
        if (err != null) err.printf("warming up (%.1f s per batch size, not measured)%n", WARM_UP_SECONDS);
        for (Mode m : modes) run(m, new Budget(null, null, WARM_UP_SECONDS), null, clock);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < modes.size(); i++) {
            Mode m = modes.get(i);
            if (err != null) err.printf("%d/%d: %s%n", i + 1, modes.size(), m.name());
            runs.add(run(m, budget, err, clock));
        }
        return runs;
    }

    /**
     * Trains one mode under budget b, taking checkpoints; a divergence ends the curve where it
     * happened. err: where progress goes, or null for none.
     */
    Run run(Mode m, Budget b, PrintWriter err, LongSupplier clock) {
        int n = data.size();
        int stepsPerEpoch = (n + m.K() - 1) / m.K();
        int epochs = b.epochs() != null ? b.epochs()
                : b.steps() != null ? (b.steps() + stepsPerEpoch - 1) / stepsPerEpoch : Integer.MAX_VALUE;
        TrainingConfig config = plan.config(m.k(), epochs, m.alpha());
        Checkpoints checkpoints = new Checkpoints(b, n, points, clock, net -> Evaluation.ofScaled(net, config.loss(), data, config.l2()));
        TrainingListener listener = checkpoints;
        Progress progress = null;
        if (err != null) {
            boolean terminal = Progress.isTerminal();
            progress = new Progress(terminal ? Progress.output(err) : err, terminal, clock, n, b.seconds() != null ? 0 : epochs, s -> "");
            listener = TrainingListener.all(checkpoints, progress);
        }
        String failure = null;
        Network trained;
        try {
            trained = new Trainer(config, listener).fit(start, TrainingRecord.NONE, data, null).network();
        } catch (TrainingDivergedException e) {
            if (progress != null) progress.clear();
            failure = "diverged (" + Main.oneLine(e.getMessage()).replaceFirst("^training diverged ", "").replaceFirst(";.*", "") + ")";
            if (err != null) err.println(m.name() + ": " + Main.oneLine(e.getMessage()));
            trained = e.lastGood();
        }
        if (progress != null) progress.clear();
        double testAccuracy = test != null && trained != null ? Evaluation.ofScaled(trained, config.loss(), test, config.l2()).accuracy()
                : Double.NaN;
        return new Run(m, checkpoints.curve, checkpoints.steps, checkpoints.epochs(), checkpoints.seconds(), checkpoints.last,
                testAccuracy, failure);
    }
}
