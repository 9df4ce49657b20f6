package org.backprop4j.math.vector;

/**
 * Rows of the data set to a batch buffer, one tile per row. Each tile first reads one float of each
 * of the next {@link #AHEAD} rows: those rows start coming from memory while this one is copied, so
 * the misses of several rows overlap instead of following one another (the rows of a data set far
 * larger than the caches lie at random places in it). A row's copy streams once it has started;
 * its first line is the wait. W1's 32 × 784 gather took about 30 % less time so (2026-11-30, Intel Xeon,
 * docs/PERFORMANCE.md). The values read are summed into {@link #sink} only so the JIT keeps the reads.
 */
final class Gather extends Tiles {
    /** What a float of the batch gather costs, in multiply-adds: a row comes from memory, not cache. */
    static final long COST = 32;
    /** Rows whose first line is asked for ahead of the copy. */
    private static final int AHEAD = 8;
    private final float[] sink;                 // per thread, a cache line apart
    private float[] src, dst;
    private int[] order;
    private int cols, from, end;

    Gather(int threads) {
        super(threads);
        sink = new float[threads * 16];
    }

    void set(float[] src, int cols, int[] order, int from, int K, float[] dst) {
        this.src = src;
        this.cols = cols;
        this.order = order;
        this.from = from;
        this.end = from + K;
        this.dst = dst;
        tiles(K, COST * cols);
    }

    @Override
    void tile(int t, int r) {
        float touched = 0f;
        for (int i = from + r + 1, last = Math.min(end, from + r + 1 + AHEAD); i < last; i++) touched += src[order[i] * cols];
        sink[t * 16] += touched;
        System.arraycopy(src, order[from + r] * cols, dst, r * cols, cols);
    }

    @Override
    void release() {
        src = dst = null;
        order = null;
    }
}
