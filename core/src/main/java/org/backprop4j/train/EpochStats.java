package org.backprop4j.train;

/**
 * What one epoch did.
 *
 * @param epoch    1-based epoch number
 * @param epochs   epochs planned
 * @param dataCost mean per-sample cost (E4's first term) over the epoch, each sample's cost taken
 *                 in its batch before that batch's update
 * @param l2Cost   E4's second term, (lambda/2)·ΣW², at the end of the epoch
 * @param steps    gradient steps taken in this epoch
 * @param seconds  wall time of this epoch
 */
public record EpochStats(int epoch, int epochs, double dataCost, double l2Cost, int steps, double seconds) {
    /** J(W,b) of E4: data term plus L2 term. */
    public double cost() {
        return dataCost + l2Cost;
    }
}
