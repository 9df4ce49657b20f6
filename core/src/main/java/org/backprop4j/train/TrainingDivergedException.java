package org.backprop4j.train;

import org.backprop4j.nn.Network;

/**
 * Thrown when the cost becomes NaN or infinite, or explodes: the weights are no longer meaningful.
 * Carries the last good network: the one at the end of epoch {@link #lastGoodEpoch()}, which the
 * following epoch (its costs computed with those weights) found finite and not exploded; null when
 * no epoch's weights were confirmed so.
 */
public class TrainingDivergedException extends RuntimeException {
    private final transient Network lastGood;
    private final int lastGoodEpoch;

    public TrainingDivergedException(String message) {
        this(message, null, 0);
    }

    public TrainingDivergedException(String message, Network lastGood, int lastGoodEpoch) {
        super(message);
        this.lastGood = lastGood;
        this.lastGoodEpoch = lastGoodEpoch;
    }

    /** The network at the end of epoch {@link #lastGoodEpoch()}, or null if none was confirmed good. */
    public Network lastGood() {
        return lastGood;
    }

    public int lastGoodEpoch() {
        return lastGoodEpoch;
    }
}
