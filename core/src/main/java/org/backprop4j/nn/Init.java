package org.backprop4j.nn;

import org.backprop4j.math.Matrix;

import java.util.Random;

/** How initial weights and biases are drawn (all from the run's seed). */
public enum Init {
    /**
     * The default: W_ij and b_i uniform in [-1/√s_l, 1/√s_l], s_l the layer's fan-in. The seed
     * leaves initialisation open; this is the rule PyTorch's nn.Linear uses, so our default
     * networks start from the same distribution as the PyTorch figures we compare with.
     */
    DEFAULT;

    /** Overwrites w and b with fresh draws from {@code random}, row by row, then the biases. */
    public void fill(Matrix w, float[] b, Random random) {
        double bound = 1.0 / Math.sqrt(w.cols);
        for (int i = 0; i < w.data.length; i++) w.data[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        for (int i = 0; i < b.length; i++) b[i] = (float) ((2 * random.nextDouble() - 1) * bound);
    }
}
