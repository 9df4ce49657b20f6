package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.VL;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The tiles of one product, numbered 0 … tileCount−1 and cut into one contiguous share per
 * thread. A thread claims chunks from the front of its own share, then watches the others' shares
 * and claims chunks from the back of one whose front has stood still for a while (see {@link #help})
 * — or at once, in a job whose threads own no rows ({@link #stealsAtOnce}). So a thread the OS has
 * not run yet (a busy machine, a parked worker still waking up) delays the product by a short wait
 * and one chunk, not by its whole share: the others take its tiles; and in a job without owned rows
 * a thread the host runs slower is helped until both finish together. Which thread computes a tile
 * never changes its value.
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
    /** Spacing of the shares' ranges, in longs: a 64-byte cache line each, so claims do not collide. */
    private static final int PAD = 8;
    /**
     * Multiply-adds per claimed chunk: about 5 µs of one core's work. A claim is an atomic
     * read-modify-write, which on x86 waits until the stores before it have reached the cache: right
     * after a tile, the tile's rows of C, whose lines usually have to be fetched first. So claims cost
     * more than their own few cycles: with one claim per tile of W2's ΔW products (a chunk of 1 << 17)
     * they took 8–12 % of those products on one thread (docs/PERFORMANCE.md, "Claiming tiles").
     */
    private static final long CHUNK_FMAS = 1 << 19;
    /**
     * Chunks per share at least, so that a late thread holds up the others by a tenth of its share at
     * most (W1's products, of 200 tiles or so, keep their chunks of about 10 tiles).
     */
    private static final int CHUNKS_PER_SHARE = 10;
    /**
     * The least and the most time a share's front must stand still before another thread takes its chunks
     * (see {@link #help}). The most: a thread whose own chunks were slowed (the OS took its core for a
     * while) would otherwise wait out a patience of milliseconds for a stalled owner. W2's chunks take about
     * 8 µs (1 << 19 multiply-adds at its 120–140 GFLOP/s per core).
     */
    private static final long MIN_PATIENCE_NANOS = 2_000, MAX_PATIENCE_NANOS = 100_000;

    /**
     * Share u's unclaimed tiles [front, end) as front << 32 | end, at index u·PAD: its owner claims at
     * the front, a helper at the back, each by compare-and-set of both ends at once.
     */
    private final AtomicLongArray ranges;
    /** False for a job whose thread t computes exactly share t (see {@link #fixedShares}). */
    private boolean claims = true;
    /** Per thread: one tile of C, for edge tiles and sums across lanes. */
    final float[][] tiles;
    int tileCount;
    private int shares, chunk, chunkByWork;
    private final int[] starts;                 // first tile of share u; starts[shares] = tileCount
    private final int[][] seenBy;               // per thread t, per share u: the front as t last saw it …
    private final long[][] stillBy;             // … and since when (System.nanoTime) it has stood there

    Tiles(int threads) {
        ranges = new AtomicLongArray(threads * PAD);
        tiles = new float[threads][TILE];
        starts = new int[threads + 1];
        seenBy = new int[threads][threads];
        stillBy = new long[threads][threads];
    }

    /** Sets the tile count and the multiply-adds per tile of the current product. */
    final void tiles(int count, long fmasPerTile) {
        if (tileCount != count) tileCount = count;
        int c = (int) Math.max(1, CHUNK_FMAS / Math.max(1, fmasPerTile));
        if (chunkByWork != c) chunkByWork = c;
    }

    /**
     * Thread t computes exactly share t, claiming nothing: no atomic claims, and (with the fields
     * written only when they change) nothing for the workers to fetch from the caller's cache but the
     * signal. For a job of about a microsecond, where every cache line the cores pass each other
     * counts; a worker that has not joined when the caller is done with its own share is not waited
     * for: {@link Pool#run} runs its share on the caller.
     */
    final void fixedShares() {
        claims = false;
    }

    /** Cuts the tiles into {@code threads} shares; called by the caller before the workers start. */
    final void share(int threads) {
        if (shares != threads) shares = threads;
        for (int u = 0; u <= threads; u++) {
            int start = u == threads ? tileCount : shareStart(u, threads);
            if (starts[u] != start) starts[u] = start;        // unchanged, the workers' copy of the line stays valid
        }
        // At most a tenth of an average share per claim: W1's forward product (200 tiles) keeps its
        // chunks of 10 tiles, W2's ΔW products (2,000–3,000 tiles) claim 5 at a time instead of 1.
        int c = Math.max(1, Math.min(chunkByWork, tileCount / (threads * CHUNKS_PER_SHARE)));
        if (chunk != c) chunk = c;
        if (claims) for (int u = 0; u < threads; u++) ranges.set(u * PAD, (long) starts[u] << 32 | starts[u + 1]);
    }

    /**
     * The first tile of share u of {@code shares} (0 for u = 0); shares must not decrease. By
     * default an even cut: right for jobs whose tiles are row blocks of the units themselves.
     */
    int shareStart(int u, int shares) {
        return unitBlock(tileCount, u, shares);
    }

    /**
     * Whether a thread done with its share helps the others at once (true) or only an owner that has
     * stalled for a patience (false, the default). Waiting protects owned rows: in a job that cuts the
     * units so that each thread keeps its rows of W and ΔW in its core's cache (W1), a tile taken from
     * the end of a share that its owner was about to reach puts those rows in the wrong cache (see
     * {@link #help}). A job whose threads own no rows (W2's products, whose rows stream from L3 anyway)
     * loses nothing by it, and gains when the host runs one vCPU slower than the other, which this
     * machine kind's hosts do now and then (docs/PERFORMANCE.md, "Helping at once").
     */
    boolean stealsAtOnce() {
        return false;
    }

    /** The share tile i belongs to. */
    final int shareOf(int i) {
        int u = 0;
        while (i >= starts[u + 1]) u++;
        return u;
    }

    /** The number of shares the current product is cut into, as set by {@link #share}. */
    final int shares() {
        return shares;
    }

    /** The first tile of share u, as set by {@link #share}. */
    final int start(int u) {
        return starts[u];
    }

    @Override
    public final void work(int t) {
        if (!claims || shares == 1) {                    // alone: nothing to share out, so no claims to pay for
            for (int tile = starts[t], end = starts[t + 1]; tile < end; tile++) tile(t, tile);
            return;
        }
        long began = System.nanoTime();
        int chunks = 0;
        for (long c; (c = claim(t, true)) >= 0; chunks++) {                     // own share first
            for (int tile = (int) (c >>> 32), end = (int) c; tile < end; tile++) tile(t, tile);
        }
        long perChunk = chunks == 0 ? 0 : (System.nanoTime() - began) / chunks;
        help(t, stealsAtOnce() ? 0 : Math.min(MAX_PATIENCE_NANOS, Math.max(MIN_PATIENCE_NANOS, 2 * perChunk)));
    }

    /**
     * Claims a chunk of share u, at its front (the owner) or its back (a helper): its tiles as
     * first << 32 | end, or −1 if none is left. Owner and helper meet somewhere in the share, so each
     * packs the panels of its own end and only the one they meet in is packed twice.
     */
    private long claim(int u, boolean front) {
        for (;;) {
            long range = ranges.get(u * PAD);
            int first = (int) (range >>> 32), end = (int) range;
            if (first >= end) return -1;
            int cut = front ? Math.min(first + chunk, end) : Math.max(first, end - chunk);
            long rest = front ? (long) cut << 32 | end : (long) first << 32 | cut;
            if (ranges.compareAndSet(u * PAD, range, rest)) return front ? (long) first << 32 | cut : (long) cut << 32 | end;
        }
    }

    /**
     * Takes chunks from the back of another thread's share while its owner stalls: when its front has
     * not moved for {@code patience} (twice as long as this thread takes for a chunk, 2–100 µs). An
     * owner that is on its way keeps its tiles — except in a job that {@link #stealsAtOnce} (patience
     * 0), where helper and owner meet wherever they meet. Taking them whenever this thread was done first (until
     * 2026-11-30) cost more than it saved on W1: a worker starts a microsecond or so after the caller,
     * so the caller took the last chunks of the worker's share in most products, and the rows of ΔW
     * they wrote then sat in the wrong core's cache for the update that reads them and for the next
     * step's products. `nn bench --workload W1 --threads 2`, ten alternating JVMs each (Intel Xeon of
     * docs/PERFORMANCE.md, 20:00–20:08 UTC): median 255,700 samples/s before, 267,700 after; W2, six
     * each: 21,180 and 21,300. A thread the OS has descheduled, or one not yet started, still costs the
     * others no more than a patience and a chunk.
     */
    private void help(int t, long patience) {
        int[] seen = seenBy[t];
        long[] still = stillBy[t];                       // since when share u's front has stood at seen[u]
        long time = System.nanoTime();
        for (int u = 0; u < shares; u++) {
            seen[u] = (int) (ranges.get(u * PAD) >>> 32);
            still[u] = time;
        }
        for (boolean open = true; open; ) {
            open = false;
            boolean took = false;
            for (int i = 1; i < shares; i++) {
                int u = (t + i) % shares;
                long range = ranges.get(u * PAD);
                int now = (int) (range >>> 32);
                if (now >= (int) range) continue;
                open = true;
                time = System.nanoTime();
                if (now != seen[u]) {                    // its owner claimed: on its way
                    seen[u] = now;
                    still[u] = time;
                } else if (time - still[u] >= patience) {
                    long c = claim(u, false);            // a helper's claim leaves the front alone: if it has not
                    if (c < 0) continue;                 // moved after this chunk, the owner still stalls
                    for (int tile = (int) (c >>> 32), end = (int) c; tile < end; tile++) tile(t, tile);
                    took = true;
                }
            }
            if (open && !took) {
                // Look again a quarter of a patience later, not at once: each look fetches the owner's range
                // line, which its next claim must then take back.
                long until = System.nanoTime() + patience / 4;
                while (System.nanoTime() < until) Thread.onSpinWait();
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
