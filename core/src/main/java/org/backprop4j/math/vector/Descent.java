package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;

/** E11 on a rows × cols matrix, in tiles of 4 rows: the row blocks of the products that wrote ΔW. */
final class Descent extends Tiles {
    private int rows, cols, K;
    private float[] w, dw;
    private float alpha, lambda;

    Descent(int threads) {
        super(threads);
    }

    void set(int rows, int cols, float[] w, float[] dw, float alpha, int K, float lambda) {
        this.rows = rows;
        this.cols = cols;
        this.w = w;
        this.dw = dw;
        this.alpha = alpha;
        this.K = K;
        this.lambda = lambda;
        tiles((rows + 3) / 4, 16L * 4 * cols);
    }

    @Override
    void tile(int t, int i) {
        descendRange(w, dw, i * 4 * cols, Math.min(i * 4 + 4, rows) * cols, alpha, K, lambda);
    }

    @Override
    void release() {
        w = dw = null;
    }

    /**
     * w := w − alpha·(dw/K + lambda·w) on elements from … to−1: per lane the same operations as the scalar loop,
     * except that a power-of-two K divides by multiplying with 1/K. That is the same bits: both round the one
     * real number dw·2^−e to the nearest float (subnormals, infinities and NaN included), and 1/K is exact.
     * The division was what limited this loop (a 512-bit VDIVPS issues about once per 10 cycles, one per 16
     * weights): W1's 100 × 784 update took 14.7 and 14.1 µs on one thread with it, 7.1 and 6.9 µs with the
     * multiplication (`StepCalls W1 1`, alternating, Intel Xeon of docs/PERFORMANCE.md, 2026-11-30). The
     * batch sizes people use are powers of two.
     */
    private static void descendRange(float[] w, float[] dw, int from, int to, float alpha, int K, float lambda) {
        if (Integer.bitCount(K) == 1) {
            scaledRange(w, dw, from, to, alpha, 1f / K, lambda);
            return;
        }
        float k = K;
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += VL) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector step = FloatVector.fromArray(S, dw, i).div(k).add(wv.mul(lambda)).mul(alpha);
            wv.sub(step).intoArray(w, i);
        }
        for (; i < to; i++) w[i] -= alpha * (dw[i] / k + lambda * w[i]);
    }

    /** {@link #descendRange} for K = 2^e, with {@code inverse} = 2^−e: dw·inverse is dw/K exactly. */
    private static void scaledRange(float[] w, float[] dw, int from, int to, float alpha, float inverse, float lambda) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += VL) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector step = FloatVector.fromArray(S, dw, i).mul(inverse).add(wv.mul(lambda)).mul(alpha);
            wv.sub(step).intoArray(w, i);
        }
        for (; i < to; i++) w[i] -= alpha * (dw[i] * inverse + lambda * w[i]);
    }
}
