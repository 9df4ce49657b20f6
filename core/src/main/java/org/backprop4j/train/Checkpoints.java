package org.backprop4j.train;

/**
 * When and where the trainer saves a {@link Checkpoint}. The trainer asks after every step and
 * after every epoch's bookkeeping (validation, schedule, early stopping); building a checkpoint
 * copies the network and optimizer state, so it is done only when {@link #due} says so.
 */
public interface Checkpoints {
    /** Never saves. */
    Checkpoints NONE = new Checkpoints() {
        @Override public boolean due(int epoch, boolean endOfEpoch) {
            return false;
        }

        @Override public void save(Checkpoint checkpoint) {
            throw new IllegalStateException("no checkpoints");
        }
    };

    /**
     * Whether to save now: {@code endOfEpoch} true after epoch {@code epoch} ended, false after a
     * step inside epoch {@code epoch}.
     */
    boolean due(int epoch, boolean endOfEpoch);

    /** Saves {@code checkpoint} (atomically: an interrupted save must leave the previous one whole). */
    void save(Checkpoint checkpoint);
}
