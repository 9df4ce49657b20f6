package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import org.backprop4j.math.SumOrder;

/**
 * The dot engine, for NT with a small side: C(i,j) = Σ_p A(i,p)·B(j,p) as dot products of rows,
 * in 4 × 4 tiles numbered i-block fastest. In NT both operands run along p, so C(i,j) is a dot
 * product of two contiguous rows. When one side is small (a batch of 10) or both are moderate
 * (≤ 256), transposing a panel for {@link Panels} costs more than it saves and lanes over a
 * 10-row batch would be 6/16 empty. Here a 4 × 4 tile of dot products is accumulated along p, 16
 * consecutive p at a time: 16 chains per output, one per p mod 16 ({@link SumOrder}'s dot order).
 * With 16 lanes each chain is a lane, and the 16 accumulators are added across lanes together at
 * the end by four rounds of lane swaps (a fixed tree); with 8 lanes (AVX2) the chains take two
 * vectors and the same tree is taken in vectors of 8 ({@link #dot2x2Narrow}), with 4 lanes (NEON) four
 * ({@link #dot2x2Quarter}). The k mod 16
 * leftover terms are then added one by one, in order.
 */
final class Dots extends Tiles {
    /**
     * Passes of the tiles over A (one per j-block of 4 rows of B) from which A is read from packed
     * panels (see {@link #set}). Measured on the Intel Xeon of docs/PERFORMANCE.md ({@code DotTile
     * engine}): W1's forward product 32×100×784 reads A 25 times and gains from a copy; W2's output
     * layer 256×10×1024 reads its 1 MB of A 3 times, and a copy of it (37 µs alone, A and its copy
     * fill the 2 MB of L2) costs more than it saves.
     */
    private static final int COPY_MIN_PASSES = 8;
    /** Where the panels begin in a thread's array: the array's first 64-byte boundary (see {@link AlignedRows}). */
    private static final int COPY_AT = AlignedRows.alignedStart();

    /**
     * The largest A a thread copies: its share of L3 (at least L2). A copy that does not fit L2 still pays
     * when the tiles pass over it often: A streams from L3 either way, and the copy streams aligned, as one
     * stream. W1's batch-256 forward product (256×100×784, A 800 KB, 25 passes) on Zen 3's 512 KB L2, one
     * thread: 24.2 / 31.1 GFLOP/s in place, 29.4 / 38.0 packed (two JVMs, each alternating the two for 15 rounds
     * after 5 of warm-up; 2026-12-02). Until then the bound was L2, which had kept that product in place there.
     */
    private final long copyMaxBytes;
    private int m, n, k, kv;
    private float[] a, b, c;
    private int iBlocks;
    /**
     * Row blocks of A per chunk: the tiles of a thread's share run chunk by chunk, each chunk's blocks
     * against all the share's rows of B (see {@link #tile}), so that a chunk of A (half of L2) is read from L2
     * pass after pass instead of from L3. At least iBlocks where all of A fits: then one chunk, i-block fastest.
     */
    private int iChunk;
    /** The A bytes a chunk may hold: half of L2, the other half for B's panel, C and whatever else the step keeps. */
    private final long chunkBytes;
    /** Tests only: row blocks per chunk whatever the shape and the machine, or 0 (the default) to decide by L2. */
    int chunkOverride;
    /** Whether the current product's tiles read packed panels of A and B ({@link #dot4x4Packed}). */
    private boolean packed;
    private long product;                       // counts products, so that a stale panel is never read

    // Per thread, only thread t touching slot t, grown to the largest product packed and then reused:
    // panelsA[t], A's row blocks as panels, block ib at COPY_AT + ib·4·kv, and packedA[t][ib], the
    // product whose block ib it holds; panelB[t], one row block of B as a panel at COPY_AT, and
    // packedB[t] = {product, j-block} it holds.
    private final float[][] panelsA, panelB;
    private final long[][] packedA, packedB;
    /** Per thread: the 8-lane 4 × 4 tile's 32 accumulators between its passes and its fold ({@link #dot4x4NarrowPacked}). */
    private final float[][] chains;

    /**
     * Tests and benchmarks only: TRUE packs A and B whatever the shape, FALSE never;
     * null (the default) decides by the shape.
     */
    Boolean packOverride;

    Dots(int threads) {
        super(threads);
        panelsA = new float[threads][0];
        panelB = new float[threads][0];
        packedA = new long[threads][0];
        packedB = new long[threads][2];
        chains = new float[threads][32 * 8];
        Machine machine = Machine.current();
        copyMaxBytes = Math.max(machine.l2Bytes(), machine.l3Bytes() / threads);
        chunkBytes = machine.l2Bytes() / 2;
    }

    void set(int m, int n, int k, float[] a, float[] b, float[] c) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.kv = SumOrder.chained(k);
        this.a = a;
        this.b = b;
        this.c = c;
        iBlocks = (m + 3) / 4;
        int jBlocks = (n + 3) / 4;
        // i-block fastest: four rows of B stay in L1 while A passes them, from L2 — all of A, or where A is
        // larger than half of L2, a chunk of its row blocks at a time (see tile).
        iChunk = chunkOverride > 0 ? chunkOverride : (int) Math.max(1, Math.min(iBlocks, chunkBytes / (16L * k)));
        tiles(iBlocks * jBlocks, 16L * k);
        // When A fits the thread's share of L3 and the tiles pass over it often enough to repay a copy, each thread packs
        // the row blocks of A and B it uses into panels of its own, at its first tile of each: four
        // rows interleaved VL floats at a time (see pack), from a 64-byte boundary where the
        // JVM gives one. Then every load of a tile is at a fixed distance from one index: the loop
        // holds two indices instead of eight row offsets, which C2 kept on the stack (a load more for
        // each vector load), and A passes from L2 as one stream, not four. Its own panels: shared
        // ones ran slower on two threads (their lines passed between the cores every product). Only
        // the addresses change, never a load's value or the order of the FMAs: never the bits.
        packed = kv > 0 && VL >= 8 && (packOverride != null ? packOverride
                : jBlocks >= COPY_MIN_PASSES && (long) Float.BYTES * m * k <= copyMaxBytes);
        product++;
    }

    /** Tests only: whether the last product read packed panels. */
    boolean packedPanels() {
        return packed;
    }

    @Override
    void release() {
        a = b = c = null;
    }

    @Override
    int shareStart(int u, int shares) {         // whole j blocks: the units are j, the rows of B = W
        return unitBlock((n + 3) / 4, u, shares) * iBlocks;
    }

    /**
     * Tile i of the product: with A in one chunk, row block i mod iBlocks of A against row block i / iBlocks of B.
     * With more, a share's tiles (whole row blocks of B, {@link #shareStart}) run chunk after chunk, and in a chunk
     * row block of B after row block, each against the chunk's blocks of A. A batch of 256 through W1's layer
     * (256 × 100 × 784: A 800 KB, more than Zen 3's 512 KB of L2) otherwise read all of A from L3 for each of the
     * 25 row blocks of B. Which tile runs when never changes what it computes: the same bits.
     */
    @Override
    void tile(int t, int i) {
        int ib, jb;
        if (iChunk >= iBlocks) {
            ib = i % iBlocks;
            jb = i / iBlocks;
        } else {
            int u = shareOf(i), first = start(u), jCount = (start(u + 1) - first) / iBlocks;
            int l = i - first, chunk = l / (jCount * iChunk), r = l - chunk * jCount * iChunk;
            int size = Math.min(iChunk, iBlocks - chunk * iChunk);
            ib = chunk * iChunk + r % size;
            jb = first / iBlocks + r / size;
        }
        int i0 = ib * 4, j0 = jb * 4;
        int iv = Math.min(4, m - i0), jv = Math.min(4, n - j0);
        float[] sums = tiles[t];
        // A short block repeats its last row, as in the main engine.
        int a0 = i0 * k, a1 = (i0 + Math.min(1, iv - 1)) * k, a2 = (i0 + Math.min(2, iv - 1)) * k, a3 = (i0 + Math.min(3, iv - 1)) * k;
        int b0 = j0 * k, b1 = (j0 + Math.min(1, jv - 1)) * k, b2 = (j0 + Math.min(2, jv - 1)) * k, b3 = (j0 + Math.min(3, jv - 1)) * k;
        if (packed && VL == SumOrder.LANES) {
            dot4x4Packed(kv, panelOfA(t, i0 / 4, a0, a1, a2, a3), COPY_AT + i0 * kv, panelOfB(t, j0 / 4, b0, b1, b2, b3), COPY_AT, sums);
        } else if (packed) {                    // 8 lanes, packed: rows r of a block at +8·r (see pack)
            dot4x4NarrowPacked(kv, panelOfA(t, i0 / 4, a0, a1, a2, a3), COPY_AT + i0 * kv, panelOfB(t, j0 / 4, b0, b1, b2, b3), COPY_AT, chains[t], sums);
        } else if (VL == SumOrder.LANES) {
            dot4x4(kv, a, a0, a1, a2, a3, b, b0, b1, b2, b3, sums);
        } else if (VL == 8) {                   // 8 lanes: four 2 × 2 blocks, sums at 4·ii + jj
            dot2x2Narrow(kv, a, a0, a1, b, b0, b1, chains[t], 0, 0, sums);
            dot2x2Narrow(kv, a, a0, a1, b, b2, b3, chains[t], 0, 2, sums);
            dot2x2Narrow(kv, a, a2, a3, b, b0, b1, chains[t], 2, 0, sums);
            dot2x2Narrow(kv, a, a2, a3, b, b2, b3, chains[t], 2, 2, sums);
        } else {                                // 4 lanes: the same four blocks
            dot2x2Quarter(kv, a, a0, a1, b, b0, b1, chains[t], 0, 0, sums);
            dot2x2Quarter(kv, a, a0, a1, b, b2, b3, chains[t], 0, 2, sums);
            dot2x2Quarter(kv, a, a2, a3, b, b0, b1, chains[t], 2, 0, sums);
            dot2x2Quarter(kv, a, a2, a3, b, b2, b3, chains[t], 2, 2, sums);
        }
        for (int ii = 0; ii < iv; ii++) {
            for (int jj = 0; jj < jv; jj++) {
                float s = sums[VL == SumOrder.LANES ? POS[ii * 4 + jj] : ii * 4 + jj];
                int ap = (i0 + ii) * k, bp = (j0 + jj) * k;
                for (int p = kv; p < k; p++) s = Math.fma(a[ap + p], b[bp + p], s);  // the k mod 16 leftover
                c[(i0 + ii) * n + j0 + jj] = s;
            }
        }
    }

    /** Thread t's panels of A, holding row block ib (its rows from a0 … a3 in A) once this returns. */
    private float[] panelOfA(int t, int ib, int a0, int a1, int a2, int a3) {
        float[] panels = panelsA[t];
        if (panels.length < COPY_AT + iBlocks * 4 * kv) panelsA[t] = panels = AlignedRows.scratch(iBlocks * 4 * kv);
        long[] packedFor = packedA[t];
        if (packedFor.length < iBlocks) packedA[t] = packedFor = new long[iBlocks];
        if (packedFor[ib] != product) {
            pack(a, a0, a1, a2, a3, kv, panels, COPY_AT + ib * 4 * kv);
            packedFor[ib] = product;
        }
        return panels;
    }

    /** Thread t's panel of B, holding row block jb (its rows from b0 … b3 in B) once this returns. */
    private float[] panelOfB(int t, int jb, int b0, int b1, int b2, int b3) {
        float[] panel = panelB[t];
        if (panel.length < COPY_AT + 4 * kv) panelB[t] = panel = AlignedRows.scratch(4 * kv);
        long[] packedFor = packedB[t];
        if (packedFor[0] != product || packedFor[1] != jb) {
            pack(b, b0, b1, b2, b3, kv, panel, COPY_AT);
            packedFor[0] = product;
            packedFor[1] = jb;
        }
        return panel;
    }

    /**
     * Rows r0 … r3 of x, their first kv floats, interleaved VL at a time: float p of row r at
     * at + 4·VL·(p / VL) + VL·r + p % VL (16 lanes: 64·(p / 16) + 16·r + p % 16; 8 lanes: 32·(p / 8) + 8·r + p % 8).
     */
    private static void pack(float[] x, int r0, int r1, int r2, int r3, int kv, float[] panel, int at) {
        for (int p = 0, q = at; p < kv; p += VL, q += 4 * VL) {
            FloatVector.fromArray(S, x, r0 + p).intoArray(panel, q);
            FloatVector.fromArray(S, x, r1 + p).intoArray(panel, q + VL);
            FloatVector.fromArray(S, x, r2 + p).intoArray(panel, q + 2 * VL);
            FloatVector.fromArray(S, x, r3 + p).intoArray(panel, q + 3 * VL);
        }
    }

    /**
     * The dot engine with 8 lanes (AVX2): 2 rows of A × 2 rows of B, each output's 16 chains in two
     * vectors — lo for p mod 16 below 8, hi for the rest — so eight accumulators, rows read in place:
     * outputs (i, j) … (i + 1, j + 1) of a 4 × 4 tile. The chains go to {@code chains} in the tile's layout
     * and {@link #fold2x2} adds them in {@link SumOrder#tree}'s order into {@code out[4·ii + jj]}.
     */
    static void dot2x2Narrow(int kv, float[] a, int a0, int a1, float[] b, int b0, int b1, float[] chains, int i, int j, float[] out) {
        FloatVector l00 = FloatVector.zero(S), h00 = l00, l01 = l00, h01 = l00, l10 = l00, h10 = l00, l11 = l00, h11 = l00;
        for (int p = 0; p < kv; p += 16) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p), x0h = FloatVector.fromArray(S, a, a0 + p + 8);
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p), y0h = FloatVector.fromArray(S, b, b0 + p + 8);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p), y1h = FloatVector.fromArray(S, b, b1 + p + 8);
            l00 = x0.fma(y0, l00);
            h00 = x0h.fma(y0h, h00);
            l01 = x0.fma(y1, l01);
            h01 = x0h.fma(y1h, h01);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p), x1h = FloatVector.fromArray(S, a, a1 + p + 8);
            l10 = x1.fma(y0, l10);
            h10 = x1h.fma(y0h, h10);
            l11 = x1.fma(y1, l11);
            h11 = x1h.fma(y1h, h11);
        }
        int o = 16 * (4 * i + j);                // the 4 × 4 tile's chain layout, for fold2x2
        l00.intoArray(chains, o);
        h00.intoArray(chains, o + 8);
        l01.intoArray(chains, o + 16);
        h01.intoArray(chains, o + 24);
        l10.intoArray(chains, o + 64);
        h10.intoArray(chains, o + 72);
        l11.intoArray(chains, o + 80);
        h11.intoArray(chains, o + 88);
        fold2x2(chains, i, j, out);
    }

    /**
     * The dot engine with 4 lanes (128-bit vectors: NEON): 2 rows of A × 2 rows of B, rows read in place, each
     * output's 16 chains in four vectors (p mod 16 in 0–3, 4–7, 8–11, 12–15): 16 accumulators. Then {@link
     * SumOrder#tree}'s rounds: the first two in vectors (chain l + chain l + 8 is lane l of v0 + v2 or of v1 + v3;
     * then those two vectors added), the last two on the four lanes left, into {@code out[4·i + j …]} as
     * {@link #dot2x2Narrow} leaves them. Not packed: with 16 or 8 lanes packing repaid itself by dropping row
     * offsets from registers; with 4 lanes it is unmeasured on the processors that have them (ARM's).
     */
    static void dot2x2Quarter(int kv, float[] a, int a0, int a1, float[] b, int b0, int b1, float[] chains, int i, int j, float[] out) {
        FloatVector p00 = FloatVector.zero(S), q00 = p00, r00 = p00, s00 = p00, p01 = p00, q01 = p00, r01 = p00, s01 = p00;
        FloatVector p10 = p00, q10 = p00, r10 = p00, s10 = p00, p11 = p00, q11 = p00, r11 = p00, s11 = p00;
        for (int p = 0; p < kv; p += 16) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p), y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p), x1 = FloatVector.fromArray(S, a, a1 + p);
            p00 = x0.fma(y0, p00);
            p01 = x0.fma(y1, p01);
            p10 = x1.fma(y0, p10);
            p11 = x1.fma(y1, p11);
            y0 = FloatVector.fromArray(S, b, b0 + p + 4);
            y1 = FloatVector.fromArray(S, b, b1 + p + 4);
            x0 = FloatVector.fromArray(S, a, a0 + p + 4);
            x1 = FloatVector.fromArray(S, a, a1 + p + 4);
            q00 = x0.fma(y0, q00);
            q01 = x0.fma(y1, q01);
            q10 = x1.fma(y0, q10);
            q11 = x1.fma(y1, q11);
            y0 = FloatVector.fromArray(S, b, b0 + p + 8);
            y1 = FloatVector.fromArray(S, b, b1 + p + 8);
            x0 = FloatVector.fromArray(S, a, a0 + p + 8);
            x1 = FloatVector.fromArray(S, a, a1 + p + 8);
            r00 = x0.fma(y0, r00);
            r01 = x0.fma(y1, r01);
            r10 = x1.fma(y0, r10);
            r11 = x1.fma(y1, r11);
            y0 = FloatVector.fromArray(S, b, b0 + p + 12);
            y1 = FloatVector.fromArray(S, b, b1 + p + 12);
            x0 = FloatVector.fromArray(S, a, a0 + p + 12);
            x1 = FloatVector.fromArray(S, a, a1 + p + 12);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
        }
        // Rounds 1 and 2 of the tree (d = 8, then 4), each output's four sums left in 4 lanes.
        p00.add(r00).add(q00.add(s00)).intoArray(chains, 0);
        p01.add(r01).add(q01.add(s01)).intoArray(chains, 4);
        p10.add(r10).add(q10.add(s10)).intoArray(chains, 8);
        p11.add(r11).add(q11.add(s11)).intoArray(chains, 12);
        int to = 4 * i + j;                     // rounds 3 and 4 (d = 2, then 1)
        out[to] = (chains[0] + chains[2]) + (chains[1] + chains[3]);
        out[to + 1] = (chains[4] + chains[6]) + (chains[5] + chains[7]);
        out[to + 4] = (chains[8] + chains[10]) + (chains[9] + chains[11]);
        out[to + 5] = (chains[12] + chains[14]) + (chains[13] + chains[15]);
    }

    /**
     * The 4 × 4 tile with 8 lanes (AVX2) on packed panels: rows r of A's block at {@code at + 8·r} and of B's at
     * {@code bt + 8·r}; the 16 p of a group at q … q + 63, their first 8 (lo) at +8·r and the next 8 (hi) at 32 + 8·r.
     * From 64-byte boundaries every load is whole within a cache line: on the AMD EPYC (Zen 3) rows read in
     * place, which a Java array starts 16 bytes past a boundary, split every other 32-byte load across two lines
     * and ran at half the speed (C, the 2 × 2 loop: 33 against 51–64 GFLOP/s, bench/avx2/run.sh, 2026-12-01).
     *
     * <p>Each output's 16 chains take two vectors (lo, hi): 32 accumulators, twice AVX2's 16 registers. So the
     * tile runs four passes over k, each half of it ({@link #chains4x2}: 4 rows of A × 2 of B on lo or on hi, 8
     * accumulators, 6 loads for 8 FMAs), parking the chains in {@code chains}; then each 2 × 2 block of outputs
     * adds its chains ({@link #fold2x2}) and leaves output (ii, jj) at {@code out[4·ii + jj]}. Until 2026-12-01
     * the tile ran as four 2 × 2 blocks on both halves (dot2x2Narrow's loop on packed rows: 8 loads for 8 FMAs,
     * 33 instructions a group, hsdis): the tile in L1, k = 784, calls alternating in one JVM (AMD EPYC Zen 3), best
     * 398–404 ns against 307–308, median 416 against 317 in a quiet run (docs/PERFORMANCE.md, "Session 16").
     */
    static void dot4x4NarrowPacked(int kv, float[] a, int at, float[] b, int bt, float[] chains, float[] out) {
        chains4x2(kv, a, at, b, bt, chains, 0);                      // lo, B's rows 0, 1
        chains4x2(kv, a, at, b, bt + 16, chains, 32);                // lo, B's rows 2, 3
        chains4x2(kv, a, at + 32, b, bt + 32, chains, 8);            // hi, B's rows 0, 1
        chains4x2(kv, a, at + 32, b, bt + 48, chains, 40);           // hi, B's rows 2, 3
        fold2x2(chains, 0, 0, out);
        fold2x2(chains, 0, 2, out);
        fold2x2(chains, 2, 0, out);
        fold2x2(chains, 2, 2, out);
    }

    /**
     * One pass of {@link #dot4x4NarrowPacked}: rows 0–3 of A from {@code at} (+8·r) against rows 0, 1 of B from
     * {@code bt} (+8·j), one half of each group of 16 p; the chains of output (r, j) go to
     * {@code chains[o + 16·(4·r + j)]}. The loop counts A's index and reads B's at a fixed distance from it,
     * {@code p + d}: C2 drops the bounds checks of loads at an invariant offset from the counted index, so a
     * group is 8 FMAs in 20 instructions (hsdis). Until 2026-12-02 B's index was a second counter, as in the
     * main engine's kernels ({@link MicroKernels}, whose panel stride is not X's): B's two loads kept their
     * checks, 25 instructions. Rounds alternating in one JVM (throwaway {@code DotPass}, AMD EPYC Zen 3): W1's
     * 32 × 100 × 784 tiles 0.86 of the time, with A in L1 0.75 (docs/PERFORMANCE.md, "Session 21").
     */
    private static void chains4x2(int kv, float[] a, int at, float[] b, int bt, float[] chains, int o) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int d = bt - at;
        for (int p = at, end = at + 4 * kv; p < end; p += 64) {
            FloatVector y0 = FloatVector.fromArray(S, b, p + d), y1 = FloatVector.fromArray(S, b, p + d + 8);
            FloatVector x = FloatVector.fromArray(S, a, p);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.fromArray(S, a, p + 8);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.fromArray(S, a, p + 16);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.fromArray(S, a, p + 24);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
        }
        c00.intoArray(chains, o);
        c01.intoArray(chains, o + 16);
        c10.intoArray(chains, o + 64);
        c11.intoArray(chains, o + 80);
        c20.intoArray(chains, o + 128);
        c21.intoArray(chains, o + 144);
        c30.intoArray(chains, o + 192);
        c31.intoArray(chains, o + 208);
    }

    /**
     * Adds the chains of outputs (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1) of the 8-lane 4 × 4 tile
     * (lo at {@code chains[16·(4·i + j)]}, hi 8 further) in {@link SumOrder#tree}'s order, into
     * {@code out[4·i + j …]}: for both 8-lane tiles, packed and in place ({@link #dot2x2Narrow}). Reads vectors from the array rather than taking them as arguments, which C2
     * might box (see dot4x4).
     */
    private static void fold2x2(float[] chains, int i, int j, float[] out) {
        int o = 16 * (4 * i + j);
        FloatVector s00 = FloatVector.fromArray(S, chains, o).add(FloatVector.fromArray(S, chains, o + 8));
        FloatVector s01 = FloatVector.fromArray(S, chains, o + 16).add(FloatVector.fromArray(S, chains, o + 24));
        FloatVector s10 = FloatVector.fromArray(S, chains, o + 64).add(FloatVector.fromArray(S, chains, o + 72));
        FloatVector s11 = FloatVector.fromArray(S, chains, o + 80).add(FloatVector.fromArray(S, chains, o + 88));
        // SumOrder.tree's rounds in vectors: lane l + 8 of the 16 chains is lane l of hi (round 1, above);
        // then the four outputs' 8-lane sums fold together by lane swaps, as in dot4x4 (rounds 2, 3),
        // and round 4 adds each lane pair. Each addition is the tree's, operands in either order.
        FloatVector f0 = s00.blend(s01, HIGH1).add(s01.blend(s00, HIGH1).rearrange(SWAP1));
        FloatVector f1 = s10.blend(s11, HIGH1).add(s11.blend(s10, HIGH1).rearrange(SWAP1));
        f0 = f0.blend(f1, HIGH2).add(f1.blend(f0, HIGH2).rearrange(SWAP2));
        f0 = f0.add(f0.rearrange(SWAP3));
        // Now s00, s01, s10, s11 are whole, in lanes 0, 4, 2, 6.
        f0.intoArray(chains, o);                                     // this block's chains are spent: scratch
        int to = 4 * i + j;
        out[to] = chains[o];
        out[to + 1] = chains[o + 4];
        out[to + 4] = chains[o + 2];
        out[to + 5] = chains[o + 6];
    }

    // ------------------------------------------------------------------------------------------
    // Micro-kernel of the dot engine with 16 lanes: 4 rows of A × 4 rows of B. Leaves the sum over
    // p < kv (a multiple of 16) of accumulator o = 4·ii + jj in out[POS[o]].
    // ------------------------------------------------------------------------------------------

    static void dot4x4(int kv, float[] a, int a0, int a1, int a2, int a3,
                               float[] b, int b0, int b1, int b2, int b3, float[] out) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < kv; p += VL) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            c02 = x.fma(y2, c02);
            c03 = x.fma(y3, c03);
            x = FloatVector.fromArray(S, a, a1 + p);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            c12 = x.fma(y2, c12);
            c13 = x.fma(y3, c13);
            x = FloatVector.fromArray(S, a, a2 + p);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            c22 = x.fma(y2, c22);
            c23 = x.fma(y3, c23);
            x = FloatVector.fromArray(S, a, a3 + p);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            c32 = x.fma(y2, c32);
            c33 = x.fma(y3, c33);
        }
        // Sum the lanes of all 16 accumulators together. Round r pairs vectors v, w: lanes whose
        // bit d = VL >> r is clear get v[l] + v[l ^ d], the others w[l] + w[l ^ d]; so each round
        // halves the lanes per sum and doubles the sums per vector. Lane-wise operations only: the
        // order of the additions is fixed by VL. (Written out, not a helper method: C2 does not
        // inline one here, and the vectors would then be boxed.)
        FloatVector f0 = c00.blend(c01, HIGH1).add(c01.blend(c00, HIGH1).rearrange(SWAP1));
        FloatVector f1 = c02.blend(c03, HIGH1).add(c03.blend(c02, HIGH1).rearrange(SWAP1));
        FloatVector f2 = c10.blend(c11, HIGH1).add(c11.blend(c10, HIGH1).rearrange(SWAP1));
        FloatVector f3 = c12.blend(c13, HIGH1).add(c13.blend(c12, HIGH1).rearrange(SWAP1));
        FloatVector f4 = c20.blend(c21, HIGH1).add(c21.blend(c20, HIGH1).rearrange(SWAP1));
        FloatVector f5 = c22.blend(c23, HIGH1).add(c23.blend(c22, HIGH1).rearrange(SWAP1));
        FloatVector f6 = c30.blend(c31, HIGH1).add(c31.blend(c30, HIGH1).rearrange(SWAP1));
        FloatVector f7 = c32.blend(c33, HIGH1).add(c33.blend(c32, HIGH1).rearrange(SWAP1));
        f0 = f0.blend(f1, HIGH2).add(f1.blend(f0, HIGH2).rearrange(SWAP2));
        f2 = f2.blend(f3, HIGH2).add(f3.blend(f2, HIGH2).rearrange(SWAP2));
        f4 = f4.blend(f5, HIGH2).add(f5.blend(f4, HIGH2).rearrange(SWAP2));
        f6 = f6.blend(f7, HIGH2).add(f7.blend(f6, HIGH2).rearrange(SWAP2));
        f0 = f0.blend(f2, HIGH3).add(f2.blend(f0, HIGH3).rearrange(SWAP3));
        f4 = f4.blend(f6, HIGH3).add(f6.blend(f4, HIGH3).rearrange(SWAP3));
        f0.blend(f4, HIGH4).add(f4.blend(f0, HIGH4).rearrange(SWAP4)).intoArray(out, 0);
    }

    /**
     * dot4x4 on packed rows: 4 rows of A from {@code at} and 4 of B from {@code bt}, each laid out
     * in 16-float groups interleaved row by row (group g of row r at 64·g + 16·r), so that every load
     * is at a constant distance from one index and no row offset has to be held in a register. The
     * in-place dot4x4 stays for the products that do not pack (W2's output layer, where packing A cost
     * more than it saved: DotTile engine, 256×10×1024, 79 against 101 µs on one thread).
     */
    static void dot4x4Packed(int kv, float[] a, int at, float[] b, int bt, float[] out) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int q = 0; q < 4 * kv; q += 4 * VL) {
            FloatVector y0 = FloatVector.fromArray(S, b, bt + q);
            FloatVector y1 = FloatVector.fromArray(S, b, bt + q + VL);
            FloatVector y2 = FloatVector.fromArray(S, b, bt + q + 2 * VL);
            FloatVector y3 = FloatVector.fromArray(S, b, bt + q + 3 * VL);
            FloatVector x = FloatVector.fromArray(S, a, at + q);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            c02 = x.fma(y2, c02);
            c03 = x.fma(y3, c03);
            x = FloatVector.fromArray(S, a, at + q + VL);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            c12 = x.fma(y2, c12);
            c13 = x.fma(y3, c13);
            x = FloatVector.fromArray(S, a, at + q + 2 * VL);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            c22 = x.fma(y2, c22);
            c23 = x.fma(y3, c23);
            x = FloatVector.fromArray(S, a, at + q + 3 * VL);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            c32 = x.fma(y2, c32);
            c33 = x.fma(y3, c33);
        }
        // dot4x4's fold, line for line (written out again for the reason given there).
        FloatVector f0 = c00.blend(c01, HIGH1).add(c01.blend(c00, HIGH1).rearrange(SWAP1));
        FloatVector f1 = c02.blend(c03, HIGH1).add(c03.blend(c02, HIGH1).rearrange(SWAP1));
        FloatVector f2 = c10.blend(c11, HIGH1).add(c11.blend(c10, HIGH1).rearrange(SWAP1));
        FloatVector f3 = c12.blend(c13, HIGH1).add(c13.blend(c12, HIGH1).rearrange(SWAP1));
        FloatVector f4 = c20.blend(c21, HIGH1).add(c21.blend(c20, HIGH1).rearrange(SWAP1));
        FloatVector f5 = c22.blend(c23, HIGH1).add(c23.blend(c22, HIGH1).rearrange(SWAP1));
        FloatVector f6 = c30.blend(c31, HIGH1).add(c31.blend(c30, HIGH1).rearrange(SWAP1));
        FloatVector f7 = c32.blend(c33, HIGH1).add(c33.blend(c32, HIGH1).rearrange(SWAP1));
        f0 = f0.blend(f1, HIGH2).add(f1.blend(f0, HIGH2).rearrange(SWAP2));
        f2 = f2.blend(f3, HIGH2).add(f3.blend(f2, HIGH2).rearrange(SWAP2));
        f4 = f4.blend(f5, HIGH2).add(f5.blend(f4, HIGH2).rearrange(SWAP2));
        f6 = f6.blend(f7, HIGH2).add(f7.blend(f6, HIGH2).rearrange(SWAP2));
        f0 = f0.blend(f2, HIGH3).add(f2.blend(f0, HIGH3).rearrange(SWAP3));
        f4 = f4.blend(f6, HIGH3).add(f6.blend(f4, HIGH3).rearrange(SWAP3));
        f0.blend(f4, HIGH4).add(f4.blend(f0, HIGH4).rearrange(SWAP4)).intoArray(out, 0);
    }

    /** For fold round r = 1 … 4: lane l ^ (VL >> r), and the lanes with bit VL >> r set. */
    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(S, l -> l ^ (VL >> 1));
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(S, l -> l ^ (VL >> 2));
    private static final VectorShuffle<Float> SWAP3 = VectorShuffle.fromOp(S, l -> l ^ (VL >> 3));
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(S, l -> l ^ Math.max(1, VL >> 4));
    private static final VectorMask<Float> HIGH1 = VectorMask.fromLong(S, lanesWithBit(VL >> 1));
    private static final VectorMask<Float> HIGH2 = VectorMask.fromLong(S, lanesWithBit(VL >> 2));
    private static final VectorMask<Float> HIGH3 = VectorMask.fromLong(S, lanesWithBit(VL >> 3));
    private static final VectorMask<Float> HIGH4 = VectorMask.fromLong(S, lanesWithBit(Math.max(1, VL >> 4)));

    private static long lanesWithBit(int d) {
        long bits = 0;
        for (int l = 0; l < VL; l++) if ((l & d) != 0) bits |= 1L << l;
        return bits;
    }

    /**
     * Where dot4x4 leaves the sum of accumulator o: round r sets bit 16 >> r of the lane from bit
     * r − 1 of o, so the lane is o's four bits reversed.
     */
    private static final int[] POS = new int[16];

    static {
        for (int o = 0; o < 16; o++) POS[o] = Integer.reverse(o) >>> 28;
    }
}
