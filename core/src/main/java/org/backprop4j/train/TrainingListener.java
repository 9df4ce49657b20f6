package org.backprop4j.train;

import org.backprop4j.nn.Network;

import java.util.List;

/** Hears about training progress (for progress bars and logs); all methods default to doing nothing. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() { };

    /**
     * Before the first step: the network the trainer is about to update in place. A listener may
     * keep it to read the weights during later calls (to evaluate, probe or snapshot them); it must
     * not change it, nor read it from another thread, since the trainer keeps writing to it.
     */
    default void onStart(Network training) {
    }

    /** After each gradient step; {@code done} of {@code total} samples of this epoch are processed. */
    default void onStep(int epoch, int done, int total) {
    }

    /**
     * After each gradient step, with {@code cost}: the mean cost J(W,b;x,y) (E3) of this epoch's
     * {@code done} samples so far, each taken in its batch before that batch's update. By default
     * forwards to {@link #onStep(int, int, int)}.
     */
    default void onStep(int epoch, int done, int total, double cost) {
        onStep(epoch, done, total);
    }

    default void onEpoch(EpochStats stats) {
    }

    /**
     * Asked after each step: true makes the trainer stop there and return the network as it is (a
     * budget of steps or seconds ends mid-epoch); the unfinished epoch gets no {@link #onEpoch} call.
     * Asked after an epoch's last step, it takes effect once that epoch's bookkeeping (validation,
     * {@link #onEpoch}, a checkpoint) is done.
     */
    default boolean stopRequested() {
        return false;
    }

    /** One listener that calls each of {@code listeners} in turn, and stops when any of them asks. */
    static TrainingListener all(TrainingListener... listeners) {
        // an array walked by a for-each: no iterator per step, so the training step stays allocation-free
        TrainingListener[] each = List.of(listeners).toArray(new TrainingListener[0]);
        return new TrainingListener() {
            @Override public void onStart(Network training) {
                for (TrainingListener l : each) l.onStart(training);
            }
            @Override public void onStep(int epoch, int done, int total, double cost) {
                for (TrainingListener l : each) l.onStep(epoch, done, total, cost);
            }
            @Override public void onEpoch(EpochStats stats) {
                for (TrainingListener l : each) l.onEpoch(stats);
            }
            @Override public boolean stopRequested() {
                for (TrainingListener l : each) {
                    if (l.stopRequested()) return true;
                }
                return false;
            }
        };
    }
}
