package org.backprop4j.inspect;

import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;

/**
 * Whether inputs look unscaled for the first layer's activation. The default initial weights
 * (uniform in ±1/√s_1) give z of about the size of one input when inputs are of size 1; inputs
 * several times larger push sigmoid and tanh units into their flat ends at once (f' ≈ 0, learning
 * stalls), and make ReLU and identity layers start with large activations and gradient steps.
 * The measure is each input column's root mean square, √(mean x²), which is 1 for standardised
 * data and at most 1 for data in [0, 1] or [−1, 1].
 */
public final class InputCheck {
    /** The root mean square above which a column counts as unscaled. */
    public static final double LIMIT = 3;

    private InputCheck() {
    }

    /** The column with the largest root mean square, when that exceeds {@link #LIMIT}. */
    public record Unscaled(int column, double rms, Activation activation) {
        /** Why that hurts this activation, in a few words. */
        public String consequence() {
            return activation == Activation.SIGMOID || activation == Activation.TANH
                    ? activation + " units start saturated (f' near 0) and learn slowly"
                    : activation + " units start with large activations and gradient steps, which may diverge";
        }
    }

    /** The worst column of x (as the network will see it) if it looks unscaled, else null. x: not modified. */
    public static Unscaled check(Matrix x, Activation firstLayer) {
        if (x.rows == 0) return null;
        double[] sumSq = new double[x.cols];
        for (int i = 0, k = 0; i < x.rows; i++) {          // row by row: the order the data is stored in
            for (int j = 0; j < x.cols; j++, k++) sumSq[j] += (double) x.data[k] * x.data[k];
        }
        int worst = -1;
        double worstRms = 0;
        for (int j = 0; j < x.cols; j++) {
            double rms = Math.sqrt(sumSq[j] / x.rows);
            if (rms > worstRms) {
                worstRms = rms;
                worst = j;
            }
        }
        return worstRms > LIMIT ? new Unscaled(worst, worstRms, firstLayer) : null;
    }
}
