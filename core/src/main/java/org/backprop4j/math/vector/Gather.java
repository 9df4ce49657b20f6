package org.backprop4j.math.vector;

/** Rows of the data set to a batch buffer, one tile per row. */
final class Gather extends Tiles {
    /** What a float of the batch gather costs, in multiply-adds: a row comes from memory, not cache. */
    static final long COST = 32;
    private float[] src, dst;
    private int[] order;
    private int cols, from;

    Gather(int threads) {
        super(threads);
    }

    void set(float[] src, int cols, int[] order, int from, int K, float[] dst) {
        this.src = src;
        this.cols = cols;
        this.order = order;
        this.from = from;
        this.dst = dst;
        tiles(K, COST * cols);
    }

    @Override
    void tile(int t, int r) {
        System.arraycopy(src, order[from + r] * cols, dst, r * cols, cols);
    }

    @Override
    void release() {
        src = dst = null;
        order = null;
    }
}
