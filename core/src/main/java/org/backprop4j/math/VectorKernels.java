package org.backprop4j.math;

import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.backprop4j.nn.Activation;

/**
 * The fast kernels: register-blocked matrix products on the incubating Vector API
 * ({@code jdk.incubator.vector}), split over a few threads when a product is large. What each
 * product computes is stated plainly in {@link NaiveKernels}; {@link JavaKernels} stands in when
 * the module is absent. On AVX-512 it runs the layer shapes of a training step at close to 90 %
 * of the FMA units' peak per core for batches of 32 and more, about 20 times JavaKernels.
 *
 * <h2>The main engine: panels of lanes, rows broadcast</h2>
 * Every form computes C(i,j) = Σ_p A(i,p)·B(p,j); the forms differ only in where A(i,p) and
 * B(p,j) sit in memory. Each product is handed to one engine that sees two operands:
 * <ul>
 *   <li>the <em>row side</em> X(r,p), read one float at a time and broadcast to every lane, from
 *       wherever it lies (row r at x[r·rs], successive p at stride ps; so no form copies it);
 *   <li>the <em>lane side</em> Y(p,l), read as whole vectors: for each p, the values of a
 *       <em>panel</em> of up to four vectors of consecutive lanes l must lie side by side.
 * </ul>
 * When Y is stored by rows of p (B in NN and TN) and few row blocks will reuse a panel, full
 * panels are read in place; otherwise a panel is first copied ("packed") into scratch, transposed
 * on the way when Y is stored by lanes (the NT form) — so for NT the lanes run over the smaller of
 * m and n, the batch as a rule. The output C(r,l) goes to C row by row (r = i, l = j) or
 * transposed (r = j, l = i).
 *
 * <p>The micro-kernel holds a tile of C in registers — 4 rows × 4 vectors (16 accumulators, 64
 * columns with 512-bit vectors) — and for each p loads the panel's vectors, broadcasts one X value
 * per row and issues one fused multiply-add per accumulator: 8 loads for 16 FMAs, so the FMA units
 * set the pace. Tiles are taken panel after panel, so a panel (k × 64 floats) stays in L2 while
 * the rows of X stream past it. The k loop is not blocked: for the layer widths of an MLP it costs
 * little, and it leaves each output a single register-resident sum. Ragged edges take no masked
 * paths: the last panel is packed with zero lanes up to full width, a short last row block repeats
 * its last row, and an edge tile goes through a small scratch tile. The one other micro-kernel,
 * 4 rows × 1 vector, serves panels of one vector: products whose lanes all fit one (an output
 * layer of 10 units), whatever the batch, and a last panel of at most VL lanes. Variants for
 * ragged panels (8 rows × 1 or 2 vectors) are gone on purpose: they saved a few percent, but one
 * that only a ragged last batch used reached the JIT's optimising tier seconds late and ran boxed
 * (hundreds of KB allocated per step) until then.
 * {@link #gemmNT} picks its orientation by a rough cycle count (tiles, padding, transposition).
 *
 * <h2>The dot engine, for NT with a small side</h2>
 * In NT both operands run along p, so C(i,j) is a dot product of two contiguous rows. When one
 * side is small (a batch of 10) or both are moderate (≤ 256), transposing a panel costs more than
 * it saves and lanes over a 10-row batch would be 6/16 empty. Then a 4 × 4 tile of dot products is
 * accumulated along p, a vector of VL consecutive p at a time, and the 16 accumulators are summed
 * across lanes together at the end by log2(VL) rounds of lane swaps; the k mod VL leftover terms
 * are added one by one.
 *
 * <h2>Summation order, threads and memory</h2>
 * In the main engine every output is the chain acc = fma(X(r,p), Y(p,l), acc) for p = 0 … k−1
 * from acc = 0, whatever tile, panel or thread computes it; in the dot engine, VL such chains (one
 * per p mod VL) summed by a fixed tree, then the leftover terms. Which engine runs depends on the
 * shape alone. So the results depend on the shapes and inputs only: bit-identical for any thread
 * count. Threads share out output tiles (and, for the elementwise passes, the update and the
 * gather, rows), never a k-sum; see {@link Tiles} and {@link Pool}. Every job cuts a layer's units
 * at the same places, so each thread keeps its rows of W and ΔW in its own core's cache. Small
 * products stay on the caller's thread (see PARALLEL_MIN_FMAS), except one sample's product, which
 * is split over workers that are awake anyway (see {@link #matrixVector}).
 *
 * <p>Scratch (one packed panel and one edge tile per thread) grows to the largest shape seen and
 * is then reused, so a call allocates nothing in steady state. Not safe for concurrent use from
 * several caller threads; give each trainer its own instance.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector: 16 with AVX-512, 8 with AVX2. */
    private static final int VL = S.length();
    /** Vectors in a full panel. */
    private static final int NV = 4;
    /** Lanes in a full panel. */
    private static final int PANEL = NV * VL;
    /** Floats in the largest register tile (4 rows × 4 vectors, or the dot tile). */
    private static final int TILE = 16 * VL;
    /**
     * Below this many multiply-adds (about 10 µs of work) a product stays on the caller's thread:
     * waking a worker and sharing the tiles would cost more than it saves.
     */
    private static final long PARALLEL_MIN_FMAS = 1L << 19;
    /**
     * A one-sample product (m = 1) of at least this many multiply-adds (a 100×256 layer) is split
     * over awake workers: it streams its weights from L2, and two cores stream twice as fast.
     */
    private static final long MATRIX_VECTOR_SPLIT_FMAS = 1L << 15;
    /**
     * What an element of bias + activation or of E7's ⊙ f'(z) costs, in multiply-adds: so the
     * elementwise passes are split over the threads from about 64K elements (a batch of 256 × 256).
     */
    private static final long ELEMENTWISE_COST = 8;
    /** What a float of the batch gather costs, in multiply-adds: a row comes from memory, not cache. */
    private static final long GATHER_COST = 32;
    /** Floats of W (or ΔW) per thread up to which each thread keeps its own rows: 512 KB, a quarter of this machine's L2. */
    private static final long OWNED_MAX_FLOATS = 1L << 17;
    /**
     * Up to this many rows the main engine reads full panels in place instead of packing them: with
     * few row blocks to reuse it, a copy of the panel does not pay for itself. (With many rows and a
     * long k, the packed copy wins slightly: it is contiguous, where B's rows are pages apart.)
     */
    private static final int READ_IN_PLACE_MAX_ROWS = 128;

    private final int threads;
    private final Panels panels;
    private final Dots dots;
    private final Descent descent;
    private final Gather gather;
    private final RowDots rowDots;
    private final Rows rows;
    /** Created by the first product big enough to split, so one-sample predictions start no threads. */
    private Pool pool;

    /** Shuts down the pools of unreachable kernels (their workers are daemons, but would park forever). */
    private static final class Reaper {
        static final Cleaner CLEANER = Cleaner.create();   // a thread of its own: started only with the first pool
    }

    /** Kernels that split large products over {@code threads} threads: the caller and threads − 1 workers. */
    VectorKernels(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.panels = new Panels(threads);
        this.dots = new Dots(threads);
        this.descent = new Descent(threads);
        this.gather = new Gather(threads);
        this.rowDots = new RowDots(threads);
        this.rows = new Rows(threads);
    }

    /** True if the preferred vector shape has enough lanes for this blocking to beat {@link JavaKernels}. */
    static boolean worthwhile() {
        return VL >= 8;
    }

    /** The most threads a product is split over. */
    int threads() {
        return threads;
    }

    /**
     * c[m×n] = a[m×k] · b[n×k]ᵀ. Both operands run along p: dot products when a side is small (see
     * the class comment), else panels transposed from the smaller side, with the larger side (the
     * weights, as a rule) read in place as rows.
     */
    @Override
    public void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c) {
        check(m, n, k, a, b, c);
        if (m == 0 || n == 0) return;
        if (m == 1 && k >= VL) {
            matrixVector(n, k, b, a, c);
            return;
        }
        if (useDots(m, n, k)) {
            dots.set(m, n, k, a, b, c);
            run(dots, (long) m * n * k);
        } else if (cost(n, m, k, (long) m * k) <= cost(m, n, k, (long) n * k)) {
            panels.set(n, m, k, b, k, 1, a, k, true, c, n, true, true);        // rows j (units), lanes i
            run(panels, (long) m * n * k);
        } else {
            panels.set(m, n, k, a, k, 1, b, k, true, c, n, false, false);      // rows i, lanes j (units)
            run(panels, (long) m * n * k);
        }
    }

    /**
     * Rough cycles of a rows × lanes × k product on the main engine, from the register tiles (padded
     * lanes included; a one-vector panel runs at half speed) and the floats its lane side transposes.
     */
    private static long cost(int rows, int lanes, int k, long transposed) {
        int width = lanes <= VL ? VL : PANEL;
        long tiles = (long) ((rows + 3) / 4) * ((lanes + width - 1) / width);
        long fmas = tiles * 4 * (width / VL) * k;                      // vector FMAs
        return (width == VL ? fmas : fmas / 2) + transposed;          // two a cycle, one in a one-vector tile
    }

    /**
     * The dot engine pays when a panel transposition would be amortised over few rows (the other
     * side ≤ 256) or lanes would be mostly empty (a side ≤ 16), and k is long enough to amortise
     * the sum across lanes. Its lane-sum rounds are written for 8 or 16 lanes.
     */
    private static boolean useDots(int m, int n, int k) {
        return (VL == 8 || VL == 16) && k >= 16 * VL && (Math.min(m, n) <= 16 || Math.max(m, n) <= 256);
    }

    /** c[m×n] = a[m×k] · b[k×n]. A's rows are X's rows, B's rows of p are already panels. */
    @Override
    public void gemmNN(int m, int n, int k, float[] a, float[] b, float[] c) {
        check(m, n, k, a, b, c);
        if (m == 0 || n == 0) return;
        panels.set(m, n, k, a, k, 1, b, n, false, c, n, false, false);     // rows i, lanes j (units of the layer below)
        run(panels, (long) m * n * k);
    }

    /**
     * c[m×n] = a[k×m]ᵀ · b[k×n]. Both operands are stored by rows of p, so either can give the
     * panels; the lanes run over j (C written row by row) unless n is narrow and m wider.
     */
    @Override
    public void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c) {
        check(m, n, k, a, b, c);
        if (m == 0 || n == 0) return;
        if (n >= m || n >= PANEL) {
            panels.set(m, n, k, a, 1, m, b, n, false, c, n, false, true);      // rows i (units), lanes j
        } else {
            panels.set(n, m, k, b, 1, n, a, m, false, c, n, true, false);      // rows j, lanes i (units)
        }
        run(panels, (long) m * n * k);
    }

    /**
     * c[j] = b_j · x for the n rows of b[n×k]: one sample's forward product (a prediction). The dot
     * engine's 4 × 4 tile would repeat the single row four times; here four rows of b share each
     * load of x. Each c[j] is VL chains along p (one per p mod VL) summed across lanes by halving, then the
     * k mod VL leftover terms: an order fixed by the shape. Split by rows over the threads when the
     * workers are awake (spinning after a recent job), since one core's L2 cannot stream the first
     * layer's weights fast enough (784×100 floats take ~3.4 µs); never waits for a parked worker.
     */
    private void matrixVector(int n, int k, float[] b, float[] x, float[] c) {
        if (threads > 1 && (long) n * k >= MATRIX_VECTOR_SPLIT_FMAS) {
            if (pool == null) startPool();
            if (pool.hot()) {                       // a parked worker would take longer to wake than the product lasts
                rowDots.set(n, k, b, x, c);
                run(rowDots, Math.min(threads, rowDots.tileCount), false);
                return;
            }
            pool.wake();                            // not for this product: for the next ones, if they come soon
        }
        matrixVector(0, n, k, b, x, c);
    }

    /** c[j] = b_j · x for the rows j0 … j1−1 of b[·×k]; see {@link #matrixVector(int, int, float[], float[], float[])}. */
    private static void matrixVector(int j0, int j1, int k, float[] b, float[] x, float[] c) {
        int bound = S.loopBound(k);
        int j = j0, n = j1;
        // Eight rows at a time: eight independent FMA chains hide the FMA latency, and each load of
        // x serves eight rows. The weights stream from L2, which sets the pace (about 3 µs for 784×100).
        for (; j + 8 <= n; j += 8) {
            int r0 = j * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k, r4 = r3 + k, r5 = r4 + k, r6 = r5 + k, r7 = r6 + k;
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
            c[j] = tail(laneSum(s0), b, r0, x, bound, k);
            c[j + 1] = tail(laneSum(s1), b, r1, x, bound, k);
            c[j + 2] = tail(laneSum(s2), b, r2, x, bound, k);
            c[j + 3] = tail(laneSum(s3), b, r3, x, bound, k);
            c[j + 4] = tail(laneSum(s4), b, r4, x, bound, k);
            c[j + 5] = tail(laneSum(s5), b, r5, x, bound, k);
            c[j + 6] = tail(laneSum(s6), b, r6, x, bound, k);
            c[j + 7] = tail(laneSum(s7), b, r7, x, bound, k);
        }
        for (; j < n; j++) {
            int r = j * k;
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0; p < bound; p += VL) {
                s0 = FloatVector.fromArray(S, b, r + p).fma(FloatVector.fromArray(S, x, p), s0);
            }
            float c0 = laneSum(s0);
            for (int p = bound; p < k; p++) c0 = Math.fma(b[r + p], x[p], c0);
            c[j] = c0;
        }
    }

    /** sum + the k mod VL leftover terms of row r, one by one. */
    private static float tail(float sum, float[] b, int r, float[] x, int from, int k) {
        for (int p = from; p < k; p++) sum = Math.fma(b[r + p], x[p], sum);
        return sum;
    }

    /**
     * The sum of a vector's lanes, in lane order. On JDK 17 reduceLanes(ADD) on floats adds the lanes
     * in order both when interpreted and when compiled (checked here: same bits under -Xint and C2,
     * equal to a sequential loop); the API allows any order, so BiasActivateTest guards that the bits
     * stay put when the JIT compiles this code. (A hand-written rearrange tree was boxed by C2, 7 KB
     * a call.)
     */
    private static float laneSum(FloatVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Bias and activation in one pass over each row. ReLU, identity and sigmoid run on vectors; tanh
     * stays scalar (Math.tanh in double). Sigmoid uses {@link #exp(FloatVector)}, built from exactly
     * rounded operations only, and not the Vector API's EXP: that one gives different last bits
     * before and after the JIT compiles it (seen after ~1,000 calls), which would make two runs of
     * the same seed differ.
     */
    @Override
    public void biasActivate(Activation f, int m, int n, float[] z, float[] bias, float[] a) {
        switch (f) {
            case SIGMOID, TANH, RELU, IDENTITY -> { }
            default -> {
                Kernels.super.biasActivate(f, m, n, z, bias, a);
                return;
            }
        }
        rows.set(Rows.BIAS_ACTIVATE, f, m, n, z, bias, a);
        run(rows, ELEMENTWISE_COST * m * n);
    }

    /** biasActivate on rows i0 … i1−1. */
    private static void biasActivateRows(Activation f, int i0, int i1, int n, float[] z, float[] bias, float[] a) {
        int bound = f == Activation.TANH ? 0 : S.loopBound(n);
        for (int i = i0; i < i1; i++) {
            int row = i * n;
            int j = 0;
            for (; j < bound; j += VL) {
                FloatVector v = FloatVector.fromArray(S, z, row + j).add(FloatVector.fromArray(S, bias, j));
                v.intoArray(z, row + j);
                FloatVector out = switch (f) {
                    case SIGMOID -> ONE.div(exp(v.neg()).add(1f));      // 1 / (1 + e^-z)
                    case RELU -> v.max(0f);
                    default -> v;
                };
                out.intoArray(a, row + j);
            }
            for (; j < n; j++) {
                float zj = z[row + j] + bias[j];
                z[row + j] = zj;
                a[row + j] = switch (f) {
                    case SIGMOID -> 1f / (exp(-zj) + 1f);                // the same arithmetic as the lanes
                    case TANH -> (float) Math.tanh(zj);
                    case RELU -> zj > 0f ? zj : 0f;
                    default -> zj;
                };
            }
        }
    }

    /**
     * E7's ⊙ f'(z) on vectors, for the activations whose f' is elementwise and cheap; per element
     * the same operations as {@link Activation#backward}, so the same bits. Large batches are split
     * by rows over the threads.
     */
    @Override
    public void activationBackward(Activation f, int m, int n, float[] z, float[] a, float[] g) {
        switch (f) {
            case SIGMOID, TANH, RELU -> { }
            case IDENTITY -> {
                return;                                                // f' = 1
            }
            default -> {
                Kernels.super.activationBackward(f, m, n, z, a, g);
                return;
            }
        }
        rows.set(Rows.BACKWARD, f, m, n, z, a, g);
        run(rows, ELEMENTWISE_COST * m * n);
    }

    /** g ⊙= f'(z) on elements from … to−1. */
    private static void backwardRange(Activation f, int from, int to, float[] z, float[] a, float[] g) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += VL) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            switch (f) {
                case SIGMOID -> {
                    FloatVector av = FloatVector.fromArray(S, a, i);
                    gv = gv.mul(av.mul(ONE.sub(av)));                  // g · a(1 − a)
                }
                case TANH -> {
                    FloatVector av = FloatVector.fromArray(S, a, i);
                    gv = gv.mul(ONE.sub(av.mul(av)));                  // g · (1 − a²)
                }
                default -> gv = FloatVector.zero(S).blend(gv, FloatVector.fromArray(S, z, i).compare(VectorOperators.GT, 0f));
            }
            gv.intoArray(g, i);
        }
        for (; i < to; i++) {
            g[i] = switch (f) {
                case SIGMOID -> g[i] * (a[i] * (1f - a[i]));
                case TANH -> g[i] * (1f - a[i] * a[i]);
                default -> z[i] > 0f ? g[i] : 0f;
            };
        }
    }

    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    // e^x = 2^n · e^r with n = round(x / ln 2) and r = x − n·ln 2 (|r| ≤ ln 2 / 2), ln 2 split in two
    // parts so that n·LN2_HI is exact; e^r by a degree-7 polynomial (the Cephes single-precision
    // coefficients); 2^n put straight into the exponent bits. About 1 ulp from the exact value.
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;                       // 1.5·2^23: x + ROUND rounds x to an integer
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /** e^x per lane, with x clamped to [−87, 88] (the float range of e^x without denormals). */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
        FloatVector t = x.fma(LOG2E, ROUND);                            // ROUND + n
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(V_NEG_LN2_HI, x);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = r.fma(P0, P1).fma(r, V_P2).fma(r, V_P3).fma(r, V_P4).fma(r, V_P5);
        FloatVector er = p.mul(r).fma(r, r).add(1f);                    // 1 + r + r²·p(r)
        IntVector bits = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND) - 127).lanewise(VectorOperators.LSHL, 23);
        return er.mul(bits.reinterpretAsFloats());                     // · 2^n
    }

    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI), V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO),
            V_P2 = FloatVector.broadcast(S, P2), V_P3 = FloatVector.broadcast(S, P3), V_P4 = FloatVector.broadcast(S, P4),
            V_P5 = FloatVector.broadcast(S, P5);

    /** The same e^x for one float, operation for operation. */
    static float exp(float x) {
        x = Math.min(Math.max(x, -87f), 88f);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
        float er = Math.fma(p * r, r, r) + 1f;
        int bits = (Float.floatToRawIntBits(t) - (Float.floatToRawIntBits(ROUND) - 127)) << 23;
        return er * Float.intBitsToFloat(bits);
    }

    /** Δb (E10): the rows added one after another, as in the naive loop, a vector of columns at a time. */
    @Override
    public void columnSums(int m, int n, float[] a, float[] out) {
        Objects.checkFromIndexSize(0, m * n, a.length);
        Objects.checkFromIndexSize(0, n, out.length);
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += VL) {
            FloatVector sum = FloatVector.zero(S);
            for (int i = 0; i < m; i++) sum = sum.add(FloatVector.fromArray(S, a, i * n + j));
            sum.intoArray(out, j);
        }
        for (; j < n; j++) {
            float sum = 0f;
            for (int i = 0; i < m; i++) sum += a[i * n + j];
            out[j] = sum;
        }
    }

    /** E11 by rows: each thread updates the rows of W it computed in the products (see {@link Tiles}). */
    @Override
    public void descend(int rows, int cols, float[] w, float[] dw, float alpha, int K, float lambda) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("bad shape " + rows + "×" + cols);
        Objects.checkFromIndexSize(0, rows * cols, w.length);
        Objects.checkFromIndexSize(0, rows * cols, dw.length);
        if (rows == 0 || cols == 0) return;
        descent.set(rows, cols, w, dw, alpha, K, lambda);
        // An update reads 2 and writes 1 float per element: count it like a few multiply-adds.
        run(descent, 16L * rows * cols);
    }

    @Override
    public void descend(int n, float[] w, float[] dw, float alpha, int K, float lambda) {
        descend(1, n, w, dw, alpha, K, lambda);
    }

    /**
     * The batch's rows, copied by the threads that will use them first: each thread brings half the
     * rows from memory (the data set is far larger than the caches), so the copy takes half as long.
     */
    @Override
    public void gatherRows(float[] src, int cols, int[] order, int from, int K, float[] dst) {
        if (K < 0 || cols < 0) throw new IllegalArgumentException("bad shape " + K + "×" + cols);
        Objects.checkFromIndexSize(from, K, order.length);
        Objects.checkFromIndexSize(0, K * cols, dst.length);
        if (K == 0 || cols == 0) return;
        gather.set(src, cols, order, from, K, dst);
        run(gather, GATHER_COST * K * cols);
    }

    /** w := w − alpha·(dw/K + lambda·w) on elements from … to−1: per lane the same operations as the scalar loop. */
    private static void descendRange(float[] w, float[] dw, int from, int to, float alpha, int K, float lambda) {
        float k = K;
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += VL) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector step = FloatVector.fromArray(S, dw, i).div(k).add(wv.mul(lambda)).mul(alpha);
            wv.sub(step).intoArray(w, i);
        }
        for (; i < to; i++) w[i] -= alpha * (dw[i] / k + lambda * w[i]);
    }

    private static void check(int m, int n, int k, float[] a, float[] b, float[] c) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("bad shape " + m + "×" + n + "×" + k);
        Objects.checkFromIndexSize(0, m * k, a.length);
        Objects.checkFromIndexSize(0, n * k, b.length);
        Objects.checkFromIndexSize(0, m * n, c.length);
        if (c == a || c == b) throw new IllegalArgumentException("the output must not alias an input");
    }

    /** Runs a prepared job on the caller alone, or with the workers if it is big enough. */
    private void run(Tiles job, long fmas) {
        run(job, fmas >= PARALLEL_MIN_FMAS ? Math.min(threads, job.tileCount) : 1, true);
    }

    /** Runs a prepared job on t threads (the caller alone if t = 1); see {@link Pool#run} for {@code wake}. */
    private void run(Tiles job, int t, boolean wake) {
        job.share(t);
        try {
            if (t == 1) {
                job.work(0);
            } else {
                if (pool == null) startPool();
                pool.run(job, t, wake);
            }
        } finally {
            job.release();
        }
    }

    private void startPool() {
        pool = new Pool(threads - 1);
        Reaper.CLEANER.register(this, pool::shutdown); // stops the workers once these kernels are unreachable
    }

    // ------------------------------------------------------------------------------------------
    // Sharing the tiles of one product among threads.
    // ------------------------------------------------------------------------------------------

    /** Work shared by threads 0 … n−1 of a {@link Pool}; thread 0 is the caller. */
    interface Job {
        /** Does thread t's share of the work, then helps with whatever is left of the others'. */
        void work(int t);
    }

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
     * <p>Kept apart from {@link VectorKernels} (static classes), so that worker threads never hold
     * a reference to the kernels object, which would stop the {@link Cleaner} from shutting them down.
     */
    private abstract static class Tiles implements Job {
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
    }

    /**
     * Where share u of {@code shares} begins when {@code blocks} blocks of units are shared out: the
     * one split rule of every job, so that equal unit counts are always cut at the same places.
     */
    static int unitBlock(int blocks, int u, int shares) {
        return (int) ((long) blocks * u / shares);
    }

    // ------------------------------------------------------------------------------------------
    // The main engine.
    // ------------------------------------------------------------------------------------------

    /**
     * C(r,l) = Σ_p X(r,p)·Y(p,l) for r < rows, l < lanes, with X(r,p) = {@code x[r·rs + p·ps]},
     * Y(p,l) = {@code y[p·ldy + l]} (or {@code y[l·ldy + p]} if yByLane), and C(r,l) written to
     * {@code c[r·ldc + l]} (or {@code c[l·ldc + r]} if cByLane).
     *
     * <p>The tiles form a grid of row blocks (4 rows) × panels (PANEL lanes, or one vector when all
     * lanes fit one; a last panel of more than one vector is padded with zero lanes, so a ragged
     * last batch runs the micro-kernels the JIT compiled in the first steps). The units of the layer are the rows or the lanes; the
     * shares cut them (see {@link Tiles}), and inside a share the tiles go panel after panel, so a
     * packed panel serves all the share's row blocks.
     */
    private static final class Panels extends Tiles {
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
            if (w == PANEL) kernel4x4(k, x, r0 * rs, rs, ps, rowsValid, pk, pb, pstride, out, o, ldo);
            else kernel4x1(k, x, r0 * rs, rs, ps, rowsValid, pk, pb, pstride, out, o, ldo);
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

    /** E11 on a rows × cols matrix, in tiles of 4 rows: the row blocks of the products that wrote ΔW. */
    private static final class Descent extends Tiles {
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
    }

    /** Rows of the data set to a batch buffer, one tile per row. */
    private static final class Gather extends Tiles {
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
            tiles(K, GATHER_COST * cols);
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

    /** One sample's product c = B·x in tiles of 8 rows of B (see {@link #matrixVector}). */
    private static final class RowDots extends Tiles {
        private int n, k;
        private float[] b, x, c;

        RowDots(int threads) {
            super(threads);
        }

        void set(int n, int k, float[] b, float[] x, float[] c) {
            this.n = n;
            this.k = k;
            this.b = b;
            this.x = x;
            this.c = c;
            tiles((n + 7) / 8, 8L * k);
            chunk(3);                               // ~0.7 µs: fewer claims, and a late worker still leaves little to the caller
        }

        @Override
        void tile(int t, int i) {
            matrixVector(i * 8, Math.min(i * 8 + 8, n), k, b, x, c);
        }

        @Override
        void release() {
            b = x = c = null;
        }
    }

    /** An elementwise pass over the first m rows of an m × n batch, in tiles of 4 rows. */
    private static final class Rows extends Tiles {
        static final int BIAS_ACTIVATE = 0, BACKWARD = 1;
        private int what, m, n;
        private Activation f;
        private float[] x, y, w;

        Rows(int threads) {
            super(threads);
        }

        /** BIAS_ACTIVATE: x = z, y = bias, w = a. BACKWARD: x = z, y = a, w = g. */
        void set(int what, Activation f, int m, int n, float[] x, float[] y, float[] w) {
            this.what = what;
            this.f = f;
            this.m = m;
            this.n = n;
            this.x = x;
            this.y = y;
            this.w = w;
            tiles((m + 3) / 4, ELEMENTWISE_COST * 4 * n);
        }

        @Override
        void tile(int t, int i) {
            int i0 = i * 4, i1 = Math.min(i0 + 4, m);
            if (what == BIAS_ACTIVATE) biasActivateRows(f, i0, i1, n, x, y, w);
            else backwardRange(f, i0 * n, i1 * n, x, y, w);
        }

        @Override
        void release() {
            x = y = w = null;
        }
    }

    // ------------------------------------------------------------------------------------------
    // The dot engine (NT only).
    // ------------------------------------------------------------------------------------------

    /** C(i,j) = Σ_p A(i,p)·B(j,p) as dot products of rows, in 4 × 4 tiles numbered i-block fastest. */
    private static final class Dots extends Tiles {
        private int m, n, k;
        private float[] a, b, c;
        private int iBlocks;

        Dots(int threads) {
            super(threads);
        }

        void set(int m, int n, int k, float[] a, float[] b, float[] c) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.b = b;
            this.c = c;
            iBlocks = (m + 3) / 4;
            // i-block fastest: four rows of B stay in L1 while all of A (small here) passes them.
            tiles(iBlocks * ((n + 3) / 4), 16L * k);
        }

        @Override
        void release() {
            a = b = c = null;
        }

        @Override
        int shareStart(int u, int shares) {         // whole j blocks: the units are j, the rows of B = W
            return unitBlock((n + 3) / 4, u, shares) * iBlocks;
        }

        @Override
        void tile(int t, int i) {
            int i0 = i % iBlocks * 4, j0 = i / iBlocks * 4;
            int iv = Math.min(4, m - i0), jv = Math.min(4, n - j0);
            int kv = k - k % VL;
            float[] sums = tiles[t];
            // A short block repeats its last row, as in the main engine.
            dot4x4(kv, a, i0 * k, (i0 + Math.min(1, iv - 1)) * k, (i0 + Math.min(2, iv - 1)) * k,
                    (i0 + Math.min(3, iv - 1)) * k, b, j0 * k, (j0 + Math.min(1, jv - 1)) * k,
                    (j0 + Math.min(2, jv - 1)) * k, (j0 + Math.min(3, jv - 1)) * k, sums);
            for (int ii = 0; ii < iv; ii++) {
                for (int jj = 0; jj < jv; jj++) {
                    float s = sums[POS[ii * 4 + jj]];
                    int ap = (i0 + ii) * k, bp = (j0 + jj) * k;
                    for (int p = kv; p < k; p++) s = Math.fma(a[ap + p], b[bp + p], s);  // the k mod VL leftover
                    c[(i0 + ii) * n + j0 + jj] = s;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Micro-kernels of the main engine: mr rows × w vectors of C for (mr, w) = (4, 4), (4, 3),
    // (8, 2), (8, 1). Each is the same loop: Java cannot unroll over a count, and the accumulators
    // must be locals to live in registers. Row r of X starts at x[x0 + r·rs] and steps by ps per p;
    // with rowsValid < mr the last valid row is repeated (the extra sums land in the scratch tile and
    // are dropped), which is cheaper than a kernel per row count. The panel's vectors for p start
    // at pk[pb + p·pstride]; row r of the tile goes to out[o + r·ldo …].
    // ------------------------------------------------------------------------------------------

    private static void kernel4x4(int k, float[] x, int x0, int rs, int ps, int rowsValid,
                                  float[] pk, int pb, int pstride, float[] out, int o, int ldo) {
        int r0 = x0;
        int r1 = x0 + Math.min(1, rowsValid - 1) * rs;
        int r2 = x0 + Math.min(2, rowsValid - 1) * rs;
        int r3 = x0 + Math.min(3, rowsValid - 1) * rs;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0, xp = 0, q = pb; p < k; p++, xp += ps, q += pstride) {
            FloatVector y0 = FloatVector.fromArray(S, pk, q);
            FloatVector y1 = FloatVector.fromArray(S, pk, q + VL);
            FloatVector y2 = FloatVector.fromArray(S, pk, q + 2 * VL);
            FloatVector y3 = FloatVector.fromArray(S, pk, q + 3 * VL);
            FloatVector a = FloatVector.broadcast(S, x[r0 + xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            c02 = a.fma(y2, c02);
            c03 = a.fma(y3, c03);
            a = FloatVector.broadcast(S, x[r1 + xp]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            c12 = a.fma(y2, c12);
            c13 = a.fma(y3, c13);
            a = FloatVector.broadcast(S, x[r2 + xp]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            c22 = a.fma(y2, c22);
            c23 = a.fma(y3, c23);
            a = FloatVector.broadcast(S, x[r3 + xp]);
            c30 = a.fma(y0, c30);
            c31 = a.fma(y1, c31);
            c32 = a.fma(y2, c32);
            c33 = a.fma(y3, c33);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        c02.intoArray(out, o + 2 * VL);
        c03.intoArray(out, o + 3 * VL);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + VL);
        c12.intoArray(out, o + 2 * VL);
        c13.intoArray(out, o + 3 * VL);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + VL);
        c22.intoArray(out, o + 2 * VL);
        c23.intoArray(out, o + 3 * VL);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + VL);
        c32.intoArray(out, o + 2 * VL);
        c33.intoArray(out, o + 3 * VL);
    }

    /**
     * The same for a single vector of lanes (an output layer of at most VL units): 4 accumulators,
     * so the FMA latency sets the pace, yet on a quarter of the lanes the padded 4 × 4 tile would compute.
     */
    private static void kernel4x1(int k, float[] x, int x0, int rs, int ps, int rowsValid,
                                  float[] pk, int pb, int pstride, float[] out, int o, int ldo) {
        int r0 = x0;
        int r1 = x0 + Math.min(1, rowsValid - 1) * rs;
        int r2 = x0 + Math.min(2, rowsValid - 1) * rs;
        int r3 = x0 + Math.min(3, rowsValid - 1) * rs;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0, xp = 0, q = pb; p < k; p++, xp += ps, q += pstride) {
            FloatVector y0 = FloatVector.fromArray(S, pk, q);
            c0 = FloatVector.broadcast(S, x[r0 + xp]).fma(y0, c0);
            c1 = FloatVector.broadcast(S, x[r1 + xp]).fma(y0, c1);
            c2 = FloatVector.broadcast(S, x[r2 + xp]).fma(y0, c2);
            c3 = FloatVector.broadcast(S, x[r3 + xp]).fma(y0, c3);
        }
        c0.intoArray(out, o);
        c1.intoArray(out, o + ldo);
        c2.intoArray(out, o + 2 * ldo);
        c3.intoArray(out, o + 3 * ldo);
    }

    // ------------------------------------------------------------------------------------------
    // Micro-kernel of the dot engine: 4 rows of A × 4 rows of B. Leaves the sum over p < kv (a
    // multiple of VL) of accumulator o = 4·ii + jj in out[POS[o]].
    // ------------------------------------------------------------------------------------------

    private static void dot4x4(int kv, float[] a, int a0, int a1, int a2, int a3,
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
        if (VL == 16) {
            f0.blend(f4, HIGH4).add(f4.blend(f0, HIGH4).rearrange(SWAP4)).intoArray(out, 0);
        } else {                                        // VL = 8: three rounds, two vectors of sums
            f0.intoArray(out, 0);
            f4.intoArray(out, VL);
        }
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
     * Where dot4x4 leaves the sum of accumulator o: round r sets bit VL >> r of the lane from bit
     * r − 1 of o, so the lane is o's low log2(VL) bits reversed (with VL = 8, o ≥ 8 in the second vector).
     */
    private static final int[] POS = new int[16];

    static {
        int bits = Integer.numberOfTrailingZeros(VL);
        for (int o = 0; o < 16; o++) {
            POS[o] = (o & -VL) + (Integer.reverse(o & (VL - 1)) >>> (32 - bits));
        }
    }

    // ------------------------------------------------------------------------------------------
    // The thread pool.
    // ------------------------------------------------------------------------------------------

    /**
     * A fixed set of daemon workers that run one {@link Job} at a time together with the calling
     * thread, which is thread 0. Workers spin for {@link #SPIN_NANOS} between jobs, because a training
     * step calls the kernels back to back and waking a parked thread takes tens of microseconds;
     * then they park. A waiting thread (a worker idle for a while, the caller waiting for a chunk)
     * yields now and then, for when the OS has put both on one core. Since the threads of a job
     * take each other's unclaimed tiles, the caller never waits for a worker that has not started,
     * only for chunks already being computed. A job allocates nothing.
     */
    static final class Pool {
        private static final long SPIN_NANOS = 100_000;
        /**
         * Spins (a few microseconds) between yields of a waiting thread. A yield costs well under a
         * microsecond when the core has nothing else to run, and hands it over when it has.
         */
        private static final int YIELD_AFTER_SPINS = 128;
        /**
         * An idle worker yields only after this long: within a step the next job comes sooner, and
         * a yield there would delay the worker's start (one-sample predictions lose most).
         */
        private static final long YIELD_AFTER_NANOS = 20_000;

        private final Worker[] workers;
        private volatile Job job;
        private volatile int generation;           // bumped once per job: the workers' start signal
        private volatile int active;               // threads taking part in the current job
        private volatile boolean open;             // true while workers may still join the current job
        private volatile boolean shutdown;
        private volatile Throwable failure;
        private final AtomicInteger inside = new AtomicInteger();   // workers inside Job#work

        Pool(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker(this, i + 1);
                workers[i].start();
            }
        }

        /** True if no worker is parked: all are in a job or spinning, ready within a fraction of a microsecond. */
        boolean hot() {
            for (Worker w : workers) if (w.parked) return false;
            return true;
        }

        /** Unparks the parked workers without giving them a job: they spin for {@link #SPIN_NANOS}, ready for one. */
        void wake() {
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
        }

        /**
         * Runs {@code job.work(t)} for t = 0 … threads−1, t = 0 on the caller, and waits for all.
         * With {@code wake} false, parked workers are left parked (the caller and the others take their tiles).
         */
        void run(Job job, int threads, boolean wake) {
            this.job = job;
            active = threads;
            failure = null;
            open = true;                           // volatile: a worker that sees it sees all of the above
            generation++;
            for (int i = 0; wake && i < threads - 1; i++) {
                if (workers[i].parked) LockSupport.unpark(workers[i]);
            }
            Throwable mine = null;
            try {
                job.work(0);
            } catch (Throwable t) {
                mine = t;
            }
            // Close the job, then wait for the workers inside it. A worker enters by incrementing
            // `inside` and only then checking `open` (both volatile), so once `inside` reads 0 after
            // the close, no worker is in the job or can enter it: the caller may reuse its fields.
            open = false;
            for (int spins = 0; inside.get() != 0; spins++) {
                // Soon yield: if the OS has put the worker on this core (it does, for milliseconds at a
                // time, when some other thread wakes up), spinning would only wait out a time slice.
                if (spins < YIELD_AFTER_SPINS) Thread.onSpinWait();
                else Thread.yield();
            }
            this.job = null;
            if (mine == null) mine = failure;
            if (mine instanceof RuntimeException r) throw r;
            if (mine instanceof Error e) throw e;
        }

        void shutdown() {
            shutdown = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }

        private static final class Worker extends Thread {
            private final Pool pool;
            private final int index;
            volatile boolean parked;

            Worker(Pool pool, int index) {
                super("backprop4j-kernels-" + index);
                this.pool = pool;
                this.index = index;
                setDaemon(true);
            }

            @Override
            public void run() {
                int seen = 0;                      // not pool.generation: the first job may already be posted
                int spins = 0;
                while (true) {
                    long idleSince = System.nanoTime();
                    int g;
                    while ((g = pool.generation) == seen) {
                        if (pool.shutdown) return;
                        long idle = System.nanoTime() - idleSince;
                        if (idle < SPIN_NANOS) {
                            // After a while, now and then let a caller that the OS put on this core run.
                            if (idle > YIELD_AFTER_NANOS && (++spins & (YIELD_AFTER_SPINS - 1)) == 0) Thread.yield();
                            else Thread.onSpinWait();
                        } else {
                            parked = true;
                            // Re-check after announcing: the caller either sees `parked` or we see its bump.
                            if (pool.generation == seen && !pool.shutdown) LockSupport.park(this);
                            parked = false;
                            idleSince = System.nanoTime();   // woken (perhaps by wake()): spin again before parking
                        }
                    }
                    seen = g;
                    if (index >= pool.active) continue;
                    pool.inside.incrementAndGet();
                    try {
                        if (pool.open) pool.job.work(index);   // else too late: the caller did it all
                    } catch (Throwable t) {
                        pool.failure = t;
                    } finally {
                        pool.inside.decrementAndGet();
                    }
                }
            }
        }
    }
}
