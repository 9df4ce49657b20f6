package org.backprop4j.math;

/**
 * A layer's W[n×k] (row-major, as the layer holds it) kept for many one-sample products c = W·x:
 * E1 for one sample, a prediction. Row j of W is read from {@code rows[start + j·stride …]}: W's own
 * array ({@code rows == w}, start 0, stride k) or a copy that {@link Kernels#oneSampleWeights} placed
 * where the kernels read it faster. Either way the product has the same bits as
 * {@code gemmNT(1, n, k, x, w, c)}.
 *
 * @param n      outputs: rows of W
 * @param k      inputs: columns of W
 * @param w      W itself, n·k floats
 * @param rows   the array the kernels read: w, or the copy
 * @param start  where row 0 begins in {@code rows}
 * @param stride floats from one row to the next in {@code rows} (k, or more: a copy pads its rows)
 */
public record OneSampleWeights(int n, int k, float[] w, float[] rows, int start, int stride) {

    public OneSampleWeights {
        if (n < 0 || k < 0 || stride < k || start < 0) throw new IllegalArgumentException("bad layout " + n + "×" + k + " at " + start + ", stride " + stride);
        java.util.Objects.checkFromIndexSize(0, n * k, w.length);
        if (n > 0) java.util.Objects.checkFromIndexSize(start, (n - 1) * stride + k, rows.length);
    }

    /** W read in place. */
    public static OneSampleWeights inPlace(int n, int k, float[] w) {
        return new OneSampleWeights(n, k, w, w, 0, k);
    }

    /** True if the kernels read a copy of W rather than W's own array. */
    public boolean copied() {
        return rows != w;
    }
}
