package org.backprop4j.train;

/**
 * What a model file remembers of the training that produced it, so that training can continue
 * from it ({@code nn train --init}, {@link Trainer#fit(org.backprop4j.nn.Network, TrainingRecord,
 * org.backprop4j.data.Dataset, org.backprop4j.data.Dataset)}). Epochs are counted from the first
 * run: continuing a model saved after epoch 10 trains epochs 11, 12, …
 *
 * @param stoppedEpoch the last epoch trained
 * @param bestEpoch    the epoch whose weights the model holds: with early stopping the one with the
 *                     lowest monitored cost, else {@code stoppedEpoch}
 * @param optimizer    the update rule's state at the end of {@code bestEpoch}, or null if unknown
 */
public record TrainingRecord(int stoppedEpoch, int bestEpoch, OptimizerState optimizer) {
    /** Nothing known: a fresh start, or a model file without a training record. */
    public static final TrainingRecord NONE = new TrainingRecord(0, 0, null);

    public TrainingRecord {
        if (stoppedEpoch < 0 || bestEpoch < 0 || bestEpoch > stoppedEpoch) {
            throw new IllegalArgumentException("epochs: best " + bestEpoch + " and stopped " + stoppedEpoch
                    + " must satisfy 0 <= best <= stopped");
        }
    }
}
