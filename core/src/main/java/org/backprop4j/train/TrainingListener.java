package org.backprop4j.train;

/** Hears about training progress (for progress bars and logs); all methods default to doing nothing. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() { };

    /** After each gradient step; {@code done} of {@code total} samples of this epoch are processed. */
    default void onStep(int epoch, int done, int total) {
    }

    default void onEpoch(EpochStats stats) {
    }
}
