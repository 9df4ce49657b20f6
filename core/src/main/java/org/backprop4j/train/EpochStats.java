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
 * @param accuracy share of the epoch's samples whose largest output was the true class, each taken
 *                 in its batch before that batch's update (like dataCost); NaN without classes
 * @param learningRate   alpha of this epoch (a schedule's α_t)
 * @param validationCost mean per-sample cost (E4's first term) on the validation data at the end of
 *                       the epoch, without dropout; NaN without validation data
 * @param l1Cost         the L1 term l1·Σ|W| at the end of the epoch (0 without L1)
 */
public record EpochStats(int epoch, int epochs, double dataCost, double l2Cost, int steps, double seconds, double accuracy,
                         double learningRate, double validationCost, double l1Cost) {

    public EpochStats(int epoch, int epochs, double dataCost, double l2Cost, int steps, double seconds, double accuracy) {
        this(epoch, epochs, dataCost, l2Cost, steps, seconds, accuracy, Double.NaN, Double.NaN, 0);
    }

    public EpochStats(int epoch, int epochs, double dataCost, double l2Cost, int steps, double seconds) {
        this(epoch, epochs, dataCost, l2Cost, steps, seconds, Double.NaN);
    }

    /** J(W,b) of E4: data term plus L2 term (plus the L1 term, if any). */
    public double cost() {
        return dataCost + l2Cost + l1Cost;
    }

    public boolean hasValidation() {
        return !Double.isNaN(validationCost);
    }
}
