package org.backprop4j.train;

import java.util.List;
import java.util.function.Supplier;
import org.backprop4j.nn.Network;

/**
 * Early stopping's bookkeeping, one copy for the single-machine {@link Trainer} and the Spark
 * trainer: the best epoch so far — its monitored cost, number, network and optimizer state —
 * updated at each epoch's end, recorded in checkpoints, and handed back as the run's result.
 */
public final class BestEpoch {
    private final EarlyStopping stopping;
    private double cost;
    private int epoch;
    private Network network;
    private OptimizerState optimizer;

    /**
     * Before a run's first epoch: no best epoch yet (its number stays the previous run's best), or
     * the one a checkpoint recorded.
     */
    public BestEpoch(EarlyStopping stopping, int previousBestEpoch, Checkpoint.Best resumed) {
        this.stopping = stopping;
        cost = resumed != null ? resumed.cost() : Double.POSITIVE_INFINITY;
        epoch = resumed != null ? resumed.epoch() : previousBestEpoch;
        network = resumed != null ? resumed.network().copy() : null;
        optimizer = resumed != null ? resumed.optimizer() : null;
    }

    /**
     * At the end of {@code epoch}, with its monitored cost (validation cost, else J of E4): an epoch
     * that improves on the best by more than minDelta (or the first) becomes the best, its network
     * copied and its optimizer state taken. Returns true when patience has run out.
     */
    public boolean endOfEpoch(int epoch, double monitored, Network net, Supplier<OptimizerState> state) {
        if (!stopping.isOn()) return false;
        if (network == null || stopping.improves(monitored, cost)) {
            cost = monitored;
            this.epoch = epoch;
            network = net.copy();
            optimizer = state.get();
            return false;
        }
        return epoch - this.epoch >= stopping.patience();
    }

    /** True if patience had already run out at the end of epoch {@code done} (a run resumed there has nothing left to do). */
    public boolean ranOut(int done) {
        return stopping.isOn() && network != null && done - epoch >= stopping.patience();
    }

    /** What a checkpoint records of it: null before any epoch has been the best. */
    public Checkpoint.Best checkpoint() {
        return network == null ? null : new Checkpoint.Best(cost, epoch, network, optimizer);
    }

    /** The run's result: the best epoch's network and optimizer state if there is one, else the last epoch's. */
    public TrainingResult result(Network last, List<EpochStats> history, int stoppedEpoch, Supplier<OptimizerState> lastState) {
        if (network != null) return new TrainingResult(network, history, new TrainingRecord(stoppedEpoch, epoch, optimizer));
        return new TrainingResult(last, history, new TrainingRecord(stoppedEpoch, stoppedEpoch, lastState.get()));
    }
}
