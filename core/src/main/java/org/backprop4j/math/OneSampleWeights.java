package org.backprop4j.math;

/**
 * A layer's W[n×k] (row-major, as the layer holds it) kept for many one-sample products c = W·x:
 * E1 for one sample, a prediction. The kernels read W's own array ({@code rows == w}, start 0, stride k)
 * or a copy that {@link Kernels#oneSampleWeights} laid out where and how they read it faster: rows
 * padded to {@code stride} floats, one after another, or <em>interleaved</em> — in blocks of eight rows
 * (the last block: the rest), each block's rows 16 floats at a time in turn, so that a product reads
 * one stream instead of eight side by side (W1's first layer: 1.96 against 2.47 µs on AMD Zen 5,
 * docs/PERFORMANCE.md, session 25). {@link #at} says where W(j, p) is. Either way the product has the
 * same bits as {@code gemmNT(1, n, k, x, w, c)}.
 *
 * @param n      outputs: rows of W
 * @param k      inputs: columns of W
 * @param w      W itself, n·k floats
 * @param rows   the array the kernels read: w, or the copy
 * @param start  where row 0 begins in {@code rows}
 * @param stride floats a row takes in {@code rows} (k, or more: a copy pads its rows to whole 16-float vectors)
 * @param interleaved rows in interleaved blocks of eight (stride then a multiple of 16), else one after another
 */
public record OneSampleWeights(int n, int k, float[] w, float[] rows, int start, int stride, boolean interleaved) {
    /** Rows per interleaved block, and floats of a row in turn. */
    public static final int BLOCK = 8, CHUNK = 16;

    public OneSampleWeights {
        if (n < 0 || k < 0 || stride < k || start < 0 || (interleaved && stride % CHUNK != 0)) {
            throw new IllegalArgumentException("bad layout " + n + "×" + k + " at " + start + ", stride " + stride + (interleaved ? ", interleaved" : ""));
        }
        java.util.Objects.checkFromIndexSize(0, n * k, w.length);
        if (n > 0) java.util.Objects.checkFromIndexSize(start, interleaved ? n * stride : (n - 1) * stride + k, rows.length);
    }

    /** W read in place. */
    public static OneSampleWeights inPlace(int n, int k, float[] w) {
        return new OneSampleWeights(n, k, w, w, 0, k, false);
    }

    /** Where W(j, p) is in {@link #rows}. */
    public int at(int j, int p) {
        if (!interleaved) return start + j * stride + p;
        int block = j / BLOCK * BLOCK, inBlock = Math.min(BLOCK, n - block);
        return start + block * stride + p / CHUNK * inBlock * CHUNK + (j - block) * CHUNK + p % CHUNK;
    }

    /** True if the kernels read a copy of W rather than W's own array. */
    public boolean copied() {
        return rows != w;
    }
}
