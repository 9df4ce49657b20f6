package org.backprop4j.nn;

/**
 * A cost function of one sample together with its output delta (E3, E6), in double for one sample
 * (the reference) and in float32 for a batch of rows (the fast engine).
 *
 * <p>{@link #MSE} is the seed's E3: half the sum of squares over the outputs, not divided by the
 * number of outputs; its delta is E6, (a − y) ⊙ f'(z). {@link #CROSS_ENTROPY} is −Σ y log a with a
 * softmax output (categorical), or −Σ [y log a + (1−y) log(1−a)] with a sigmoid output (one binary
 * decision per unit). For both, the product with f' folds into the loss and the delta is a − y
 * (SPEC, last line); its value is computed from z (log-sum-exp), so it stays finite when a
 * rounds to 0 or 1.
 */
public enum Loss {
    MSE("mse") {
        @Override public void checkOutput(Activation out) {
            // any output activation works with E3/E6
        }
        @Override public double value(double[] z, double[] a, double[] y, Activation out) {
            double s = 0;
            for (int i = 0; i < a.length; i++) s += (a[i] - y[i]) * (a[i] - y[i]);
            return 0.5 * s; // E3
        }
        @Override public double[] outputDelta(double[] z, double[] a, double[] y, Activation out) {
            double[] g = new double[a.length];
            for (int i = 0; i < a.length; i++) g[i] = a[i] - y[i];
            return out.backward(z, a, g); // E6: (a - y) ⊙ f'(z)
        }
        @Override public double sumFrom(double total, float[] z, float[] a, float[] y, int rows, int cols, Activation out) {
            for (int i = 0, n = rows * cols; i < n; i++) {
                double d = (double) a[i] - y[i];
                total += 0.5 * d * d;
            }
            return total;
        }
        @Override public void outputDelta(float[] z, float[] a, float[] y, float[] delta, int rows, int cols, Activation out) {
            for (int i = 0, n = rows * cols; i < n; i++) delta[i] = a[i] - y[i];
            out.backward(z, a, delta, rows, cols); // E6
        }
    },
    CROSS_ENTROPY("cross-entropy") {
        @Override public void checkOutput(Activation out) {
            if (out != Activation.SOFTMAX && out != Activation.SIGMOID) {
                throw new IllegalArgumentException("loss cross-entropy needs a softmax or sigmoid output layer, not " + out);
            }
        }
        @Override public double value(double[] z, double[] a, double[] y, Activation out) {
            double s = 0;
            if (out == Activation.SOFTMAX) {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) max = Math.max(max, v);
                double sum = 0;
                for (double v : z) sum += Math.exp(v - max);
                double logSumExp = max + Math.log(sum);
                for (int i = 0; i < z.length; i++) s -= y[i] * (z[i] - logSumExp); // -y log a, log a = z - lse(z)
            } else {
                for (int i = 0; i < z.length; i++) s += binary(z[i], y[i]);
            }
            return s;
        }
        @Override public double[] outputDelta(double[] z, double[] a, double[] y, Activation out) {
            double[] delta = new double[a.length];
            for (int i = 0; i < a.length; i++) delta[i] = a[i] - y[i]; // f' folded into the loss
            return delta;
        }
        @Override public double sumFrom(double total, float[] z, float[] a, float[] y, int rows, int cols, Activation out) {
            // same arithmetic as value(), on rows of the batch, without allocating
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                if (out == Activation.SOFTMAX) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < cols; j++) max = Math.max(max, z[o + j]);
                    double sum = 0;
                    for (int j = 0; j < cols; j++) sum += Math.exp(z[o + j] - max);
                    double logSumExp = max + Math.log(sum);
                    for (int j = 0; j < cols; j++) total -= y[o + j] * (z[o + j] - logSumExp);
                } else {
                    for (int j = 0; j < cols; j++) total += binary(z[o + j], y[o + j]);
                }
            }
            return total;
        }
        @Override public void outputDelta(float[] z, float[] a, float[] y, float[] delta, int rows, int cols, Activation out) {
            for (int i = 0, n = rows * cols; i < n; i++) delta[i] = a[i] - y[i];
        }
    };

    /** -[y log s(z) + (1-y) log(1-s(z))] for s the sigmoid, written so it never takes log(0). */
    private static double binary(double z, double y) {
        return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    }

    private final String id;

    Loss(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Throws IllegalArgumentException if this loss is not defined for that output activation. */
    public abstract void checkOutput(Activation out);

    /** J(W,b; x,y) of one sample (E3), double. Inputs not modified. */
    public abstract double value(double[] z, double[] a, double[] y, Activation out);

    /** delta^(n_l) of one sample (E6), double. Inputs not modified. */
    public abstract double[] outputDelta(double[] z, double[] a, double[] y, Activation out);

    /** The sum over rows of the per-sample cost, float32 inputs, double sum. Inputs not modified. */
    public double sum(float[] z, float[] a, float[] y, int rows, int cols, Activation out) {
        return sumFrom(0, z, a, y, rows, cols, out);
    }

    /**
     * {@code total} plus the per-sample costs of these rows, added one by one in order: so a sum
     * over a data set taken block by block, each block going on from the last, is the sum over all
     * rows at once, to the bit.
     */
    public abstract double sumFrom(double total, float[] z, float[] a, float[] y, int rows, int cols, Activation out);

    /** delta := output delta of each row (E6), float32. delta: overwritten; others not modified. */
    public abstract void outputDelta(float[] z, float[] a, float[] y, float[] delta, int rows, int cols, Activation out);

    public static Loss of(String name) {
        for (Loss l : values()) {
            if (l.id.equalsIgnoreCase(name)) return l;
        }
        throw new IllegalArgumentException("unknown loss '" + name + "' (known: mse, cross-entropy)");
    }

    @Override
    public String toString() {
        return id;
    }
}
