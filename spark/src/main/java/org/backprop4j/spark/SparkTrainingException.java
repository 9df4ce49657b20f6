package org.backprop4j.spark;

import org.backprop4j.nn.Network;

/** A step's Spark job failed for good (after Spark's task retries and the trainer's step retries); carries the last good weights. */
public final class SparkTrainingException extends RuntimeException {
    private final transient Network lastGood;
    private final int lastCompleteEpoch;

    SparkTrainingException(String message, Network lastGood, int lastCompleteEpoch) {
        super(message);
        this.lastGood = lastGood;
        this.lastCompleteEpoch = lastCompleteEpoch;
    }

    /** The driver's weights after the last step that succeeded. */
    public Network lastGood() {
        return lastGood;
    }

    /** The last epoch that ran to its end (0: none). */
    public int lastCompleteEpoch() {
        return lastCompleteEpoch;
    }
}
