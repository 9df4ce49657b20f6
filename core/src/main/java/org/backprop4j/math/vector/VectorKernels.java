package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import java.lang.ref.Cleaner;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.OneSampleWeights;
import org.backprop4j.math.Pointwise;
import org.backprop4j.math.SumOrder;

/**
 * The fast kernels: the {@link Kernels} contract on the incubating Vector API
 * ({@code jdk.incubator.vector}), split over a few threads when a call is large. What each product
 * computes is stated plainly in the naive twin ({@code Kernels.naive()}); the plain-Java kernels
 * stand in when the module is absent. This class only dispatches; each concern has its file:
 * <ul>
 *   <li>{@link Panels} and {@link MicroKernels}: the main matrix-product engine (register tiles of
 *       C over panels of lanes);
 *   <li>{@link Dots}: the dot engine, for NT products with a small side;
 *   <li>{@link MatrixVector}: one sample's product (a prediction);
 *   <li>{@link Elementwise}: bias + activation (E1–E2) and E7's ⊙ f'(z);
 *   <li>{@link Descent} and {@link Gather}: the update E11 and the batch gather;
 *   <li>{@link Tiles} and {@link Job}: how a call's work is cut and shared among threads;
 *   <li>{@link Pool}: the threads;
 *   <li>{@link ThreadSwitch}: whether all of them or the caller alone run the calls now (measured).
 * </ul>
 *
 * <h2>Summation order, threads and memory</h2>
 * Which engine computes a product depends on its shape alone, and each engine keeps the order of
 * every output's sum over p that {@link SumOrder} fixes: in the main engine the chain
 * acc = fma(X(r,p), Y(p,l), acc) for p = 0 … k−1 from acc = 0, whatever tile, panel or thread
 * computes it; in the dot engine, 16 such chains (one per p mod 16) added by a fixed tree, then
 * the leftover terms in order; in the one-sample product, 16 chains added in order, then the
 * leftover terms. With 16 lanes (AVX-512) a chain is a lane; with 8 (AVX2) the 16 chains take two
 * vectors. So the results depend on the shapes and inputs only: bit-identical for any thread
 * count, variant and vector width, and equal to the plain-Java kernels'. Threads
 * share out output tiles (and, for the elementwise passes, the update and the gather, rows), never
 * a k-sum. Every job cuts a layer's units at the same places, so each thread keeps its rows of W
 * and ΔW in its own core's cache. Small products stay on the caller's thread (see
 * PARALLEL_MIN_FMAS), except one sample's product, which is split over workers that are awake
 * anyway (see {@link #matrixVector}).
 *
 * <p>Scratch (one packed panel and one edge tile per thread) grows to the largest shape seen and
 * is then reused, so a call allocates nothing in steady state. Not safe for concurrent use from
 * several caller threads; give each trainer its own instance.
 */
public final class VectorKernels implements Kernels {

    /**
     * Below this many multiply-adds (about 10 µs of work) a product stays on the caller's thread:
     * waking a worker and sharing the tiles would cost more than it saves.
     */
    private static final long PARALLEL_MIN_FMAS = 1L << 19;
    /**
     * Calls below this many multiply-adds (or their equivalent: a one-sample prediction's bias + sigmoid of 100
     * units counts 800) are not timed for the {@link ThreadSwitch}. A clock read (System.nanoTime) took 26 ns on
     * the AMD Zen 5 KVM guest of 2026-12-03 (kvm-clock); the two around such a call were half of its time:
     * bias + sigmoid of W1's 10 outputs 113–115 ns a call, of which 52 the clock (`OneSample`).
     */
    private static final long TIMED_MIN_FMAS = 1L << 12;
    /**
     * A one-sample product (m = 1) of at least this many multiply-adds (a 100×256 layer) is split
     * over awake workers: it streams its weights from L2, and two cores stream twice as fast.
     */
    private static final long MATRIX_VECTOR_SPLIT_FMAS = 1L << 15;
    /** One in this many one-sample products that could be split is timed for the {@link ThreadSwitch}. */
    private static final int ONE_SAMPLE_TIMED = 4;
    /**
     * The one-sample switch's period, in timed calls' time: 5 ms, about 2,000 timed predictions of W1's network
     * (8,000 in all), so that a predictor settles within its first second; a product's time varies little from
     * call to call, and a period that a preemption spoils costs one wrong choice until the next trial.
     */
    private static final long ONE_SAMPLE_PERIOD_NANOS = 5_000_000;

    private final int threads;
    private final Variant variant;
    private final Panels panels;
    private final Dots dots;
    private final Descent descent;
    private final Gather gather;
    private final MatrixVector matrixVector;
    private final Elementwise elementwise;
    /** All threads or the caller alone, whichever has run faster lately (see {@link ThreadSwitch}). */
    private final ThreadSwitch threadSwitch;
    /**
     * The same choice for one-sample products alone, in periods of {@link #ONE_SAMPLE_PERIOD_NANOS}: a prediction's
     * mode is not the step's (the split hands its results to the caller's core), and a predictor's kernels see
     * a few thousand calls where training sees millions (see {@link #matrixVector(int, int, float[], int, int, boolean, float[], float[])}).
     */
    private final ThreadSwitch oneSampleSwitch;
    /** Created by the first product big enough to split, so one-sample predictions start no threads. */
    private Pool pool;
    private int oneSampleCalls;                 // counts the one-sample products that could be split (see matrixVector)
    private boolean chargeNext;                 // the next call's time goes to the one-sample switch (see matrixVector)

    /** Shuts down the pools of unreachable kernels (their workers are daemons, but would park forever). */
    private static final class Reaper {
        static final Cleaner CLEANER = Cleaner.create();   // a thread of its own: started only with the first pool
    }

    /**
     * Kernels that split large products over {@code threads} threads (the caller and threads − 1
     * workers), in the variant chosen for this machine ({@link VariantChoice#get()}). Only to be
     * called when the JVM has the module jdk.incubator.vector (see {@code Kernels.fast}).
     */
    public VectorKernels(int threads) {
        this(threads, VariantChoice.get().variant());
    }

    /** Kernels in the given variant (any variant runs on any machine, with the same results). */
    public VectorKernels(int threads, Variant variant) {
        this(threads, variant, ThreadSwitch.of(threads), ThreadSwitch.of(threads, ONE_SAMPLE_PERIOD_NANOS));
    }

    /** Kernels in the given variant whose thread count, one-sample products' too, follows {@code threadSwitch} (tests force switches with it). */
    VectorKernels(int threads, Variant variant, ThreadSwitch threadSwitch) {
        this(threads, variant, threadSwitch, threadSwitch);
    }

    private VectorKernels(int threads, Variant variant, ThreadSwitch threadSwitch, ThreadSwitch oneSampleSwitch) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threadSwitch = threadSwitch;
        this.oneSampleSwitch = oneSampleSwitch;
        this.threads = threads;
        this.variant = variant;
        this.panels = new Panels(threads, variant);
        this.dots = new Dots(threads);
        this.descent = new Descent(threads);
        this.gather = new Gather(threads);
        this.matrixVector = new MatrixVector(threads);
        this.elementwise = new Elementwise(threads);
    }

    /**
     * True if the preferred vector shape has enough lanes for this blocking to beat the plain-Java kernels: 8 or
     * more, or 4 (128-bit vectors: an ARM core's NEON, or SVE 128 bits wide, as on Graviton4) on x86-64 and
     * aarch64, whose JIT compiles the Vector API into vector instructions; elsewhere a 128-bit species may run as
     * the API's plain-Java emulation, far slower than {@link org.backprop4j.math.JavaKernels}. Forced to 4 lanes on
     * this x86 (-XX:MaxVectorSize=16, which narrows the plain-Java kernels' auto-vectorised loops alike), W1 ran
     * 2.6 times as fast as the plain-Java kernels on one thread (docs/PERFORMANCE.md, "ARM").
     */
    public static boolean worthwhile() {
        return worthwhile(VL, System.getProperty("os.arch", ""));
    }

    /** {@link #worthwhile()} for {@code lanes} lanes on the architecture {@code arch} (os.arch's name). */
    static boolean worthwhile(int lanes, String arch) {
        boolean compiled = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64");
        return lanes >= 8 || (lanes == 4 && compiled);
    }

    /** The main engine, for the tests of this package. */
    Panels panels() {
        return panels;
    }

    /** The dot engine, for the tests of this package. */
    Dots dots() {
        return dots;
    }

    /** The most threads a product is split over. */
    public int threads() {
        return threads;
    }

    /** The variant these kernels run. */
    public Variant variant() {
        return variant;
    }

    /** Lanes per vector on this JVM and processor: 16 with AVX-512, 8 with AVX2. */
    public static int lanes() {
        return VL;
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
        if (SumOrder.oneSample(m, k)) {
            matrixVector(n, k, b, 0, k, false, a, c);
            return;
        }
        if (SumOrder.dots(m, n, k)) {
            dots.set(m, n, k, a, b, c);
            run(dots, (long) m * n * k);
        } else if (panels.cost(n, m, k, true) <= panels.cost(m, n, k, true)) {
            panels.set(n, m, k, b, k, 1, a, k, true, c, n, true, true);        // rows j (units), lanes i
            run(panels, (long) m * n * k);
        } else {
            panels.set(m, n, k, a, k, 1, b, k, true, c, n, false, false);      // rows i, lanes j (units)
            run(panels, (long) m * n * k);
        }
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
        if (n >= m || n >= panels.panelLanes()) {
            panels.set(m, n, k, a, 1, m, b, n, false, c, n, false, true);      // rows i (units), lanes j
        } else {
            panels.set(n, m, k, b, 1, n, a, m, false, c, n, true, false);      // rows j, lanes i (units)
        }
        run(panels, (long) m * n * k);
    }

    /**
     * c[j] = b_j · x for the n rows of b[n×k]: one sample's forward product (a prediction). The dot
     * engine's 4 × 4 tile would repeat the single row four times; here four rows of b share each
     * load of x. Each c[j] is VL chains along p (one per p mod VL) summed lane after lane, then the
     * k mod VL leftover terms in order: an order fixed by the shape. Split by rows over the threads when the
     * workers are awake (spinning after a recent job), since one core's L2 may not stream the first
     * layer's weights fast enough (784×100 floats took ~3.4 µs on an Intel Xeon); never waits for a parked worker.
     * Whether splitting pays is measured ({@link #oneSampleSwitch}): on the AMD Zen 5 guest of 2026-12-03 two
     * threads made W1's product from the predictor's copy no faster (2.18–2.34 µs against 2.22–2.27) and the
     * prediction slower (2.99–3.06 µs against 2.68–2.70: the next layer reads z from the worker's core;
     * `OneSample`), while on Intel model 167 the product took 2.3 µs against 4.0. One call in
     * {@link #ONE_SAMPLE_TIMED} is timed for the switch (two clock reads are 2 % of such a call here), and
     * so is the kernel call after it, which reads its output (a prediction's bias + activation): a split's
     * cost lands there. Timing the product alone, the switch saw the two modes within 3 % of each other and
     * ran a trial every fourth period.
     */
    private void matrixVector(int n, int k, float[] b, int start, int stride, boolean interleaved, float[] x, float[] c) {
        long fmas = (long) n * k;
        boolean large = threads > 1 && fmas >= MATRIX_VECTOR_SPLIT_FMAS;
        boolean timed = large && oneSampleSwitch.measures() && ++oneSampleCalls % ONE_SAMPLE_TIMED == 0;
        long began = timed ? System.nanoTime() : 0;
        if (large && oneSampleSwitch.threads() > 1) {
            if (pool == null) startPool();
            if (pool.hot()) {                       // a parked worker would take longer to wake than the product lasts
                matrixVector.set(n, k, b, start, stride, interleaved, x, c);
                matrixVector.observe(run(matrixVector, Math.min(threads, matrixVector.tileCount), false));
                if (timed) charge(fmas, began);
                return;
            }
            pool.wake();                            // not for this product: for the next ones, if they come soon
        }
        if (interleaved) MatrixVector.blocks(0, n, k, b, start, stride, x, c, matrixVector.tiles[0]);   // thread 0's scratch: the caller's
        else MatrixVector.rows(0, n, k, b, start, stride, x, c, matrixVector.tiles[0]);
        if (timed) charge(fmas, began);
    }

    /** Records a timed one-sample product begun at {@code began}, and asks for the next call to be timed too. */
    private void charge(long fmas, long began) {
        oneSampleSwitch.record(fmas, System.nanoTime() - began);
        chargeNext = true;
    }

    /**
     * A predictor's layers: those that stream from L2 (more than L1d, at most L2) copied so that
     * every row begins at a 64-byte boundary, where this JVM allows it ({@link AlignedRows}).
     */
    @Override
    public OneSampleWeights[] oneSampleWeights(int[] n, int[] k, float[][] w) {
        Machine m = Machine.current();
        return AlignedRows.lay(n, k, w, m.l1dBytes(), m.l2Bytes());
    }

    /** {@link #matrixVector(int, int, float[], int, int, boolean, float[], float[])} on W's copy, or on W where it has none. */
    @Override
    public void matrixVector(OneSampleWeights w, float[] x, float[] c) {
        int n = w.n(), k = w.k();
        Objects.checkFromIndexSize(0, k, x.length);
        Objects.checkFromIndexSize(0, n, c.length);
        if (c == x || c == w.rows()) throw new IllegalArgumentException("the output must not alias an input");
        if (n == 0) return;
        if (SumOrder.oneSample(1, k)) matrixVector(n, k, w.rows(), w.start(), w.stride(), w.interleaved(), x, c);
        else gemmNT(1, n, k, x, w.w(), c);
    }

    /**
     * Bias and activation in one pass over each row. ReLU, identity and sigmoid run on vectors; tanh
     * stays scalar (Math.tanh in double). Sigmoid uses {@link Elementwise#exp(FloatVector)}, built from exactly
     * rounded operations only, and not the Vector API's EXP: that one gives different last bits
     * before and after the JIT compiles it (seen after ~1,000 calls), which would make two runs of
     * the same seed differ.
     */
    @Override
    public void biasActivate(Pointwise f, int m, int n, float[] z, float[] bias, float[] a) {
        switch (f.form()) {
            case SIGMOID, TANH, RELU, IDENTITY -> { }
            default -> {
                Kernels.super.biasActivate(f, m, n, z, bias, a);
                return;
            }
        }
        elementwise.set(Elementwise.BIAS_ACTIVATE, f.form(), m, n, z, bias, a);
        run(elementwise, Elementwise.COST * m * n);
    }

    /**
     * E7's ⊙ f'(z) on vectors, for the activations whose f' is elementwise and cheap; per element
     * the same operations as the activation's own {@link Pointwise#backward}, so the same bits. Large batches are split
     * by rows over the threads.
     */
    @Override
    public void activationBackward(Pointwise f, int m, int n, float[] z, float[] a, float[] g) {
        switch (f.form()) {
            case SIGMOID, TANH, RELU -> { }
            case IDENTITY -> {
                return;                                                // f' = 1
            }
            default -> {
                Kernels.super.activationBackward(f, m, n, z, a, g);
                return;
            }
        }
        elementwise.set(Elementwise.BACKWARD, f.form(), m, n, z, a, g);
        run(elementwise, Elementwise.COST * m * n);
    }

    /**
     * Δb (E10): the rows added one after another into {@code out}, as in the naive loop (each column's
     * sum in row order from 0, so the same bits), a vector of columns at a time, row by row: each row is
     * read once, in order, and {@code out} stays in L1. One column vector at a time down all rows read a
     * new cache line per row (rows 4 KB apart, all in one L1 set: W2's 256 × 1024 took ~220 µs); sums
     * kept in registers across the row loop were sometimes boxed by the JIT (18 KB a step, 2026-11-30).
     */
    @Override
    public void columnSums(int m, int n, float[] a, float[] out) {
        Objects.checkFromIndexSize(0, m * n, a.length);
        Objects.checkFromIndexSize(0, n, out.length);
        java.util.Arrays.fill(out, 0, n, 0f);
        int bound = S.loopBound(n);
        for (int i = 0, row = 0; i < m; i++, row += n) {
            int j = 0;
            for (; j < bound; j += VL) FloatVector.fromArray(S, out, j).add(FloatVector.fromArray(S, a, row + j)).intoArray(out, j);
            for (; j < n; j++) out[j] += a[row + j];
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
        run(gather, Gather.COST * K * cols);
    }

    private static void check(int m, int n, int k, float[] a, float[] b, float[] c) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("bad shape " + m + "×" + n + "×" + k);
        Objects.checkFromIndexSize(0, m * k, a.length);
        Objects.checkFromIndexSize(0, n * k, b.length);
        Objects.checkFromIndexSize(0, m * n, c.length);
        if (c == a || c == b) throw new IllegalArgumentException("the output must not alias an input");
    }

    /**
     * Runs a prepared job on the caller alone, or with the workers if it is big enough and the
     * {@link ThreadSwitch} says more threads run faster now. The calls are timed for the switch, the small ones
     * too: in a period on two threads they find their inputs in the other core's cache, part of that mode's cost.
     * Not timed: every call when there is nothing to switch (one thread, or the switch off), and calls under
     * {@link #TIMED_MIN_FMAS}, for which the two clock reads would cost as much as the call.
     */
    private void run(Tiles job, long fmas) {
        int t = fmas >= PARALLEL_MIN_FMAS ? Math.min(threadSwitch.threads(), job.tileCount) : 1;
        if (chargeNext) {                       // the call after a timed one-sample product: its cost too (see matrixVector)
            chargeNext = false;
            long began = System.nanoTime();
            run(job, t, true);
            oneSampleSwitch.record(0, System.nanoTime() - began);
            return;
        }
        if (fmas < TIMED_MIN_FMAS || !threadSwitch.measures()) {
            run(job, t, true);
            return;
        }
        long began = System.nanoTime();
        run(job, t, true);
        threadSwitch.record(fmas, System.nanoTime() - began);
    }

    /**
     * Runs a prepared job on t threads (the caller alone if t = 1); see {@link Pool#run} for {@code wake}
     * and for what it returns (with t = 1: {@link Pool#WORKERS_DONE}).
     */
    private int run(Tiles job, int t, boolean wake) {
        job.share(t);
        try {
            if (t == 1) {
                job.work(0);
                return Pool.WORKERS_DONE;
            }
            if (pool == null) startPool();
            return pool.run(job, t, wake);
        } finally {
            job.release();
        }
    }

    private void startPool() {
        pool = new Pool(threads - 1);
        Reaper.CLEANER.register(this, pool::shutdown); // stops the workers once these kernels are unreachable
    }
}
