package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.backprop4j.math.SumOrder;

/**
 * One sample's product c = B·x (m = 1 in the forward product: a prediction), in tiles of 8 rows of
 * B, split over awake workers by {@link VectorKernels}. The dot engine's 4 × 4 tile would repeat
 * the single row four times; here eight rows of B share each load of x.
 */
final class MatrixVector extends Tiles {
    private int n, k, start, stride;
    private boolean interleaved;
    private float[] b, x, c;

    MatrixVector(int threads) {
        super(threads);
        fixedShares();                          // about 1 µs per share: claims would cost more than a late worker
    }

    /** c = B·x, row j of B at b[start + j·stride …] (see {@link #rows}), or in interleaved blocks (see {@link #blocks}). */
    void set(int n, int k, float[] b, int start, int stride, boolean interleaved, float[] x, float[] c) {
        // Written only when they change (a predictor calls with the same arrays every time), so that
        // the worker's copy of these fields stays valid and it starts without fetching them.
        if (this.n != n) this.n = n;
        if (this.k != k) this.k = k;
        if (this.b != b) this.b = b;
        if (this.start != start) this.start = start;
        if (this.stride != stride) this.stride = stride;
        if (this.interleaved != interleaved) this.interleaved = interleaved;
        if (this.x != x) this.x = x;
        if (this.c != c) this.c = c;
        tiles((n + 7) / 8, 8L * k);
    }

    /**
     * The caller's share, in tiles, learned per tile count (index: tileCount, up to {@link #LEARNED}; 0:
     * not yet seen), and the running balance of who finished last (see {@link #observe}).
     */
    private final int[] callerTiles = new int[LEARNED + 1], lean = new int[LEARNED + 1];
    /** Tile counts (rows / 8) whose split is learned: layers of up to 4,096 units. */
    static final int LEARNED = 512;
    /** Net observations one way before the caller's share moves by a tile. */
    static final int PATIENCE = 16;

    /**
     * The caller gets {@link #callerShare} tiles, the workers split the rest evenly. The caller starts
     * at once, while a worker learns of the job and the caller of the worker's result each a cache
     * line's crossing later, so the caller's share starts half as large again as a worker's: with two
     * threads 8 of W1's 13 tiles (64 of 100 rows), the best split on the Intel model 167 of
     * docs/PERFORMANCE.md (1.84–2.0 µs against 2.1–2.5 with an even cut). On model 207 the even cut was
     * the faster one (the product 2.72–3.13 µs against 2.75–4.03): how long a crossing takes against a
     * row's streaming differs by processor, so the split then moves with what each call shows.
     */
    @Override
    int shareStart(int u, int shares) {
        if (u == 0) return 0;
        int caller = callerShare(tileCount, shares);
        return caller + (int) ((long) (tileCount - caller) * (u - 1) / (shares - 1));
    }

    /** Tiles the caller computes of {@code tiles} cut into {@code shares} shares (at least 2). */
    int callerShare(int tiles, int shares) {
        int learned = tiles <= LEARNED ? callerTiles[tiles] : 0;
        if (learned > 0) return Math.min(learned, tiles - (shares - 1));
        int weights = 3 + 2 * (shares - 1);              // the caller 3, each worker 2
        return (int) (((long) tiles * 3 + weights / 2) / weights);
    }

    /**
     * What {@link Pool#run} saw when the caller was done with its share: if it had to wait for a worker,
     * the caller should take more; if every worker was done before it, less. After {@link #PATIENCE} net
     * calls one way the caller's share moves by one tile: at the balance, where either may finish last,
     * the split stays. A worker that never joined (the OS ran it late) says nothing about the split.
     * Which thread computes a row never changes its bits.
     */
    void observe(int outcome) {
        int tiles = tileCount, shares = shares();
        if (shares < 2 || tiles > LEARNED || outcome == Pool.WORKER_ABSENT) return;
        int caller = callerShare(tiles, shares);
        if (callerTiles[tiles] != caller) callerTiles[tiles] = caller;
        int l = lean[tiles] + (outcome == Pool.CALLER_WAITED ? 1 : -1);
        if (l >= PATIENCE || l <= -PATIENCE) {
            callerTiles[tiles] = Math.max(1, Math.min(tiles - (shares - 1), caller + Integer.signum(l)));
            l = 0;
        }
        lean[tiles] = l;
    }

    @Override
    void tile(int t, int i) {
        if (interleaved) blocks(i * 8, Math.min(i * 8 + 8, n), k, b, start, stride, x, c, tiles[t]);
        else rows(i * 8, Math.min(i * 8 + 8, n), k, b, start, stride, x, c, tiles[t]);
    }

    /** Keeps the arrays: they are a predictor's own buffers and weights, posted again on the next call. */
    @Override
    void release() {
    }

    /**
     * c[j] = b_j · x for the rows j0 … j1−1 of B[·×k], row j at b[start + j·stride …] (B itself: start 0,
     * stride k; or an aligned copy, {@link AlignedRows}), in {@link SumOrder}'s one-sample order: 16
     * chains along p (one per p mod 16), added in order (see {@link #laneSum}), then the k mod 16
     * leftover terms in order. With 8 lanes the chains take two vectors ({@link #rowsNarrow}), with 4
     * lanes four ({@link #rowsQuarter}); both need 64 floats of {@code scratch}.
     */
    static void rows(int j0, int j1, int k, float[] b, int start, int stride, float[] x, float[] c, float[] scratch) {
        if (VL == 8) {
            rowsNarrow(j0, j1, k, b, start, stride, x, c, scratch);
            return;
        }
        if (VL == 4) {
            rowsQuarter(j0, j1, k, b, start, stride, x, c, scratch);
            return;
        }
        int bound = SumOrder.chained(k);
        int j = j0, n = j1;
        // Eight rows at a time: eight independent FMA chains hide the FMA latency, and each load of
        // x serves eight rows. The weights stream from L2, which sets the pace (784×100 floats: 2.3 µs
        // from 64-byte boundaries, 3.6 µs from others on the Intel of docs/PERFORMANCE.md).
        for (; j + 8 <= n; j += 8) {
            int r0 = start + j * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
            int r4 = r3 + stride, r5 = r4 + stride, r6 = r5 + stride, r7 = r6 + stride;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int p = 0; p < bound; p += VL) {
                FloatVector xv = FloatVector.fromArray(S, x, p);
                s0 = FloatVector.fromArray(S, b, r0 + p).fma(xv, s0);
                s1 = FloatVector.fromArray(S, b, r1 + p).fma(xv, s1);
                s2 = FloatVector.fromArray(S, b, r2 + p).fma(xv, s2);
                s3 = FloatVector.fromArray(S, b, r3 + p).fma(xv, s3);
                s4 = FloatVector.fromArray(S, b, r4 + p).fma(xv, s4);
                s5 = FloatVector.fromArray(S, b, r5 + p).fma(xv, s5);
                s6 = FloatVector.fromArray(S, b, r6 + p).fma(xv, s6);
                s7 = FloatVector.fromArray(S, b, r7 + p).fma(xv, s7);
            }
            c[j] = tail(laneSum(s0, scratch, 0), b, r0, x, bound, k);
            c[j + 1] = tail(laneSum(s1, scratch, VL), b, r1, x, bound, k);
            c[j + 2] = tail(laneSum(s2, scratch, 2 * VL), b, r2, x, bound, k);
            c[j + 3] = tail(laneSum(s3, scratch, 3 * VL), b, r3, x, bound, k);
            c[j + 4] = tail(laneSum(s4, scratch, 4 * VL), b, r4, x, bound, k);
            c[j + 5] = tail(laneSum(s5, scratch, 5 * VL), b, r5, x, bound, k);
            c[j + 6] = tail(laneSum(s6, scratch, 6 * VL), b, r6, x, bound, k);
            c[j + 7] = tail(laneSum(s7, scratch, 7 * VL), b, r7, x, bound, k);
        }
        // The last rows (W1's 100 = 12 × 8 + 4) four at a time: one row alone is a single chain of
        // dependent FMAs, latency-bound (rows 96–99 took 0.148 µs of a 2.59 µs product, 1.5 times their
        // share; AMD Zen 5, 2026-12-02). Each row's chain is the same as above: the same bits.
        for (; j + 4 <= n; j += 4) {
            int r0 = start + j * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < bound; p += VL) {
                FloatVector xv = FloatVector.fromArray(S, x, p);
                s0 = FloatVector.fromArray(S, b, r0 + p).fma(xv, s0);
                s1 = FloatVector.fromArray(S, b, r1 + p).fma(xv, s1);
                s2 = FloatVector.fromArray(S, b, r2 + p).fma(xv, s2);
                s3 = FloatVector.fromArray(S, b, r3 + p).fma(xv, s3);
            }
            c[j] = tail(laneSum(s0, scratch, 0), b, r0, x, bound, k);
            c[j + 1] = tail(laneSum(s1, scratch, VL), b, r1, x, bound, k);
            c[j + 2] = tail(laneSum(s2, scratch, 2 * VL), b, r2, x, bound, k);
            c[j + 3] = tail(laneSum(s3, scratch, 3 * VL), b, r3, x, bound, k);
        }
        for (; j < n; j++) {
            int r = start + j * stride;
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0; p < bound; p += VL) {
                s0 = FloatVector.fromArray(S, b, r + p).fma(FloatVector.fromArray(S, x, p), s0);
            }
            c[j] = tail(laneSum(s0, scratch, 0), b, r, x, bound, k);
        }
    }

    /**
     * {@link #rows} with 8 lanes (AVX2): row j's 16 chains in two vectors, lo for p mod 16 below 8
     * and hi for the rest, four rows at a time (eight accumulators and two vectors of x fill 10 of
     * the 16 registers); the chains are then added in order through {@code scratch}.
     */
    private static void rowsNarrow(int j0, int j1, int k, float[] b, int start, int stride, float[] x, float[] c, float[] scratch) {
        int bound = SumOrder.chained(k);
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            int r0 = start + j * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
            FloatVector l0 = FloatVector.zero(S), h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0;
            for (int p = 0; p < bound; p += 16) {
                FloatVector xl = FloatVector.fromArray(S, x, p), xh = FloatVector.fromArray(S, x, p + 8);
                l0 = FloatVector.fromArray(S, b, r0 + p).fma(xl, l0);
                h0 = FloatVector.fromArray(S, b, r0 + p + 8).fma(xh, h0);
                l1 = FloatVector.fromArray(S, b, r1 + p).fma(xl, l1);
                h1 = FloatVector.fromArray(S, b, r1 + p + 8).fma(xh, h1);
                l2 = FloatVector.fromArray(S, b, r2 + p).fma(xl, l2);
                h2 = FloatVector.fromArray(S, b, r2 + p + 8).fma(xh, h2);
                l3 = FloatVector.fromArray(S, b, r3 + p).fma(xl, l3);
                h3 = FloatVector.fromArray(S, b, r3 + p + 8).fma(xh, h3);
            }
            l0.intoArray(scratch, 0);
            h0.intoArray(scratch, 8);
            l1.intoArray(scratch, 16);
            h1.intoArray(scratch, 24);
            l2.intoArray(scratch, 32);
            h2.intoArray(scratch, 40);
            l3.intoArray(scratch, 48);
            h3.intoArray(scratch, 56);
            c[j] = tail(SumOrder.inOrder(scratch, 0), b, r0, x, bound, k);
            c[j + 1] = tail(SumOrder.inOrder(scratch, 16), b, r1, x, bound, k);
            c[j + 2] = tail(SumOrder.inOrder(scratch, 32), b, r2, x, bound, k);
            c[j + 3] = tail(SumOrder.inOrder(scratch, 48), b, r3, x, bound, k);
        }
        for (; j < j1; j++) {
            int r = start + j * stride;
            FloatVector lo = FloatVector.zero(S), hi = lo;
            for (int p = 0; p < bound; p += 16) {
                lo = FloatVector.fromArray(S, b, r + p).fma(FloatVector.fromArray(S, x, p), lo);
                hi = FloatVector.fromArray(S, b, r + p + 8).fma(FloatVector.fromArray(S, x, p + 8), hi);
            }
            lo.intoArray(scratch, 0);
            hi.intoArray(scratch, 8);
            c[j] = tail(SumOrder.inOrder(scratch, 0), b, r, x, bound, k);
        }
    }

    /**
     * {@link #rows} on B laid out in interleaved blocks ({@code OneSampleWeights.interleaved}): the rows j0 … j1−1,
     * j0 a multiple of 8, each block of eight rows (the last: the rest) at b[start + j·stride], its rows 16 floats
     * at a time in turn. The same chains as {@link #rows}, so the same bits; the loads run through one stream.
     * Its own loops, not {@link #rows} with the gaps between rows and between chunks as parameters: that one
     * loop for both layouts (loads at {@code at + g·rowGap}) measured 12–30 % slower in both (`OneSample`,
     * two pairs of JVMs, AMD Zen 5, 2026-12-02): the offsets here and {@code r + p} there are what C2 compiles
     * into plain addressing.
     */
    static void blocks(int j0, int j1, int k, float[] b, int start, int stride, float[] x, float[] c, float[] scratch) {
        for (int j = j0; j < j1; j += 8) {
            int rows = Math.min(8, j1 - j), base = start + j * stride;
            if (VL == SumOrder.LANES) block(rows, j, k, b, base, x, c, scratch);
            else if (VL == 8) blockNarrow(rows, j, k, b, base, x, c, scratch);
            else blockQuarter(rows, j, k, b, base, x, c, scratch);
        }
    }

    /** One interleaved block of {@code rows} rows at {@code base}, 16 lanes: eight rows at once, or four and then one at a time. */
    private static void block(int rows, int j, int k, float[] b, int base, float[] x, float[] c, float[] scratch) {
        int bound = SumOrder.chained(k), step = rows * VL, tails = base + bound / VL * step;
        if (rows == 8 && LOADS_REVERSED) {
            blockOfEightReversed(j, k, b, base, x, c, scratch);
            return;
        }
        if (rows == 8) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int p = 0, at = base; p < bound; p += VL, at += 8 * VL) {
                FloatVector xv = FloatVector.fromArray(S, x, p);
                s0 = FloatVector.fromArray(S, b, at).fma(xv, s0);
                s1 = FloatVector.fromArray(S, b, at + VL).fma(xv, s1);
                s2 = FloatVector.fromArray(S, b, at + 2 * VL).fma(xv, s2);
                s3 = FloatVector.fromArray(S, b, at + 3 * VL).fma(xv, s3);
                s4 = FloatVector.fromArray(S, b, at + 4 * VL).fma(xv, s4);
                s5 = FloatVector.fromArray(S, b, at + 5 * VL).fma(xv, s5);
                s6 = FloatVector.fromArray(S, b, at + 6 * VL).fma(xv, s6);
                s7 = FloatVector.fromArray(S, b, at + 7 * VL).fma(xv, s7);
            }
            c[j] = tail(laneSum(s0, scratch, 0), b, tails - bound, x, bound, k);
            c[j + 1] = tail(laneSum(s1, scratch, VL), b, tails + VL - bound, x, bound, k);
            c[j + 2] = tail(laneSum(s2, scratch, 2 * VL), b, tails + 2 * VL - bound, x, bound, k);
            c[j + 3] = tail(laneSum(s3, scratch, 3 * VL), b, tails + 3 * VL - bound, x, bound, k);
            c[j + 4] = tail(laneSum(s4, scratch, 4 * VL), b, tails + 4 * VL - bound, x, bound, k);
            c[j + 5] = tail(laneSum(s5, scratch, 5 * VL), b, tails + 5 * VL - bound, x, bound, k);
            c[j + 6] = tail(laneSum(s6, scratch, 6 * VL), b, tails + 6 * VL - bound, x, bound, k);
            c[j + 7] = tail(laneSum(s7, scratch, 7 * VL), b, tails + 7 * VL - bound, x, bound, k);
            return;
        }
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0, at = base + i * VL; p < bound; p += VL, at += step) {
                FloatVector xv = FloatVector.fromArray(S, x, p);
                s0 = FloatVector.fromArray(S, b, at).fma(xv, s0);
                s1 = FloatVector.fromArray(S, b, at + VL).fma(xv, s1);
                s2 = FloatVector.fromArray(S, b, at + 2 * VL).fma(xv, s2);
                s3 = FloatVector.fromArray(S, b, at + 3 * VL).fma(xv, s3);
            }
            c[j + i] = tail(laneSum(s0, scratch, 0), b, tails + i * VL - bound, x, bound, k);
            c[j + i + 1] = tail(laneSum(s1, scratch, VL), b, tails + (i + 1) * VL - bound, x, bound, k);
            c[j + i + 2] = tail(laneSum(s2, scratch, 2 * VL), b, tails + (i + 2) * VL - bound, x, bound, k);
            c[j + i + 3] = tail(laneSum(s3, scratch, 3 * VL), b, tails + (i + 3) * VL - bound, x, bound, k);
        }
        for (; i < rows; i++) {
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0, at = base + i * VL; p < bound; p += VL, at += step) {
                s0 = FloatVector.fromArray(S, b, at).fma(FloatVector.fromArray(S, x, p), s0);
            }
            c[j + i] = tail(laneSum(s0, scratch, 0), b, tails + i * VL - bound, x, bound, k);
        }
    }

    /**
     * Whether a block of eight rows is written with its loads in reverse order ({@link #blockOfEightReversed}). The eight
     * loads of an iteration read eight consecutive cache lines; the order C2 issues them in is its own, and it matters
     * to the processor's prefetcher: on AMD Zen 5, the same loop in C took 1.75 µs for W1's 96 × 784 weights with its
     * loads in ascending order and 2.58 µs with the first line and then the other seven descending — the order JDK 25's C2
     * issues the loop below in, as written (`bench/ceilings` and `XAlignProbe`, session 27). Written the other way round,
     * JDK 25 issues them ascending (1.86 against 2.59 µs for the loop alone) and JDK 17 no longer does (2.45 against 2.12).
     * So: as written on JDK 17, reversed elsewhere (JDK 21 not measured); {@code -Dbackprop4j.oneSampleLoads=forward|reversed}
     * forces either. Same chains, same bits.
     */
    static final boolean LOADS_REVERSED = loadsReversed(System.getProperty("backprop4j.oneSampleLoads"));

    private static boolean loadsReversed(String forced) {
        if (forced == null || forced.isBlank()) return Runtime.version().feature() != 17;
        return switch (forced.trim()) {
            case "forward" -> false;
            case "reversed" -> true;
            default -> throw new IllegalArgumentException("backprop4j.oneSampleLoads must be forward or reversed, got '" + forced.trim() + "'");
        };
    }

    /** {@link #block}'s eight rows with the loads written last row first (see {@link #LOADS_REVERSED}): the same chains. */
    private static void blockOfEightReversed(int j, int k, float[] b, int base, float[] x, float[] c, float[] scratch) {
        int bound = SumOrder.chained(k), tails = base + bound / VL * 8 * VL;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int p = 0, at = base; p < bound; p += VL, at += 8 * VL) {
            FloatVector xv = FloatVector.fromArray(S, x, p);
            s7 = FloatVector.fromArray(S, b, at + 7 * VL).fma(xv, s7);
            s6 = FloatVector.fromArray(S, b, at + 6 * VL).fma(xv, s6);
            s5 = FloatVector.fromArray(S, b, at + 5 * VL).fma(xv, s5);
            s4 = FloatVector.fromArray(S, b, at + 4 * VL).fma(xv, s4);
            s3 = FloatVector.fromArray(S, b, at + 3 * VL).fma(xv, s3);
            s2 = FloatVector.fromArray(S, b, at + 2 * VL).fma(xv, s2);
            s1 = FloatVector.fromArray(S, b, at + VL).fma(xv, s1);
            s0 = FloatVector.fromArray(S, b, at).fma(xv, s0);
        }
        c[j] = tail(laneSum(s0, scratch, 0), b, tails - bound, x, bound, k);
        c[j + 1] = tail(laneSum(s1, scratch, VL), b, tails + VL - bound, x, bound, k);
        c[j + 2] = tail(laneSum(s2, scratch, 2 * VL), b, tails + 2 * VL - bound, x, bound, k);
        c[j + 3] = tail(laneSum(s3, scratch, 3 * VL), b, tails + 3 * VL - bound, x, bound, k);
        c[j + 4] = tail(laneSum(s4, scratch, 4 * VL), b, tails + 4 * VL - bound, x, bound, k);
        c[j + 5] = tail(laneSum(s5, scratch, 5 * VL), b, tails + 5 * VL - bound, x, bound, k);
        c[j + 6] = tail(laneSum(s6, scratch, 6 * VL), b, tails + 6 * VL - bound, x, bound, k);
        c[j + 7] = tail(laneSum(s7, scratch, 7 * VL), b, tails + 7 * VL - bound, x, bound, k);
    }

    /** {@link #block} with 8 lanes: a row's 16 floats are two vectors (lo, hi), four rows at a time, then one. */
    private static void blockNarrow(int rows, int j, int k, float[] b, int base, float[] x, float[] c, float[] scratch) {
        int bound = SumOrder.chained(k), step = rows * 16, tails = base + bound / 16 * step;
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            FloatVector l0 = FloatVector.zero(S), h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0;
            for (int p = 0, at = base + i * 16; p < bound; p += 16, at += step) {
                FloatVector xl = FloatVector.fromArray(S, x, p), xh = FloatVector.fromArray(S, x, p + 8);
                l0 = FloatVector.fromArray(S, b, at).fma(xl, l0);
                h0 = FloatVector.fromArray(S, b, at + 8).fma(xh, h0);
                l1 = FloatVector.fromArray(S, b, at + 16).fma(xl, l1);
                h1 = FloatVector.fromArray(S, b, at + 24).fma(xh, h1);
                l2 = FloatVector.fromArray(S, b, at + 32).fma(xl, l2);
                h2 = FloatVector.fromArray(S, b, at + 40).fma(xh, h2);
                l3 = FloatVector.fromArray(S, b, at + 48).fma(xl, l3);
                h3 = FloatVector.fromArray(S, b, at + 56).fma(xh, h3);
            }
            l0.intoArray(scratch, 0);
            h0.intoArray(scratch, 8);
            l1.intoArray(scratch, 16);
            h1.intoArray(scratch, 24);
            l2.intoArray(scratch, 32);
            h2.intoArray(scratch, 40);
            l3.intoArray(scratch, 48);
            h3.intoArray(scratch, 56);
            for (int q = 0; q < 4; q++) {
                c[j + i + q] = tail(SumOrder.inOrder(scratch, 16 * q), b, tails + (i + q) * 16 - bound, x, bound, k);
            }
        }
        for (; i < rows; i++) {
            FloatVector lo = FloatVector.zero(S), hi = lo;
            for (int p = 0, at = base + i * 16; p < bound; p += 16, at += step) {
                lo = FloatVector.fromArray(S, b, at).fma(FloatVector.fromArray(S, x, p), lo);
                hi = FloatVector.fromArray(S, b, at + 8).fma(FloatVector.fromArray(S, x, p + 8), hi);
            }
            lo.intoArray(scratch, 0);
            hi.intoArray(scratch, 8);
            c[j + i] = tail(SumOrder.inOrder(scratch, 0), b, tails + i * 16 - bound, x, bound, k);
        }
    }

    /**
     * {@link #rows} with 4 lanes (128-bit vectors: an ARM core's NEON, or SVE 128 bits wide): row j's 16 chains in
     * four vectors, for p mod 16 in 0–3, 4–7, 8–11 and 12–15, four rows at a time ({@link #quarterRows}).
     */
    private static void rowsQuarter(int j0, int j1, int k, float[] b, int start, int stride, float[] x, float[] c, float[] scratch) {
        int bound = SumOrder.chained(k);
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            int r0 = start + j * stride;
            quarterRows(bound, b, r0, stride, 16, x, scratch);
            for (int q = 0; q < 4; q++) c[j + q] = tail(SumOrder.inOrder(scratch, 16 * q), b, r0 + q * stride, x, bound, k);
        }
        for (; j < j1; j++) {
            int r = start + j * stride;
            c[j] = tail(quarterChains(bound, b, r, 16, x, scratch), b, r, x, bound, k);
        }
    }

    /** {@link #block} with 4 lanes: a row's 16 floats are four vectors, four rows at a time, then one at a time. */
    private static void blockQuarter(int rows, int j, int k, float[] b, int base, float[] x, float[] c, float[] scratch) {
        int bound = SumOrder.chained(k), step = rows * 16, tails = base + bound / 16 * step;
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            quarterRows(bound, b, base + i * 16, 16, step, x, scratch);
            for (int q = 0; q < 4; q++) {
                c[j + i + q] = tail(SumOrder.inOrder(scratch, 16 * q), b, tails + (i + q) * 16 - bound, x, bound, k);
            }
        }
        for (; i < rows; i++) {
            c[j + i] = tail(quarterChains(bound, b, base + i * 16, step, x, scratch), b, tails + i * 16 - bound, x, bound, k);
        }
    }

    /**
     * The 16 chains of four rows with 4 lanes, for p below {@code bound}, left in {@code scratch}: row q's at 16·q, in
     * p mod 16 order. Row q's group of 16 floats for p = 16·g starts at {@code at + q·rowGap + g·groupStep} — rows of B
     * (gap: the row stride, groups 16 apart) or an interleaved block (rows 16 apart, groups 16 × its rows). Four rows
     * share each load of x: 16 accumulators and four vectors of x, 20 of aarch64's 32 vector registers. One loop for
     * both layouts: unlike {@link #rows} and {@link #block} with 16 lanes, unmeasured on the processors that run it.
     */
    private static void quarterRows(int bound, float[] b, int at, int rowGap, int groupStep, float[] x, float[] scratch) {
        int r1 = rowGap, r2 = 2 * rowGap, r3 = 3 * rowGap;
        FloatVector a0 = FloatVector.zero(S), b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
        FloatVector a2 = a0, b2 = a0, c2 = a0, d2 = a0, a3 = a0, b3 = a0, c3 = a0, d3 = a0;
        for (int p = 0; p < bound; p += 16, at += groupStep) {
            FloatVector xa = FloatVector.fromArray(S, x, p), xb = FloatVector.fromArray(S, x, p + 4);
            FloatVector xc = FloatVector.fromArray(S, x, p + 8), xd = FloatVector.fromArray(S, x, p + 12);
            a0 = FloatVector.fromArray(S, b, at).fma(xa, a0);
            b0 = FloatVector.fromArray(S, b, at + 4).fma(xb, b0);
            c0 = FloatVector.fromArray(S, b, at + 8).fma(xc, c0);
            d0 = FloatVector.fromArray(S, b, at + 12).fma(xd, d0);
            a1 = FloatVector.fromArray(S, b, at + r1).fma(xa, a1);
            b1 = FloatVector.fromArray(S, b, at + r1 + 4).fma(xb, b1);
            c1 = FloatVector.fromArray(S, b, at + r1 + 8).fma(xc, c1);
            d1 = FloatVector.fromArray(S, b, at + r1 + 12).fma(xd, d1);
            a2 = FloatVector.fromArray(S, b, at + r2).fma(xa, a2);
            b2 = FloatVector.fromArray(S, b, at + r2 + 4).fma(xb, b2);
            c2 = FloatVector.fromArray(S, b, at + r2 + 8).fma(xc, c2);
            d2 = FloatVector.fromArray(S, b, at + r2 + 12).fma(xd, d2);
            a3 = FloatVector.fromArray(S, b, at + r3).fma(xa, a3);
            b3 = FloatVector.fromArray(S, b, at + r3 + 4).fma(xb, b3);
            c3 = FloatVector.fromArray(S, b, at + r3 + 8).fma(xc, c3);
            d3 = FloatVector.fromArray(S, b, at + r3 + 12).fma(xd, d3);
        }
        a0.intoArray(scratch, 0);
        b0.intoArray(scratch, 4);
        c0.intoArray(scratch, 8);
        d0.intoArray(scratch, 12);
        a1.intoArray(scratch, 16);
        b1.intoArray(scratch, 20);
        c1.intoArray(scratch, 24);
        d1.intoArray(scratch, 28);
        a2.intoArray(scratch, 32);
        b2.intoArray(scratch, 36);
        c2.intoArray(scratch, 40);
        d2.intoArray(scratch, 44);
        a3.intoArray(scratch, 48);
        b3.intoArray(scratch, 52);
        c3.intoArray(scratch, 56);
        d3.intoArray(scratch, 60);
    }

    /**
     * One row's 16 chains with 4 lanes, for p below {@code bound}, added in order: its 16-float groups at {@code at},
     * {@code at + step}, … (a row of B: step 16; a row of an interleaved block: 16 × its rows).
     */
    private static float quarterChains(int bound, float[] b, int at, int step, float[] x, float[] scratch) {
        FloatVector a0 = FloatVector.zero(S), b0 = a0, c0 = a0, d0 = a0;
        for (int p = 0; p < bound; p += 16, at += step) {
            a0 = FloatVector.fromArray(S, b, at).fma(FloatVector.fromArray(S, x, p), a0);
            b0 = FloatVector.fromArray(S, b, at + 4).fma(FloatVector.fromArray(S, x, p + 4), b0);
            c0 = FloatVector.fromArray(S, b, at + 8).fma(FloatVector.fromArray(S, x, p + 8), c0);
            d0 = FloatVector.fromArray(S, b, at + 12).fma(FloatVector.fromArray(S, x, p + 12), d0);
        }
        a0.intoArray(scratch, 0);
        b0.intoArray(scratch, 4);
        c0.intoArray(scratch, 8);
        d0.intoArray(scratch, 12);
        return SumOrder.inOrder(scratch, 0);
    }

    /** sum + the k mod 16 leftover terms of row r, one by one. */
    private static float tail(float sum, float[] b, int r, float[] x, int from, int k) {
        for (int p = from; p < k; p++) sum = Math.fma(b[r + p], x[p], sum);
        return sum;
    }

    /**
     * How {@link #laneSum} adds a vector's 16 lanes in order: by {@code reduceLanes(ADD)}, or through scratch as scalar
     * adds. The API lets a compiled reduceLanes add the lanes in any order: JDK 17's C2 adds them in order (checked:
     * the same bits interpreted and compiled, equal to a sequential loop; BiasActivateTest and SameBitsEverywhereTest
     * keep checking), JDK 25's as a tree (upper half onto lower, and so on), which gave one-sample products other bits
     * there (`nn train` on MNIST with --batch-size 1, every forward product one sample: weights ffbd4afe… on JDK 25
     * against 5b64ad08…, 2026-12-03). So reduceLanes on JDK 17 only; scalar adds, whose order every JVM keeps,
     * elsewhere — about 0.6 µs slower a W1 prediction (`SustainedPredictions`, one thread: 3.16–3.29 µs against
     * 2.45–2.79 with reduceLanes on JDK 17; writing the lanes out with {@code lane(i)} instead was boxed, 1.7 KB a
     * prediction). {@code -Dbackprop4j.laneSum=scalar} (or {@code reduceLanes}) forces one, for the tests.
     */
    static final boolean REDUCE_LANES = laneSumByReduce(System.getProperty("backprop4j.laneSum"));

    private static boolean laneSumByReduce(String forced) {
        if (forced == null || forced.isBlank()) return Runtime.version().feature() == 17;
        return switch (forced.trim()) {
            case "reduceLanes" -> true;
            case "scalar" -> false;
            default -> throw new IllegalArgumentException("backprop4j.laneSum must be reduceLanes or scalar, got '" + forced.trim() + "'");
        };
    }

    /**
     * The sum of a vector's lanes, in lane order ({@link SumOrder#inOrder}): see {@link #REDUCE_LANES}. Through
     * {@code scratch} from {@code at}, each row of a group at its own place, so that the rows' sums do not wait for
     * each other's stores. (A hand-written rearrange tree was boxed by C2, 7 KB a call.)
     */
    private static float laneSum(FloatVector v, float[] scratch, int at) {
        if (REDUCE_LANES) return v.reduceLanes(VectorOperators.ADD);
        v.intoArray(scratch, at);
        return SumOrder.inOrder(scratch, at);
    }
}
