package org.backprop4j.cli;

import org.backprop4j.eval.Evaluation;
import org.backprop4j.nn.Network;
import org.backprop4j.train.TrainingListener;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Watches one batch size of {@code nn compare}: counts steps, keeps the training clock (paused while
 * it evaluates), takes the cost J of the whole training set whenever the budget used passes the
 * next of {@code points} evenly spaced marks, and asks the trainer to stop when the budget is used up.
 */
final class Checkpoints implements TrainingListener {
    private final BatchSizeExperiment.Budget budget;
    private final int n, points;
    private final LongSupplier clock;
    private final Function<Network, Evaluation> evaluate;
    /** (epochs, seconds, cost) of each checkpoint. */
    final List<double[]> curve = new ArrayList<>();
    private Network net;
    private long startNanos, pausedNanos;
    private int marks;
    int steps;
    long samples;
    boolean stop;
    Evaluation last;

    /** n: training samples; evaluate: J of the whole training set for a network. */
    Checkpoints(BatchSizeExperiment.Budget budget, int n, int points, LongSupplier clock, Function<Network, Evaluation> evaluate) {
        this.budget = budget;
        this.n = n;
        this.points = points;
        this.clock = clock;
        this.evaluate = evaluate;
    }

    /** Training time so far, checkpoints excluded. */
    double seconds() {
        return (clock.getAsLong() - startNanos - pausedNanos) / 1e9;
    }

    /** Passes over the data so far. */
    double epochs() {
        return (double) samples / n;
    }

    /** The share of the budget used so far. */
    private double used() {
        if (budget.epochs() != null) return (double) samples / ((long) budget.epochs() * n);
        if (budget.steps() != null) return (double) steps / budget.steps();
        return seconds() / budget.seconds();
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
        if (used >= 1 && budget.epochs() == null) stop = true; // an epoch budget ends with the trainer's last epoch
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
