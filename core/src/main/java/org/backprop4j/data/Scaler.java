package org.backprop4j.data;

import org.backprop4j.math.Matrix;

import java.util.Arrays;

/**
 * Input scaling x' = (x − shift) / divide per column, fitted on training data and stored with the
 * model so that evaluate and predict apply exactly the same transformation.
 *
 * @param method "none", "minmax" (to [0,1]) or "standard" (zero mean, unit variance)
 */
public record Scaler(String method, float[] shift, float[] divide) {

    public static final Scaler NONE = new Scaler("none", new float[0], new float[0]);

    public Scaler {
        if (!method.equals("none") && !method.equals("minmax") && !method.equals("standard")) {
            throw new IllegalArgumentException("unknown scaling '" + method + "' (known: none, minmax, standard)");
        }
        if (shift.length != divide.length) {
            throw new IllegalArgumentException("scaling has " + shift.length + " shifts but " + divide.length + " divisors");
        }
        for (int j = 0; j < shift.length; j++) {
            if (!Float.isFinite(shift[j]) || !Float.isFinite(divide[j]) || divide[j] == 0f) {
                throw new IllegalArgumentException("scaling of column " + j + " is not finite and non-zero");
            }
        }
    }

    public boolean isNone() {
        return method.equals("none");
    }

    /** Fits the scaling on the columns of x. A constant column gets divisor 1 (it becomes 0). */
    public static Scaler fit(String method, Matrix x) {
        if (method.equals("none")) return NONE;
        int n = x.rows, d = x.cols;
        float[] shift = new float[d], divide = new float[d];
        for (int j = 0; j < d; j++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < n; i++) {
                double v = x.data[i * d + j];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                sum += v;
            }
            double mean = sum / n, var = 0;
            for (int i = 0; i < n; i++) {
                double e = x.data[i * d + j] - mean;
                var += e * e;
            }
            double sd = Math.sqrt(var / n);
            switch (method) {
                case "minmax" -> {
                    shift[j] = (float) lo;
                    divide[j] = hi > lo ? (float) (hi - lo) : 1f;
                }
                case "standard" -> {
                    shift[j] = (float) mean;
                    divide[j] = sd > 0 ? (float) sd : 1f;
                }
                default -> throw new IllegalArgumentException("unknown scaling '" + method + "' (known: none, minmax, standard)");
            }
        }
        return new Scaler(method, shift, divide);
    }

    /** A new matrix with each column scaled; x itself is not modified. */
    public Matrix transform(Matrix x) {
        if (isNone()) return x;
        return transformRows(x, 0, x.rows);
    }

    /**
     * Rows [from, from + rows) of x, each column scaled, as a new matrix (x is not modified): the same
     * bits as those rows of {@link #transform}, since each element is scaled on its own. A large data set
     * can so be scaled block by block, without a scaled copy of all of it.
     */
    public Matrix transformRows(Matrix x, int from, int rows) {
        if (!isNone() && x.cols != shift.length) {
            throw new IllegalArgumentException("scaling was fitted on " + shift.length + " columns, data has " + x.cols);
        }
        Matrix out = new Matrix(rows, x.cols, Arrays.copyOfRange(x.data, from * x.cols, (from + rows) * x.cols));
        if (isNone()) return out;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < x.cols; j++) {
                int k = i * x.cols + j;
                out.data[k] = (out.data[k] - shift[j]) / divide[j];
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scaler s && s.method.equals(method) && Arrays.equals(s.shift, shift) && Arrays.equals(s.divide, divide);
    }

    @Override
    public int hashCode() {
        return method.hashCode() * 31 + Arrays.hashCode(shift) * 17 + Arrays.hashCode(divide);
    }
}
