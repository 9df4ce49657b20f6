package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.VL;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The tiles of one product, numbered 0 … tileCount−1 and cut into one contiguous share per
 * thread. A thread claims chunks of its own share through an atomic cursor, then claims what is
 * left of the others' shares. So a thread the OS has not run yet (a busy machine, a parked
 * worker still waking up) delays the product by at most one chunk, not by its whole share:
 * the others take its tiles. Which thread computes a tile never changes its value.
 *
 * <p>The shares cut a layer's <em>units</em> (its outputs: rows of W) at the same places in
 * every product and update of a step ({@link #unitBlock}): so thread t reads and writes the same
 * rows of W and ΔW step after step, and they stay in its core's cache; a split that differed
 * from product to product would move them between the cores several times a step.
 *
 * <p>Kept apart from {@link VectorKernels} (classes of their own), so that worker threads never
 * hold a reference to the kernels object, which would stop the Cleaner from shutting them down.
 */
abstract class Tiles implements Job {
    /** Spacing of the share cursors, in ints: a 64-byte cache line each, so claims do not collide. */
    private static final int PAD = 16;
    /** Multiply-adds per claimed chunk: a few microseconds, so claiming costs well under 1 %. */
    private static final long CHUNK_FMAS = 1 << 17;

    private final AtomicIntegerArray cursors;   // next unclaimed tile of share u, at index u·PAD
    /** Per thread: one tile of C, for edge tiles and sums across lanes. */
    final float[][] tiles;
    int tileCount;
    private int shares, chunk;
    private final int[] starts;                 // first tile of share u; starts[shares] = tileCount

    Tiles(int threads) {
        cursors = new AtomicIntegerArray(threads * PAD);
        tiles = new float[threads][TILE];
        starts = new int[threads + 1];
    }

    /** Sets the tile count and the multiply-adds per tile of the current product. */
    final void tiles(int count, long fmasPerTile) {
        tileCount = count;
        chunk = (int) Math.max(1, CHUNK_FMAS / Math.max(1, fmasPerTile));
    }

    /** Sets the tiles claimed at a time, in place of the count {@link #tiles} derived. */
    final void chunk(int tiles) {
        chunk = tiles;
    }

    /** Cuts the tiles into {@code threads} shares; called by the caller before the workers start. */
    final void share(int threads) {
        shares = threads;
        for (int u = 0; u <= threads; u++) starts[u] = u == threads ? tileCount : shareStart(u, threads);
        for (int u = 0; u < threads; u++) cursors.set(u * PAD, starts[u]);
    }

    /**
     * The first tile of share u of {@code shares} (0 for u = 0); shares must not decrease. By
     * default an even cut: right for jobs whose tiles are row blocks of the units themselves.
     */
    int shareStart(int u, int shares) {
        return unitBlock(tileCount, u, shares);
    }

    /** The share tile i belongs to. */
    final int shareOf(int i) {
        int u = 0;
        while (i >= starts[u + 1]) u++;
        return u;
    }

    /** The first tile of share u, as set by {@link #share}. */
    final int start(int u) {
        return starts[u];
    }

    @Override
    public final void work(int t) {
        for (int i = 0; i < shares; i++) {
            int u = (t + i) % shares;                    // own share first, then the others'
            int end = starts[u + 1];
            for (int s; (s = cursors.getAndAdd(u * PAD, chunk)) < end; ) {
                for (int tile = s, e = Math.min(s + chunk, end); tile < e; tile++) tile(t, tile);
            }
        }
    }

    /** Computes tile number i on thread t. */
    abstract void tile(int t, int i);

    /** Drops the references to the caller's arrays, so that the kernels do not keep them alive. */
    abstract void release();

    /** Floats in the largest register tile (at most 32 vectors: 12 × 2, 8 × 3, 4 × 4 or the dot tile). */
    static final int TILE = 32 * VL;

    /**
     * Where share u of {@code shares} begins when {@code blocks} blocks of units are shared out: the
     * one split rule of every job, so that equal unit counts are always cut at the same places.
     */
    static int unitBlock(int blocks, int u, int shares) {
        return (int) ((long) blocks * u / shares);
    }
}
