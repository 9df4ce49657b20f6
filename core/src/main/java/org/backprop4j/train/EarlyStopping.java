package org.backprop4j.train;

import org.backprop4j.ParameterException;

/**
 * Stop when the monitored cost (the validation data cost, else the training cost J of E4) has not
 * improved for {@code patience} epochs in a row, and hand back the weights of the best epoch.
 * An epoch improves when its cost is below the best so far by more than {@code minDelta}
 * (absolute, as in Keras's EarlyStopping).
 *
 * @param patience epochs without improvement before stopping, ≥ 1; 0 switches early stopping off
 * @param minDelta the least decrease that counts as an improvement, ≥ 0
 */
public record EarlyStopping(int patience, double minDelta) {
    /** No early stopping: all epochs run and the last epoch's weights are kept. */
    public static final EarlyStopping OFF = new EarlyStopping(0, 0);

    public EarlyStopping {
        if (patience < 0) throw new ParameterException("patience", "must be at least 1 epoch, got " + patience);
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            throw new ParameterException("minDelta", "must be a finite number >= 0, got " + minDelta);
        }
    }

    /** Early stopping after {@code patience} ≥ 1 epochs without an improvement larger than minDelta. */
    public static EarlyStopping after(int patience, double minDelta) {
        if (patience < 1) throw new ParameterException("patience", "must be at least 1 epoch, got " + patience);
        return new EarlyStopping(patience, minDelta);
    }

    public boolean isOn() {
        return patience > 0;
    }

    /** Whether {@code cost} improves on {@code best}. */
    boolean improves(double cost, double best) {
        return cost < best - minDelta;
    }
}
