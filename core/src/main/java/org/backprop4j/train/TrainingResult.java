package org.backprop4j.train;

import org.backprop4j.nn.Network;

import java.util.List;

/**
 * What a training run hands back: the trained network (with early stopping, the best epoch's), the
 * statistics of every epoch run, and the record a model file keeps to continue training.
 *
 * @param network the trained network; a new one, the starting network is not changed
 * @param history one entry per epoch run, in order
 * @param record  stopped and best epoch, and the optimizer's state at the best epoch
 */
public record TrainingResult(Network network, List<EpochStats> history, TrainingRecord record) {

    public TrainingResult {
        history = List.copyOf(history);
    }

    /** The last epoch trained (counted from the first run when continuing). */
    public int stoppedEpoch() {
        return record.stoppedEpoch();
    }

    /** The epoch whose weights {@link #network()} holds. */
    public int bestEpoch() {
        return record.bestEpoch();
    }

    /** The update rule's state at {@link #bestEpoch()}. */
    public OptimizerState optimizerState() {
        return record.optimizer();
    }
}
