package org.backprop4j.spark;

import org.backprop4j.nn.Network;
import org.backprop4j.train.TrainingRecord;

/**
 * A step's Spark job failed for good (after Spark's task retries and the trainer's step retries), or
 * the cluster stopped the application. Carries the run's last consistent point: the weights and the
 * record (optimizer state, epoch) at the end of the last complete epoch, from which
 * {@code nn train --spark --init} continues as the uninterrupted run would.
 */
public final class SparkTrainingException extends RuntimeException {
    private final transient Network lastGood;
    private final transient TrainingRecord record;

    SparkTrainingException(String message, Network lastGood, TrainingRecord record) {
        super(message);
        this.lastGood = lastGood;
        this.record = record;
    }

    /** The weights at the end of the last complete epoch (the starting weights if none completed). */
    public Network lastGood() {
        return lastGood;
    }

    /** The record of {@link #lastGood()}: its epoch and the optimizer's state then. */
    public TrainingRecord record() {
        return record;
    }

    /** The last epoch that ran to its end (0: none). */
    public int lastCompleteEpoch() {
        return record.stoppedEpoch();
    }
}
