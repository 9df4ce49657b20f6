package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The main engine: panels of lanes, rows broadcast. Every form computes C(i,j) = Σ_p A(i,p)·B(p,j);
 * the forms differ only in where A(i,p) and B(p,j) sit in memory. Each product is handed to this
 * engine as two operands:
 * <ul>
 *   <li>the <em>row side</em> X(r,p), broadcast to every lane one float at a time, read from
 *       wherever it lies (row r at x[r·rs], successive p at stride ps);
 *   <li>the <em>lane side</em> Y(p,l), read as whole vectors: for each p, a <em>panel</em> of V
 *       vectors of consecutive lanes l.
 * </ul>
 * Both are copied ("packed") before the micro-kernels read them — except the panels of a lane
 * side stored by rows of p (NN, TN) when k is small (see {@link #readsInPlace}) or when at most two
 * row blocks read them, which are read where they lie: a panel
 * as k rows of V·VL lanes (transposed on the way when Y is stored by lanes, the NT form; the
 * last panel padded with zero lanes), a block of R rows of X as k groups of R floats (or, for the 12 × 2, 6 × 2
 * and 5 × 2 tiles' NN and NT products with a k up to {@link #ROW_STRIDE}, as its R rows copied {@code ROW_STRIDE}
 * floats apart: no transposition). The
 * transpositions go by vector gathers (one float at a time, they took a quarter of an NT
 * product's time on an Intel Xeon of 2026-11-30) — except X's row blocks for the 6 × 2 tile, AVX2's,
 * where gathers are slow and six rows written out one float at a time are faster. Then every
 * load in a micro-kernel is at the loop counter times a constant, which lets the JIT drop the
 * bounds checks from the loop; reading X in place at variable strides cost an address sum and a
 * bounds check per broadcast, which kept two FMA units per core half idle. A panel is packed once
 * per thread and product (once per product into a shared array when every thread uses every panel
 * and they are few: see {@link #sharedPanel}); a row block of X once per product, by the first thread that needs it, into
 * one array that all threads read (see {@link #rowBlock}). The output C(r,l) goes to
 * C row by row (r = i, l = j) or transposed (r = j, l = i).
 *
 * <p>The micro-kernels ({@link MicroKernels}) hold an R × V tile of C in registers (the
 * {@link Variant}'s tile: 4 × 4, 8 × 3, 12 × 2, 6 × 2 or 5 × 2) and for each p load the panel's V vectors,
 * broadcast R values of X and issue R·V fused multiply-adds. The k loop is not blocked: each
 * output is a single register-resident chain acc = fma(X(r,p), Y(p,l), acc), p = 0 … k−1,
 * whatever the tile. Ragged edges take no masked paths: the last panel is padded with zero
 * lanes, a short last row block repeats its last row, and an edge tile goes through a small
 * scratch tile. Panels of one vector — products whose lanes all fit one (an output layer of 10
 * units), and a last panel of at most VL lanes — run the 4 × 1 kernel. (Kernels for ragged
 * panels only, such as 8 × 1 or 8 × 2, were dropped on purpose: one that only a ragged last batch
 * used reached the JIT's optimising tier seconds late and ran boxed, hundreds of KB allocated
 * per step, until then.)
 *
 * <p>C(r,l) = Σ_p X(r,p)·Y(p,l) for r < rows, l < lanes, with X(r,p) = {@code x[r·rs + p·ps]},
 * Y(p,l) = {@code y[p·ldy + l]} (or {@code y[l·ldy + p]} if yByLane), and C(r,l) written to
 * {@code c[r·ldc + l]} (or {@code c[l·ldc + r]} if cByLane). The tiles form a grid of row blocks
 * (R rows) × panels (V·VL lanes, or one vector when all lanes fit one). The units of the layer are
 * the rows or the lanes; the shares cut them (see {@link Tiles}), and inside a share the tiles go
 * panel after panel, so a packed panel serves all the share's row blocks — or, in a product split
 * by panels, a <em>group</em> of up to {@link #MAX_GROUP} panels at a time: packed together, then
 * row block after row block across the group's panels, so that each row block of X serves the whole
 * group from L1 (see {@link #groupOf}).
 */
final class Panels extends Tiles {
    /** Sets of an L1d (4 KB / 64-byte lines on x86, so that it is indexed by the page offset alone) and its line size. */
    private static final int L1_SETS = 64, LINE = 64;
    /**
     * Floats from one row of a row block of X to the next, when the block is packed as rows (NN and NT with
     * the 12 × 2, 6 × 2 or 5 × 2 tile, {@link #ROWS_MIN_K} ≤ k ≤ ROW_STRIDE, no one-vector panel): a row block
     * of X whose rows lie along p (ps = 1) is then copied row by row rather than transposed a float at a time
     * into k groups of R floats (W's 12-row blocks of 1024 × 784, from L3: 0.08 ns a float against 0.33, AMD
     * Zen 5, 2026-12-03). W2's NT products on one thread 160–168 → 177–184 GFLOP/s, its step on two threads 7 %
     * shorter; with AVX2 (the same Zen 5 at -XX:UseAVX=2, 6 × 2 and 5 × 2) the NT products 3–5 % faster
     * (`StepCalls`, docs/PERFORMANCE.md, "Session 29"). The 8 × 3 and 4 × 4 tiles have no such twin. The kernel
     * broadcasts X(r, p) at the constant offset r·ROW_STRIDE from p, as the p-major kernel does at r from p·R; a
     * constant, for an offset held in a register per row would take more registers than x86 has. 1024 floats and
     * one 64-byte line more, so that the 12 rows do not all fall into one set of a 4 KB-indexed L1. TN's X
     * (rs = 1) stays p-major: there the copy is the cheap one.
     */
    static final int ROW_STRIDE = 1024 + 16;
    /** Below this k the row layout's blocks would be mostly padding, and the transposition costs little. */
    static final int ROWS_MIN_K = 256;
    /** Off with -Dbackprop4j.rowBlocks=p-major, on by default or with =rows (for measurements; the bits are the same). */
    private static final boolean ROW_LAYOUT = rowLayout(System.getProperty("backprop4j.rowBlocks"));

    private static boolean rowLayout(String forced) {
        if (forced == null || forced.isBlank()) return true;
        return switch (forced.trim()) {
            case "rows" -> true;
            case "p-major" -> false;
            default -> throw new IllegalArgumentException("backprop4j.rowBlocks must be rows or p-major, got '" + forced.trim() + "'");
        };
    }
    /** Panels packed and used together at most, in a product split by panels (see {@link #groupOf}). */
    static final int MAX_GROUP = 4;
    /** Where a packed panel begins in its scratch array: the array's first 64-byte boundary (see {@link #newPanel}). */
    private static final int PANEL_AT = AlignedRows.alignedStart();
    /** Rows per row block, vectors per full panel, lanes per full panel: the variant's register tile. */
    private final int tileRows, tileVectors, panel;
    private final Variant.Split split;
    /**
     * Floats of W (or ΔW) per thread up to which each thread keeps its own rows (split UNITS): a
     * quarter of this machine's L2 per core (512 KB of a 2 MB L2).
     */
    private final long ownedMaxFloats;

    // The current product; written by the caller before Pool#run publishes it to the workers.
    private int rows, lanes, k, rs, ps, ldy, ldc;
    private float[] x, y, c;
    private boolean yByLane, cByLane, unitsAreRows;
    private int panelCount, rowBlocks;
    private int width;                          // lanes per panel: PANEL, or VL when all lanes fit one vector
    private int group;                          // panels packed and used together (see groupOf); 1 in a split by units
    private boolean inPlace;                    // full panels read from y itself (see readsInPlace)
    private boolean asRows;                     // X's row blocks packed as rows (see ROW_STRIDE)
    private int blockFloats;                    // floats per packed row block of X: R·k, or R·ROW_STRIDE
    private long product;                       // counts products, so stale packed data is never reused

    // Per-thread scratch, grown on demand and then reused; only thread t touches slot t.
    private final float[][] packed;             // the group of panels of the tile at hand (one panel in a split by units)
    private final int[] packedPanel;            // the first panel of the group packed[t] holds …
    private final long[] packedProduct;         // … and for which product
    private final int[][] gather;               // the packing's gather offsets, 2 × R·VL ints
    private final float[][] ownX;               // a row block packed for one tile, while another thread packs the shared one

    // Shared by the threads: the row blocks of X, R·k floats each at rb·R·k, and each block's state:
    // the product it holds, or minus the product while a thread packs it. Sized by the caller in set().
    private float[] packedX = new float[0];
    private AtomicLongArray packedXState = new AtomicLongArray(0);
    // Likewise all panels of Y, when every thread uses every panel (split by units) and they are few.
    private boolean sharedPanels;
    private float[] packedY = new float[0];
    private AtomicLongArray packedYState = new AtomicLongArray(0);
    // readsInPlace's last answer and its question (k, ldy, width): products repeat their shapes step after step.
    private boolean inPlaceAnswer;
    private int inPlaceK = -1, inPlaceLdy, inPlaceWidth;
    private final int[] rowsPerSet = new int[L1_SETS];
    /** Tests only: every tile packs its row block of X and its panel into its thread's own scratch (the path a collision takes). */
    boolean ownCopiesOnly;

    Panels(int threads, Variant variant) {
        super(threads);
        tileRows = variant.tile().rows;
        tileVectors = variant.tile().vectors;
        panel = tileVectors * VL;
        split = variant.split();
        ownedMaxFloats = Machine.current().l2Bytes() / 4 / Float.BYTES;
        packed = new float[threads][0];
        packedPanel = new int[threads];
        packedProduct = new long[threads];
        gather = new int[threads][2 * tileRows * VL];
        ownX = new float[threads][0];
    }

    void set(int rows, int lanes, int k, float[] x, int rs, int ps,
             float[] y, int ldy, boolean yByLane, float[] c, int ldc, boolean cByLane, boolean unitsAreRows) {
        this.rows = rows;
        this.lanes = lanes;
        this.k = k;
        this.x = x;
        this.rs = rs;
        this.ps = ps;
        this.y = y;
        this.ldy = ldy;
        this.yByLane = yByLane;
        this.c = c;
        this.ldc = ldc;
        this.cByLane = cByLane;
        // Owning rows pays while a thread's rows (of W or ΔW: rows × k or rows × lanes floats)
        // fit in its core's L2 beside the rest; larger layers stream from L3 anyway, and then
        // whole panels per thread halve the packing (each panel is packed by one thread only).
        this.unitsAreRows = unitsAreRows && split == Variant.Split.UNITS
                && (long) rows * Math.max(k, lanes) <= ownedMaxFloats * tiles.length;
        product++;
        width = lanes <= VL ? VL : panel;
        panelCount = (lanes + width - 1) / width;
        rowBlocks = (rows + tileRows - 1) / tileRows;
        // A panel that one or two row blocks read is not worth a copy, however long its k: W2's ΔW₃ (gemmTN
        // 10×1024×256, two row blocks of 8) copied all 1 MB of a₂ on each of two threads for one tile per
        // panel; read in place 118, 158, 126 → 110, 101, 112 µs (StepCalls W2 2, alternating, Intel Xeon, 2026-11-30).
        inPlace = !yByLane && (rowBlocks <= 2 || readsInPlace(k, ldy, width));
        tiles(panelCount * rowBlocks, (long) tileRows * width * k);
        group = this.unitsAreRows || inPlace || panelCount == 1 ? 1 : groupOf(width, k);
        // Grown here, by the caller, before the workers see the product: never while they run.
        asRows = ROW_LAYOUT && (tileRows == 12 || tileRows == 6 || tileRows == 5) && ps == 1 && rs != 1 && k >= ROWS_MIN_K && k <= ROW_STRIDE
                && !oneVectorPanels();
        blockFloats = tileRows * (asRows ? ROW_STRIDE : k);
        if (packedX.length < rowBlocks * blockFloats) packedX = new float[rowBlocks * blockFloats];
        if (packedXState.length() < rowBlocks) packedXState = new AtomicLongArray(rowBlocks);
        // Split by units, every thread uses every panel: packed once into a shared array when all
        // panels together are no larger than the threads' rows (W1's ΔW₁: 784 × 32 floats, packed
        // by each of the two threads before).
        long allPanels = (long) panelCount * width * k;
        sharedPanels = !inPlace && this.unitsAreRows && tiles.length > 1 && allPanels <= ownedMaxFloats * tiles.length;
        if (sharedPanels) {
            if (packedY.length < PANEL_AT + allPanels) packedY = newPanel((int) allPanels);
            if (packedYState.length() < panelCount) packedYState = new AtomicLongArray(panelCount);
        }
    }

    /**
     * Whether the panels of Y (stored by rows of p: the NN and TN forms) are read where Y's rows lie
     * instead of packed. Packing pays when a panel's k rows are long (W2's k = 256, 1024: a packed panel
     * streams from L2 without gaps). With a small k the copy costs as much as a tile or two: W1's ΔW₁
     * (gemmTN 100×784×32, k = 32, a panel read by 6–13 row blocks) spent a tenth of its time packing on one
     * thread, and on two threads the panels packed into the shared array crossed between the cores every
     * product (a tile that packed one took 0.7–1.1 µs against 0.35 on one thread; Intel Xeon, 2026-11-30,
     * docs/PERFORMANCE.md). Read in place when the panel's rows — k of width + VL floats (a row that does
     * not begin on a line touches one line more) — take at most a quarter of L1d, and no L1 set receives
     * more than half its ways of them: rows a multiple of 2 or 4 KB apart (a 1024-wide layer) fall into
     * the same few sets and would evict each other before the next row block reads them.
     * Only the full panels are read in place; a ragged last one is packed as before, padded with zeros.
     */
    private boolean readsInPlace(int k, int ldy, int width) {
        if (k == inPlaceK && ldy == inPlaceLdy && width == inPlaceWidth) return inPlaceAnswer;
        inPlaceK = k;
        inPlaceLdy = ldy;
        inPlaceWidth = width;
        long l1 = Machine.current().l1dBytes();
        int ways = (int) Math.max(1, l1 / ((long) L1_SETS * LINE));
        int lines = width * Float.BYTES / LINE + 1;
        boolean fits = (long) k * (width + VL) * Float.BYTES <= l1 / 4;
        java.util.Arrays.fill(rowsPerSet, 0);
        for (int p = 0; fits && p < k; p++) {
            long first = (long) p * ldy * Float.BYTES / LINE;
            for (int j = 0; j < lines; j++) {
                if (++rowsPerSet[(int) ((first + j) % L1_SETS)] > ways / 2) fits = false;
            }
        }
        return inPlaceAnswer = fits;
    }

    /**
     * Panels of {@code width} lanes and k rows packed together and used as a group, in a product split by
     * panels (each thread's share whole panels: W2's products). Before, a thread packed one panel, ran all the
     * row blocks of X over it, then the next: each row block (R·k floats; W2's X, 1–4 MB, lives in L3) came
     * from L3 once per panel, and each panel's copy read Y's rows 64 bytes at a time, 4 KB apart (the NN form
     * copying W's columns spent 15 % of its time there). With a group of G panels, the copy reads G·64
     * contiguous bytes of each row of Y, and each row block, once in L1, serves G tiles. G: as many panels as
     * half of L2 holds, at most {@link #MAX_GROUP}. On AMD's Zen 3 (512 KB L2; W2's steps, switching the group
     * size every 10 steps in one JVM, 2026-12-01) groups of 4 made the step 4–15 % shorter than single panels on
     * one thread and 4–12 % on two, the ΔW products (TN) 11–22 % shorter; groups of 6 beat 4 in one of two such
     * runs, 8 (the whole L2) lost to 4 in both (docs/PERFORMANCE.md, "Session 18"). Which thread computes a tile
     * changes, never a bit.
     */
    private static int groupOf(int width, int k) {
        long panelBytes = (long) width * k * Float.BYTES;
        return (int) Math.max(1, Math.min(MAX_GROUP, Machine.current().l2Bytes() / 2 / panelBytes));
    }

    /**
     * Rough cycles of a rows × lanes × k product on this engine: the register tiles (padded lanes
     * and rows included; a one-vector panel runs at half speed), plus the packing — each row block
     * of X once, a transposition counted at two cycles a float, and the panels once each,
     * transposed if {@code yByLane}. (Two cycles was the scalar
     * transposition's cost; the gathers made it cheaper, but the weights are kept: the NT forms'
     * orientation they choose still measured best on two threads, 2026-11-30.)
     */
    long cost(int rows, int lanes, int k, boolean yByLane) {
        int width = lanes <= VL ? VL : panel;
        long count = (long) ((rows + tileRows - 1) / tileRows) * ((lanes + width - 1) / width);
        long fmas = count * tileRows * (width / VL) * k;                      // vector FMAs
        long packing = 2L * rows * k + (yByLane ? 2L : 1L) * lanes * k;
        return (width == VL ? fmas : fmas / 2) + packing;             // two a cycle, one in a one-vector tile
    }

    /** Lanes in a full panel: the variant's vectors × VL. */
    int panelLanes() {
        return panel;
    }

    @Override
    void release() {
        x = y = c = null;
    }

    /** Threads that own no rows (split by panels: W2's layers, too large for L2) help each other at once. */
    @Override
    boolean stealsAtOnce() {
        return !unitsAreRows;
    }

    @Override
    int shareStart(int u, int shares) {
        return unitsAreRows ? unitBlock(rowBlocks, u, shares) * panelCount : unitBlock(panelCount, u, shares) * rowBlocks;
    }

    @Override
    void tile(int t, int i) {
        int q, rb;
        if (unitsAreRows) {                     // share u: row blocks b0 … b1−1 × all panels, panel by panel
            int u = shareOf(i);
            int b0 = start(u) / panelCount, stripe = start(u + 1) / panelCount - b0;
            int local = i - start(u);
            // Each share starts at its own panel, so that the threads do not pack the same ones at once.
            q = (local / stripe + unitBlock(panelCount, u, shares())) % panelCount;
            rb = b0 + local % stripe;
        } else {                                // group by group of panels; a share is whole panels
            // In a group of `size` panels from panel g, row block after row block across the group's
            // panels. Each share starts its row blocks at its own place (the share of the group's first
            // tile: a group may straddle two shares), so that the threads' first panels pack different row
            // blocks of X rather than wait for the same ones.
            int g = i / rowBlocks / group * group, size = Math.min(group, panelCount - g), local = i - g * rowBlocks;
            q = g + local % size;
            rb = (local / size + unitBlock(rowBlocks, shareOf(g * rowBlocks), shares())) % rowBlocks;
        }
        int r0 = rb * tileRows;
        int l0 = q * width;
        int lanesValid = Math.min(width, lanes - l0);
        int rowsValid = Math.min(tileRows, rows - r0);
        // A last panel of one vector or less (784 = 12 × 64 + 16) takes the one-vector kernel:
        // half the speed on a quarter of the lanes the padded full tile would compute.
        int w = lanesValid <= VL ? VL : width;

        // The panel: read in place (row p at y[l0 + p·ldy]), or packed — into the shared array, or once
        // per product by each thread that uses it; then the row block of X.
        boolean strided = inPlace && lanesValid == w;
        int pAt = strided ? l0 : PANEL_AT;
        float[] pk = strided ? y : sharedPanels ? sharedPanel(q, gather[t]) : null;
        if (pk != null) {
            if (!strided) pAt += q * width * k;
        } else {                                // this thread's copy of q's group, q at its place in it
            int g = q - q % group;
            pk = packed[t];
            if (packedPanel[t] != g || packedProduct[t] != product) {
                if (pk.length < PANEL_AT + group * panel * k) packed[t] = pk = newPanel(group * panel * k);
                packGroup(g, Math.min(group, panelCount - g), pk, PANEL_AT, gather[t]);
                packedPanel[t] = g;
                packedProduct[t] = product;
            }
            pAt += (q - g) * width * k;
        }
        float[] xk = rowBlock(t, rb, r0, rowsValid);
        int xb = xk == packedX ? rb * blockFloats : 0;

        boolean direct = !cByLane && rowsValid == tileRows && lanesValid == w;
        float[] tile = tiles[t];
        float[] out = direct ? c : tile;
        int o = direct ? r0 * ldc + l0 : 0;
        int ldo = direct ? ldc : w;
        int ldp = strided ? ldy : w;            // the panel's row stride: where Y's rows lie, or packed
        if (w == VL) {                          // the one-vector kernel, 4 rows of the block at a time (6 × 2: 4, then 2)
            for (int r = 0; r < rowsValid; r += 4) {
                if (tileRows - r >= 4) {
                    MicroKernels.kernel4x1(k, xk, xb + r, tileRows, pk, pAt, ldp, out, o + r * ldo, ldo);
                } else {                        // the last two rows (5 × 2: rows 3 and 4, row 3 again: the same bits)
                    int r2 = tileRows - 2;
                    MicroKernels.kernel2x1(k, xk, xb + r2, tileRows, pk, pAt, ldp, out, o + r2 * ldo, ldo);
                }
            }
        } else if (asRows) {
            if (tileRows == 12) MicroKernels.kernel12x2Rows(k, xk, xb, pk, pAt, ldp, out, o, ldo);
            else if (tileRows == 6) MicroKernels.kernel6x2Rows(k, xk, xb, pk, pAt, ldp, out, o, ldo);
            else MicroKernels.kernel5x2Rows(k, xk, xb, pk, pAt, ldp, out, o, ldo);
        } else if (tileRows == 12) {
            MicroKernels.kernel12x2(k, xk, xb, pk, pAt, ldp, out, o, ldo);
        } else if (tileRows == 6) {
            MicroKernels.kernel6x2(k, xk, xb, pk, pAt, ldp, out, o, ldo);
        } else if (tileRows == 5) {
            MicroKernels.kernel5x2(k, xk, xb, pk, pAt, ldp, out, o, ldo);
        } else if (tileRows == 8) {
            MicroKernels.kernel8x3(k, xk, xb, pk, pAt, ldp, out, o, ldo);
        } else {
            MicroKernels.kernel4x4(k, xk, xb, pk, pAt, ldp, out, o, ldo);
        }
        if (direct) return;
        if (cByLane && rowsValid == 6 && tileRows == 6) {
            // The 6 × 2 tile's full row blocks, transposed into C with the six rows written out: the NT forward
            // products of W2 0.3–8 % faster than by the loop below (Zen 3, 2026-12-01, switched in one JVM).
            for (int l = 0, d = l0 * ldc + r0; l < lanesValid; l++, d += ldc) {
                c[d] = tile[l];
                c[d + 1] = tile[w + l];
                c[d + 2] = tile[2 * w + l];
                c[d + 3] = tile[3 * w + l];
                c[d + 4] = tile[4 * w + l];
                c[d + 5] = tile[5 * w + l];
            }
        } else if (cByLane && rowsValid == 5 && tileRows == 5) {
            // The same for the 5 × 2 tile: W2's NT forward products 3–6 % faster than by the loop below, on one
            // thread and on two (Zen 3, 2026-12-02, `StepCalls` switching every step in one JVM).
            for (int l = 0, d = l0 * ldc + r0; l < lanesValid; l++, d += ldc) {
                c[d] = tile[l];
                c[d + 1] = tile[w + l];
                c[d + 2] = tile[2 * w + l];
                c[d + 3] = tile[3 * w + l];
                c[d + 4] = tile[4 * w + l];
            }
        } else if (cByLane && rowsValid == 12 && tileRows == 12) {
            // The same for the 12 × 2 tile (AVX-512): with twelveRows below, W2's step 1.10-1.11 times as fast on
            // one thread, 1.03-1.24 on two (`nn bench --workload W2`, three pairs of JVMs alternating; AMD Zen 5, 2026-12-02).
            for (int l = 0, d = l0 * ldc + r0; l < lanesValid; l++, d += ldc) {
                c[d] = tile[l];
                c[d + 1] = tile[w + l];
                c[d + 2] = tile[2 * w + l];
                c[d + 3] = tile[3 * w + l];
                c[d + 4] = tile[4 * w + l];
                c[d + 5] = tile[5 * w + l];
                c[d + 6] = tile[6 * w + l];
                c[d + 7] = tile[7 * w + l];
                c[d + 8] = tile[8 * w + l];
                c[d + 9] = tile[9 * w + l];
                c[d + 10] = tile[10 * w + l];
                c[d + 11] = tile[11 * w + l];
            }
        } else if (cByLane) {
            for (int l = 0; l < lanesValid; l++) {
                int d = (l0 + l) * ldc + r0;
                for (int r = 0; r < rowsValid; r++) c[d + r] = tile[r * w + l];
            }
        } else {
            for (int r = 0; r < rowsValid; r++) {
                System.arraycopy(tile, r * w, c, (r0 + r) * ldc + l0, lanesValid);
            }
        }
    }

    /**
     * Row block rb of X, packed: in the shared array if it is there or this thread claims its
     * packing, else (another thread is packing it right now) packed again into this thread's own
     * scratch for this one tile. Before, every thread packed every row block it used: with the tiles
     * split by panels, all of X on each thread (W2's ΔW products ran 2-4 % faster on two threads
     * with the shared copy, Intel Xeon, 2026-11-30).
     */
    private float[] rowBlock(int t, int rb, int r0, int rowsValid) {
        int claim = claim(packedXState, rb);
        if (claim == PACK) {
            packRows(r0, rowsValid, packedX, rb * blockFloats, gather[t]);
            packedXState.setRelease(rb, product);
        }
        if (claim != OWN) return packedX;
        float[] own = ownX[t];
        if (own.length < blockFloats) ownX[t] = own = new float[blockFloats];
        packRows(r0, rowsValid, own, 0, gather[t]);
        return own;
    }

    /**
     * Panel q in the shared array of all panels (at q·width·k from {@link #PANEL_AT}), packed there by
     * the first thread that needs it; null if another thread is packing it right now (the caller then
     * packs its own copy, as for X's row blocks).
     */
    private float[] sharedPanel(int q, int[] offsets) {
        int claim = claim(packedYState, q);
        if (claim == PACK) {
            packGroup(q, 1, packedY, PANEL_AT + q * width * k, offsets);
            packedYState.setRelease(q, product);
        }
        return claim != OWN ? packedY : null;
    }

    /** What {@link #claim} tells a thread to do with a shared block: read it, pack it, or pack its own copy. */
    private static final int READ = 0, PACK = 1, OWN = 2;

    /**
     * The one protocol of the shared packed blocks (X's row blocks, the shared panels). Block i's state
     * is the product it holds, or minus the product while a thread packs it. READ: the block holds
     * this product's data — read by getAcquire, so that the floats the packer wrote before its
     * setRelease(i, product) are seen too. PACK: this thread has claimed the block (compare-and-set
     * to −product); it packs it and must then publish it with setRelease(i, product). OWN: another
     * thread is packing it right now (or a test asks for {@link #ownCopiesOnly}): this thread packs
     * an own copy for this one tile rather than wait, for on a busy machine the packer may have lost
     * its core. The bits are the same either way.
     */
    private int claim(AtomicLongArray states, int i) {
        if (ownCopiesOnly) return OWN;
        long state = states.getAcquire(i);
        if (state == product) return READ;
        return state != -product && states.compareAndSet(i, state, -product) ? PACK : OWN;
    }

    /** Tests only: whether every row block of X of the last product was packed into the shared array. */
    boolean rowBlocksShared() {
        return allHold(packedXState, rowBlocks);
    }

    /** Tests only: whether the last product packed X's row blocks as rows (see {@link #ROW_STRIDE}). */
    boolean rowsLaidOut() {
        return asRows;
    }

    /** Tests only: whether the last product read its full panels in place (none packed). */
    boolean panelsInPlace() {
        return inPlace;
    }

    /** Tests only: whether the last product took the shared panels and every one of them was packed there. */
    boolean panelsShared() {
        return sharedPanels && allHold(packedYState, panelCount);
    }

    private boolean allHold(AtomicLongArray states, int count) {
        for (int i = 0; i < count; i++) if (states.get(i) != product) return false;
        return true;
    }

    /**
     * Scratch for a packed panel of {@code floats} floats from {@link #PANEL_AT} on. A panel larger than
     * L1 streams from L2 in every tile, and there a 512-bit load that straddles two cache lines costs:
     * on the Intel Xeon of 2026-11-30 the W2 products ran about 5 % faster from a 64-byte boundary
     * (docs/PERFORMANCE.md). A Java array begins at any 8-byte boundary, so such a panel gets a G1
     * humongous array, which begins at a region boundary ({@link AlignedRows#scratch}; half a region
     * of memory per thread). Smaller panels stay in L1, where it matters little. Never the bits.
     */
    private static float[] newPanel(int floats) {
        if ((long) floats * Float.BYTES < Machine.current().l1dBytes()) return new float[PANEL_AT + floats];
        return AlignedRows.scratch(floats);
    }

    /**
     * Copies rows r0 … r0 + valid − 1 of X to dst from {@code off}, X(r0 + r, p) at
     * {@code dst[off + p·R + r]}; the rows of the block past the last valid one repeat it (their
     * sums land in the scratch tile and are dropped).
     */
    private void packRows(int r0, int valid, float[] dst, int off, int[] offsets) {
        int R = tileRows;
        if (rs == 1 && R == 6 && valid == 6) {  // TN, a full block of the 6 × 2 tile: see the loop below
            for (int p = 0, s = r0, d = off; p < k; p++, s += ps, d += 6) {
                dst[d] = x[s];
                dst[d + 1] = x[s + 1];
                dst[d + 2] = x[s + 2];
                dst[d + 3] = x[s + 3];
                dst[d + 4] = x[s + 4];
                dst[d + 5] = x[s + 5];
            }
            return;
        }
        if (rs == 1 && R == 5 && valid == 5) {  // the same for the 5 × 2 tile: W2's ΔW products 3–7 % faster (Zen 3, 2026-12-02)
            for (int p = 0, s = r0, d = off; p < k; p++, s += ps, d += 5) {
                dst[d] = x[s];
                dst[d + 1] = x[s + 1];
                dst[d + 2] = x[s + 2];
                dst[d + 3] = x[s + 3];
                dst[d + 4] = x[s + 4];
            }
            return;
        }
        // X(r, p) for consecutive r side by side (TN): R floats per p. For six floats a System.arraycopy
        // per p cost more than the six copies written out above (measured together with pack's copies; see there).
        if (rs == 1) {
            for (int p = 0; p < k; p++) {
                int s = r0 + p * ps, d = off + p * R;
                System.arraycopy(x, s, dst, d, valid);
                for (int r = valid; r < R; r++) dst[d + r] = x[s + valid - 1];
            }
            return;
        }
        // Rows of X contiguous along p (NN, NT): row copies, or a transposition.
        if (asRows) {
            for (int r = 0; r < R; r++) System.arraycopy(x, Math.min(r0 + r, r0 + valid - 1) * rs, dst, off + r * ROW_STRIDE, k);
            return;
        }
        if (R == 12) twelveRows(x, rs, ps, k, r0, valid, dst, off);
        else if (R == 6) sixRows(x, rs, ps, k, r0, valid, dst, off);
        else if (R == 5) fiveRows(x, rs, ps, k, r0, valid, dst, off);
        else gatherRows(x, rs, ps, k, R, r0, valid, dst, off, offsets);
    }

    /**
     * {@link #packRows}'s transposition of rows r0 … r0 + valid − 1 of X(r, p) = {@code x[r·rs + p·ps]}
     * (padded to R rows by repeating the last) into k groups of R floats, by gathers: copying one float
     * at a time in a loop over R cost a quarter of an NT product's time (Intel Xeon, 2026-11-30). A
     * gather fills a whole vector of the packed block, g successive p of the R rows, from g·R floats
     * spread over R rows; a group of g p takes n vectors: g·R = n·VL, the least such (R = 8: g = 2,
     * n = 1). {@code offsets} is scratch of 2·R·VL ints.
     */
    static void gatherRows(float[] x, int rs, int ps, int k, int R, int r0, int valid, float[] dst, int off, int[] offsets) {
        int g = VL / gcd(R, VL), n = g * R / VL;
        for (int e = 0; e < n * VL; e++) offsets[e] = Math.min(e % R, valid - 1) * rs + (e / R) * ps;
        int s = r0 * rs, p = 0;
        for (; p + g <= k; p += g) {
            for (int v = 0; v < n; v++) {
                FloatVector.fromArray(Lanes.S, x, s + p * ps, offsets, v * VL).intoArray(dst, off + p * R + v * VL);
            }
        }
        for (; p < k; p++) {                    // the last k mod g
            for (int r = 0; r < R; r++) dst[off + p * R + r] = x[s + offsets[r] + p * ps];
        }
    }

    /**
     * The same transposition for the 6 × 2 tile (R = 6), one float at a time with the six rows written out.
     * The tile is AVX2's, and there a gather is slow: on AMD's Zen 3 (2026-12-01), a 6-row block of a
     * 1024-wide X (from L3, into a 24 KB block) took 1.0–1.2 ns a float by gathers and 0.6–0.8 with this
     * loop (the same loop over a row count held in a variable: 1.6–1.7). `bench` class
     * {@code math.vector.RowPacking}; docs/PERFORMANCE.md, "AMD EPYC (Zen 3)".
     */
    static void sixRows(float[] x, int rs, int ps, int k, int r0, int valid, float[] dst, int off) {
        int last = r0 + valid - 1;              // the rows past the last valid one repeat it
        int s0 = r0 * rs, s1 = Math.min(r0 + 1, last) * rs, s2 = Math.min(r0 + 2, last) * rs;
        int s3 = Math.min(r0 + 3, last) * rs, s4 = Math.min(r0 + 4, last) * rs, s5 = Math.min(r0 + 5, last) * rs;
        for (int p = 0, d = off; p < k; p++, d += 6) {
            int q = p * ps;
            dst[d] = x[s0 + q];
            dst[d + 1] = x[s1 + q];
            dst[d + 2] = x[s2 + q];
            dst[d + 3] = x[s3 + q];
            dst[d + 4] = x[s4 + q];
            dst[d + 5] = x[s5 + q];
        }
    }

    /** {@link #sixRows} for the 5 × 2 tile, AVX2's other one. */
    static void fiveRows(float[] x, int rs, int ps, int k, int r0, int valid, float[] dst, int off) {
        int last = r0 + valid - 1;              // the rows past the last valid one repeat it
        int s0 = r0 * rs, s1 = Math.min(r0 + 1, last) * rs, s2 = Math.min(r0 + 2, last) * rs;
        int s3 = Math.min(r0 + 3, last) * rs, s4 = Math.min(r0 + 4, last) * rs;
        for (int p = 0, d = off; p < k; p++, d += 5) {
            int q = p * ps;
            dst[d] = x[s0 + q];
            dst[d + 1] = x[s1 + q];
            dst[d + 2] = x[s2 + q];
            dst[d + 3] = x[s3 + q];
            dst[d + 4] = x[s4 + q];
        }
    }

    /**
     * {@link #sixRows} for the 12 × 2 tile (AVX-512): on AMD's Zen 5 (2026-12-02) W's 12-row blocks of an NT
     * forward product (1024 × 784, from L3) took 0.35 ns a float this way, 0.44 by {@link #gatherRows}.
     */
    static void twelveRows(float[] x, int rs, int ps, int k, int r0, int valid, float[] dst, int off) {
        int last = r0 + valid - 1;              // the rows past the last valid one repeat it
        int s0 = r0 * rs, s1 = Math.min(r0 + 1, last) * rs, s2 = Math.min(r0 + 2, last) * rs;
        int s3 = Math.min(r0 + 3, last) * rs, s4 = Math.min(r0 + 4, last) * rs, s5 = Math.min(r0 + 5, last) * rs;
        int s6 = Math.min(r0 + 6, last) * rs, s7 = Math.min(r0 + 7, last) * rs, s8 = Math.min(r0 + 8, last) * rs;
        int s9 = Math.min(r0 + 9, last) * rs, s10 = Math.min(r0 + 10, last) * rs, s11 = Math.min(r0 + 11, last) * rs;
        for (int p = 0, d = off; p < k; p++, d += 12) {
            int q = p * ps;
            dst[d] = x[s0 + q];
            dst[d + 1] = x[s1 + q];
            dst[d + 2] = x[s2 + q];
            dst[d + 3] = x[s3 + q];
            dst[d + 4] = x[s4 + q];
            dst[d + 5] = x[s5 + q];
            dst[d + 6] = x[s6 + q];
            dst[d + 7] = x[s7 + q];
            dst[d + 8] = x[s8 + q];
            dst[d + 9] = x[s9 + q];
            dst[d + 10] = x[s10 + q];
            dst[d + 11] = x[s11 + q];
        }
    }

    /** Whether some tile of the current product runs a one-vector kernel (4 × 1, 2 × 1), which reads X p-major. */
    private boolean oneVectorPanels() {
        return width == VL || (lanes % width != 0 && lanes % width <= VL);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * Packs panels g … g + size − 1 into dst from {@code at}, panel g + j at {@code at + j·width·k} (see
     * {@link #pack}); the last panel of the product may be ragged.
     */
    private void packGroup(int g, int size, float[] dst, int at, int[] offsets) {
        int full = Math.max(0, Math.min(size, lanes / width - g)), slot = width * k;
        if (!yByLane && width == 2 * VL) {
            // Full panels of two vectors (the 6 × 2 and 12 × 2 tiles), Y stored by rows of p: row after row of
            // Y, the group's panels side by side, two vector copies each. A System.arraycopy of 16 floats per
            // p and panel cost W2's gemmNN 256×1024×1024 (64 panels × 1,024 p) 15–20 % of its time, the whole
            // W2 step 5–8 % with the TN row blocks' copies in packRows (Zen 3, 2026-12-01, switched every 10 steps
            // in one JVM; docs/PERFORMANCE.md, "Session 17"); the same copies written as a loop over the
            // vectors gained nothing. Panels of three or four vectors (AVX-512's tiles) keep the arraycopy: unmeasured.
            for (int p = 0, s = g * width, d = at; p < k; p++, s += ldy, d += width) {
                for (int j = 0, e = s, f = d; j < full; j++, e += width, f += slot) {
                    FloatVector.fromArray(Lanes.S, y, e).intoArray(dst, f);
                    FloatVector.fromArray(Lanes.S, y, e + VL).intoArray(dst, f + VL);
                }
            }
        } else {
            for (int j = 0; j < full; j++) pack(g + j, width, width, dst, at + j * slot, offsets);
        }
        if (full < size) {
            int q = g + full, valid = lanes - q * width;
            pack(q, valid, valid <= VL ? VL : width, dst, at + full * slot, offsets);
        }
    }

    /**
     * Copies the valid lanes of panel q (from l0 = q·width) to dst, Y(p, l0 + l) at
     * {@code dst[at + p·w + l]}, w lanes per p. Lanes past the last are zero, so the edge vectors
     * never compute on stale scratch (denormals would be slow).
     */
    private void pack(int q, int valid, int w, float[] dst, int at, int[] offsets) {
        int l0 = q * width;
        if (!yByLane) {
            for (int p = 0; p < k; p++) {
                int d = at + p * w;
                System.arraycopy(y, p * ldy + l0, dst, d, valid);
                for (int l = valid; l < w; l++) dst[d + l] = 0f;
            }
        } else {
            // A transposition (NT: Y stored by lanes): VL lanes for one p at a time in one gather
            // from VL rows of y, which stay in L1 for the following p. Scalar only for the lanes
            // past the last whole vector.
            for (int j = 0; j < VL; j++) offsets[j] = j * ldy;
            int l = 0;
            for (; l + VL <= valid; l += VL) {
                int s = (l0 + l) * ldy;
                for (int p = 0; p < k; p++) FloatVector.fromArray(Lanes.S, y, s + p, offsets, 0).intoArray(dst, at + p * w + l);
            }
            // The lanes past the last whole vector: the ragged ones one float at a time, then whole vectors
            // of zeros (W1's output layer: 32 samples in a panel of 48 lanes, 16 of them padding; zeroed one
            // float at a time, gemmNT 32×10×100 took 3.8–3.9 µs, with vectors 3.3–3.6, with Arrays.fill
            // 3.6–3.9). The zero vector is made where it is stored: made once before the loop, C2 kept it
            // as an object, 80 bytes per panel packed (1,760 a W2 step).
            int pad = Math.max(l, valid) + (VL - Math.max(l, valid) % VL) % VL;
            for (int p = 0; l < w && p < k; p++) {
                int d = at + p * w;
                for (int m = l; m < valid; m++) dst[d + m] = y[(l0 + m) * ldy + p];
                for (int m = Math.max(l, valid); m < pad; m++) dst[d + m] = 0f;
                for (int m = pad; m < w; m += VL) FloatVector.zero(Lanes.S).intoArray(dst, d + m);
            }
        }
    }
}
