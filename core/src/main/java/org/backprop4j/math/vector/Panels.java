package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;

/**
 * The main engine: panels of lanes, rows broadcast. Every form computes C(i,j) = Σ_p A(i,p)·B(p,j);
 * the forms differ only in where A(i,p) and B(p,j) sit in memory. Each product is handed to this
 * engine as two operands:
 * <ul>
 *   <li>the <em>row side</em> X(r,p), read one float at a time and broadcast to every lane, from
 *       wherever it lies (row r at x[r·rs], successive p at stride ps; so no form copies it);
 *   <li>the <em>lane side</em> Y(p,l), read as whole vectors: for each p, the values of a
 *       <em>panel</em> of up to four vectors of consecutive lanes l must lie side by side.
 * </ul>
 * When Y is stored by rows of p (B in NN and TN) and few row blocks will reuse a panel, full
 * panels are read in place; otherwise a panel is first copied ("packed") into scratch, transposed
 * on the way when Y is stored by lanes (the NT form). The output C(r,l) goes to C row by row
 * (r = i, l = j) or transposed (r = j, l = i).
 *
 * <p>The micro-kernels ({@link MicroKernels}) hold a tile of C in registers — 4 rows × 4 vectors
 * (16 accumulators, 64 columns with 512-bit vectors) — and for each p load the panel's vectors,
 * broadcast one X value per row and issue one fused multiply-add per accumulator. Tiles are taken
 * panel after panel, so a panel (k × 64 floats) stays in L2 while the rows of X stream past it.
 * The k loop is not blocked: each output is a single register-resident chain
 * acc = fma(X(r,p), Y(p,l), acc), p = 0 … k−1. Ragged edges take no masked paths: the last panel
 * is packed with zero lanes up to full width, a short last row block repeats its last row, and an
 * edge tile goes through a small scratch tile. The 4 × 1 kernel serves panels of one vector:
 * products whose lanes all fit one (an output layer of 10 units), whatever the batch, and a last
 * panel of at most VL lanes. (Variants for ragged panels, 8 rows × 1 or 2 vectors, were dropped
 * on purpose: one that only a ragged last batch used reached the JIT's optimising tier seconds
 * late and ran boxed, hundreds of KB allocated per step, until then.)
 *
 * <p>C(r,l) = Σ_p X(r,p)·Y(p,l) for r < rows, l < lanes, with X(r,p) = {@code x[r·rs + p·ps]},
 * Y(p,l) = {@code y[p·ldy + l]} (or {@code y[l·ldy + p]} if yByLane), and C(r,l) written to
 * {@code c[r·ldc + l]} (or {@code c[l·ldc + r]} if cByLane).
 *
 * <p>The tiles form a grid of row blocks (4 rows) × panels (PANEL lanes, or one vector when all
 * lanes fit one; a last panel of more than one vector is padded with zero lanes, so a ragged
 * last batch runs the micro-kernels the JIT compiled in the first steps). The units of the layer are the rows or the lanes; the
 * shares cut them (see {@link Tiles}), and inside a share the tiles go panel after panel, so a
 * packed panel serves all the share's row blocks.
 */
final class Panels extends Tiles {
    /** Vectors in a full panel. */
    static final int NV = 4;
    /** Lanes in a full panel. */
    static final int PANEL = NV * VL;
    /** Floats of W (or ΔW) per thread up to which each thread keeps its own rows: 512 KB, a quarter of a 2 MB L2. */
    private static final long OWNED_MAX_FLOATS = 1L << 17;
    /**
     * Up to this many rows the main engine reads full panels in place instead of packing them: with
     * few row blocks to reuse it, a copy of the panel does not pay for itself. (With many rows and a
     * long k, the packed copy wins slightly: it is contiguous, where B's rows are pages apart.)
     */
    private static final int READ_IN_PLACE_MAX_ROWS = 128;

    // The current product; written by the caller before Pool#run publishes it to the workers.
    private int rows, lanes, k, rs, ps, ldy, ldc;
    private float[] x, y, c;
    private boolean yByLane, cByLane, inPlace, unitsAreRows;
    private int panelCount, rowBlocks;
    private int width;                          // lanes per panel: PANEL, or VL when all lanes fit one vector
    private int product;                        // counts products, so a stale packed panel is never reused

    // Per-thread scratch, grown on demand and then reused; only thread t touches slot t.
    private final float[][] packed;             // the panel of the tile at hand
    private final int[] packedPanel;            // which panel packed[t] holds …
    private final int[] packedProduct;          // … and for which product

    Panels(int threads) {
        super(threads);
        packed = new float[threads][0];
        packedPanel = new int[threads];
        packedProduct = new int[threads];
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
        this.unitsAreRows = unitsAreRows && (long) rows * Math.max(k, lanes) <= OWNED_MAX_FLOATS * tiles.length;
        inPlace = !yByLane && rows <= READ_IN_PLACE_MAX_ROWS;
        product++;
        width = lanes <= VL ? VL : PANEL;
        panelCount = (lanes + width - 1) / width;
        rowBlocks = (rows + 3) / 4;
        tiles(panelCount * rowBlocks, 4L * width * k);
    }

    @Override
    void release() {
        x = y = c = null;
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
            q = local / stripe;
            rb = b0 + local % stripe;
        } else {                                // panel by panel; a share is whole panels
            q = i / rowBlocks;
            rb = i % rowBlocks;
        }
        int r0 = rb * 4;
        int l0 = q * width;
        int lanesValid = Math.min(width, lanes - l0);
        int rowsValid = Math.min(4, rows - r0);
        // A last panel of one vector or less (784 = 12 × 64 + 16) takes the one-vector kernel:
        // half the speed on a quarter of the lanes the padded 4 × 4 tile would compute.
        int w = lanesValid <= VL ? VL : width;

        // The panel: in place when allowed and whole, else packed (once per panel and thread).
        float[] pk = y;
        int pb = l0, pstride = ldy;
        if (!inPlace || lanesValid < w) {
            pk = packed[t];
            if (packedPanel[t] != q || packedProduct[t] != product) {
                if (pk.length < PANEL * k) packed[t] = pk = new float[PANEL * k];
                pack(q, lanesValid, w, pk);
                packedPanel[t] = q;
                packedProduct[t] = product;
            }
            pb = 0;
            pstride = w;
        }

        boolean direct = !cByLane && rowsValid == 4 && lanesValid == w;
        float[] tile = tiles[t];
        float[] out = direct ? c : tile;
        int o = direct ? r0 * ldc + l0 : 0;
        int ldo = direct ? ldc : w;
        if (w == PANEL) MicroKernels.kernel4x4(k, x, r0 * rs, rs, ps, rowsValid, pk, pb, pstride, out, o, ldo);
        else MicroKernels.kernel4x1(k, x, r0 * rs, rs, ps, rowsValid, pk, pb, pstride, out, o, ldo);
        if (direct) return;
        if (cByLane) {
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
     * Copies the valid lanes of panel q (from l0 = q·width) to dst, Y(p, l0 + l) at
     * {@code dst[p·w + l]}, w lanes per p. Lanes past the last are zero, so the edge vectors
     * never compute on stale scratch (denormals would be slow).
     */
    private void pack(int q, int valid, int w, float[] dst) {
        int l0 = q * width;
        if (!yByLane) {
            for (int p = 0; p < k; p++) {
                int d = p * w;
                System.arraycopy(y, p * ldy + l0, dst, d, valid);
                for (int l = valid; l < w; l++) dst[d + l] = 0f;
            }
        } else {
            // A transposition, in blocks of 16 p, so that the 16-float pieces of the source rows
            // and the destination block all stay in L1.
            for (int pb = 0; pb < k; pb += 16) {
                int pe = Math.min(pb + 16, k);
                for (int l = 0; l < valid; l++) {
                    int s = (l0 + l) * ldy;
                    for (int p = pb; p < pe; p++) dst[p * w + l] = y[s + p];
                }
                for (int p = pb; p < pe; p++) {
                    for (int l = valid; l < w; l++) dst[p * w + l] = 0f;
                }
            }
        }
    }
}
