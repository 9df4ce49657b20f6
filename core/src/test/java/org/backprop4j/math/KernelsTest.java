package org.backprop4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.backprop4j.math.vector.Variant;
import org.backprop4j.math.vector.VectorKernels;
import org.junit.jupiter.api.Test;

/**
 * Every kernel against an oracle: the naive twin, the plain-Java kernels and the vector kernels
 * (one, two and three threads) are all compared with the same products taken in double precision,
 * on shapes chosen to hit every edge of the blocking — sizes of 1, sizes just under and over a
 * vector (16 lanes with AVX-512, 8 with AVX2), a tile and a panel, both orientations of each form,
 * both engines of NT, panels packed and read in place. Then the contract: inputs untouched, the
 * output overwritten (and nothing past it), results independent of the thread count bit for bit.
 */
class KernelsTest {

    /** Sizes around every blocking boundary: vector (8, 16), tile rows (4, 6, 8, 12), panel (16, 32, 48, 64). */
    private static final int[] EDGES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 31, 33, 47, 63, 64, 65, 100};

    private enum Form { NT, NN, TN }

    /** The plain-Java kernels, every variant of the vector kernels on 1 and 2 threads, the default on 3. */
    private static final List<Kernels> FAST = fast();

    private static List<Kernels> fast() {
        List<Kernels> all = new ArrayList<>(List.of(new JavaKernels()));
        for (Variant v : Variant.all()) {
            all.add(new VectorKernels(1, v));
            all.add(new VectorKernels(2, v));
        }
        all.add(new VectorKernels(3));
        return all;
    }

    @Test
    void fastIsTheVectorImplementationWhenTheModuleIsPresent() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the tests run with --add-modules jdk.incubator.vector (see core/pom.xml)");
        Kernels fast = Kernels.fast();
        if (!VectorKernels.worthwhile()) {   // too few lanes: the plain-Java kernels are as good
            assertInstanceOf(JavaKernels.class, fast);
            return;
        }
        assertInstanceOf(VectorKernels.class, fast);
        assertEquals(Runtime.getRuntime().availableProcessors(), ((VectorKernels) fast).threads());
        assertEquals(3, ((VectorKernels) Kernels.fast(3)).threads());
        assertThrows(IllegalArgumentException.class, () -> Kernels.fast(0));
    }

    @Test
    void allFormsMatchTheOracleOnRaggedShapes() {
        Random random = new Random(42);
        List<int[]> shapes = new ArrayList<>();
        for (int m : EDGES) {
            for (int n : EDGES) {
                shapes.add(new int[] {m, n, EDGES[random.nextInt(EDGES.length)]});
            }
        }
        for (int i = 0; i < 60; i++) {
            shapes.add(new int[] {1 + random.nextInt(300), 1 + random.nextInt(300), 1 + random.nextInt(300)});
        }
        for (int[] s : shapes) {
            for (Form form : Form.values()) {
                checkAll(form, s[0], s[1], s[2], random);
            }
        }
    }

    /** Shapes of real training steps, and shapes that select each engine and orientation. */
    @Test
    void allFormsMatchTheOracleOnLayerShapes() {
        Random random = new Random(7);
        int[][] layers = {{10, 784, 100}, {32, 784, 100}, {33, 100, 10}, {256, 100, 10}, {1, 784, 100},
            {129, 300, 70}, {200, 257, 1}, {17, 1000, 3}};
        for (int[] l : layers) {
            int batch = l[0], in = l[1], out = l[2];
            checkAll(Form.NT, batch, out, in, random);   // E1: Z = A·Wᵀ
            checkAll(Form.NN, batch, in, out, random);   // E7: Δ·W
            checkAll(Form.TN, out, in, batch, random);   // E10: ΔW = Δᵀ·A
        }
        // NT by dot products (a small side, k ≥ 256), by panels of the batch, by panels of j.
        checkAll(Form.NT, 3, 500, 300, random);
        checkAll(Form.NT, 100, 5, 333, random);
        checkAll(Form.NT, 40, 300, 257, random);
        checkAll(Form.NT, 300, 40, 100, random);
        // TN with lanes over i (n narrow and m wider) and over j.
        checkAll(Form.TN, 200, 20, 50, random);
        checkAll(Form.TN, 20, 200, 50, random);
        // NN with more rows than are read in place.
        checkAll(Form.NN, 300, 70, 90, random);
    }

    @Test
    void emptyShapes() {
        Random random = new Random(3);
        for (Form form : Form.values()) {
            checkAll(form, 0, 5, 7, random);
            checkAll(form, 5, 0, 7, random);
            checkAll(form, 5, 7, 0, random);   // an empty sum: C is all zeros
        }
    }

    /**
     * The main engine sums each output as one fused multiply-add chain over p = 0, 1, …, k−1; check
     * that bit for bit (NN and TN always use it; NT does for these shapes), for every variant, and
     * for the plain-Java kernels' NN and TN.
     */
    @Test
    void mainEngineIsOneFmaChainPerOutput() {
        Random random = new Random(11);
        int[][] shapes = {{37, 70, 53}, {5, 130, 9}, {150, 20, 40}, {64, 64, 64},
                {32, 10, 100}, {256, 10, 100}, {9, 3, 33},     // one-vector panels: an output layer of 10
                {64, 320, 300}};                                  // NN, NT with X packed as rows (12 × 2, 6 × 2, 5 × 2)
        for (int[] s : shapes) {
            for (Form form : Form.values()) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = randoms(random, m * k), b = randoms(random, n * k);
                float[] expected = new float[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float acc = 0f;
                        for (int p = 0; p < k; p++) acc = Math.fma(at(form, 'a', a, m, n, k, i, p), at(form, 'b', b, m, n, k, p, j), acc);
                        expected[i * n + j] = acc;
                    }
                }
                if (form != Form.NT) {                       // the plain-Java kernels: the same chain, so the same bits
                    float[] c = new float[m * n];
                    run(form, Kernels.java(), m, n, k, a, b, c);
                    assertArrayEquals(expected, c, form + " " + m + "×" + n + "×" + k + " JavaKernels");
                }
                for (Variant v : Variant.all()) {
                    for (int threads = 1; threads <= 2; threads++) {
                        float[] c = new float[m * n];
                        run(form, new VectorKernels(threads, v), m, n, k, a, b, c);
                        assertArrayEquals(expected, c, form + " " + m + "×" + n + "×" + k + " " + v + " " + threads + " threads");
                    }
                }
            }
        }
    }

    /**
     * Every variant (register tile × split), forced on whatever machine runs the tests, gives the
     * same bits as every other, for every form and engine, ragged shapes and layer shapes, on 1, 2
     * and 3 threads: a model does not depend on the variant a machine picks.
     */
    @Test
    void everyVariantGivesTheSameBits() {
        Random random = new Random(29);
        int[][] shapes = {{256, 1024, 784}, {256, 10, 1024}, {1, 100, 784}, {10, 100, 784}, {32, 100, 784}, {100, 784, 32},
                {37, 70, 53}, {13, 17, 300}, {129, 300, 70}, {7, 999, 130}, {300, 40, 100}, {5, 3, 2}, {200, 257, 1}};
        List<Kernels> variants = new ArrayList<>();
        for (Variant v : Variant.all()) {
            for (int threads = 1; threads <= 3; threads++) variants.add(new VectorKernels(threads, v));
        }
        Kernels reference = new VectorKernels(1, Variant.CLASSIC);
        for (int[] s : shapes) {
            for (Form form : Form.values()) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = randoms(random, m * k), b = randoms(random, n * k), want = new float[m * n];
                run(form, reference, m, n, k, a, b, want);
                for (Kernels kernels : variants) {
                    float[] c = new float[m * n];
                    run(form, kernels, m, n, k, a, b, c);
                    VectorKernels v = (VectorKernels) kernels;
                    assertArrayEquals(want, c, form + " " + m + "×" + n + "×" + k + " " + v.variant() + " " + v.threads() + " threads");
                }
            }
        }
    }

    /** Products big enough to be split over threads give the same bits with 1, 2 and 3 threads. */
    @Test
    void threadCountDoesNotChangeTheBits() {
        Random random = new Random(5);
        int[][] shapes = {{256, 300, 200}, {10, 784, 100}, {32, 784, 100}, {100, 784, 32}, {250, 90, 333}, {7, 999, 130},
                {1, 100, 784}, {1, 100, 784}, {1, 333, 517}};      // one sample, split by rows once the workers are awake
        Kernels one = new VectorKernels(1), two = new VectorKernels(2), three = new VectorKernels(3);
        for (int repeat = 0; repeat < 3; repeat++) {          // again, once the JIT has compiled everything
            for (int[] s : shapes) {
                for (Form form : Form.values()) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = randoms(random, m * k), b = randoms(random, n * k);
                    float[] c1 = new float[m * n], c2 = new float[m * n], c3 = new float[m * n];
                    run(form, one, m, n, k, a, b, c1);
                    run(form, two, m, n, k, a, b, c2);
                    run(form, three, m, n, k, a, b, c3);
                    assertArrayEquals(c1, c2, form + " " + m + "×" + n + "×" + k + ": 1 vs 2 threads");
                    assertArrayEquals(c1, c3, form + " " + m + "×" + n + "×" + k + ": 1 vs 3 threads");
                }
            }
        }
    }

    /**
     * One sample's product on 2 threads: split while the worker is awake, on the caller alone once it
     * has parked (it is then woken for the next call), and the same bits every time.
     */
    @Test
    void oneSampleProductGivesTheSameBitsAwakeOrParked() throws InterruptedException {
        Random random = new Random(29);
        int n = 100, k = 784;
        float[] x = randoms(random, k), w = randoms(random, n * k);
        float[] want = new float[n];
        new VectorKernels(1).gemmNT(1, n, k, x, w, want);
        VectorKernels two = new VectorKernels(2);
        for (int call = 0; call < 6; call++) {
            float[] got = new float[n];
            two.gemmNT(1, n, k, x, w, got);
            assertArrayEquals(want, got, "call " + call);
            if (call % 2 == 1) Thread.sleep(5);                        // long enough for the worker to park
        }
    }

    /**
     * One instance of each fast implementation, shapes changing from call to call (the plain-Java
     * kernels' dot order once grew one scratch row and not the other): no stale scratch leaks into a
     * result. 80 shapes: the calls before the JIT has compiled a path run interpreted, ~100 times slower.
     */
    @Test
    void scratchIsReusedCorrectlyAcrossShapes() {
        Random random = new Random(9);
        Kernels vector = new VectorKernels(2), java = Kernels.java();
        for (int i = 0; i < 80; i++) {
            Form form = Form.values()[random.nextInt(3)];
            int m = 1 + random.nextInt(150), n = 1 + random.nextInt(150), k = 1 + random.nextInt(400);
            if (i % 4 == 0) k += 256;                          // the dot order (NT, a side ≤ 16 or both ≤ 256)
            float[] a = randoms(random, m * k), b = randoms(random, n * k);
            float[] c = new float[m * n], d = new float[m * n];
            run(form, vector, m, n, k, a, b, c);
            assertClose(form, m, n, k, a, b, c, "reused VectorKernels(2)");
            run(form, java, m, n, k, a, b, d);
            assertArrayEquals(c, d, form + " " + m + "×" + n + "×" + k + ": plain Java and vectors, same bits");
        }
    }

    @Test
    void columnSumsAddBiasAndDescendAgreeWithNaive() {
        Random random = new Random(13);
        int m = 37, n = 21;
        float[] a = randoms(random, m * n), bias = randoms(random, n), w = randoms(random, n), dw = randoms(random, n);
        Kernels naive = Kernels.naive();
        float[] sums = new float[n], cNaive = a.clone(), wNaive = w.clone();
        naive.columnSums(m, n, a, sums);
        naive.addBias(m, n, cNaive, bias);
        naive.descend(n, wNaive, dw, 0.1f, 7, 0.01f);
        for (Kernels kernels : FAST) {
            float[] s = new float[n], c = a.clone(), w2 = w.clone();
            kernels.columnSums(m, n, a, s);
            kernels.addBias(m, n, c, bias);
            kernels.descend(n, w2, dw, 0.1f, 7, 0.01f);
            assertArrayEquals(sums, s, 1e-5f, kernels.getClass().getSimpleName());
            assertArrayEquals(cNaive, c, 1e-6f, kernels.getClass().getSimpleName());
            assertArrayEquals(wNaive, w2, 1e-6f, kernels.getClass().getSimpleName());
        }
    }

    /**
     * dw/K by multiplying with 1/K for a power-of-two K (math.vector.Descent) gives the naive division's bits
     * where rounding is delicate too: quotients that are subnormal or underflow to zero, huge and infinite
     * gradients, NaN, signed zeros; for K up to 2^30.
     */
    @Test
    void descendByPowerOfTwoIsTheDivisionBitForBit() {
        float[] special = {Float.MIN_VALUE, -Float.MIN_VALUE, 3 * Float.MIN_VALUE, Float.MIN_NORMAL, 1.5f * Float.MIN_NORMAL,
                -1.0000001f * Float.MIN_NORMAL, 7e-39f, 1e-30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, 0f, -0f, 1f, -3.3333333f, 0.1f};
        Random random = new Random(19);
        int n = 16 * 3 + 5;
        for (int e = 0; e <= 30; e++) {
            int K = 1 << e;
            float[] dw = new float[n], w = new float[n];
            for (int i = 0; i < n; i++) {
                dw[i] = i < special.length ? special[i] : Float.intBitsToFloat(random.nextInt());
                w[i] = random.nextBoolean() ? special[random.nextInt(special.length)] : (float) random.nextGaussian();
            }
            for (float lambda : new float[] {0f, 1e-4f}) {
                float[] expected = w.clone();
                Kernels.naive().descend(n, expected, dw, 0.37f, K, lambda);
                for (Kernels kernels : new Kernels[] {new VectorKernels(1), new VectorKernels(2), Kernels.java()}) {
                    float[] got = w.clone();
                    kernels.descend(1, n, got, dw, 0.37f, K, lambda);
                    for (int i = 0; i < n; i++) {
                        assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(got[i]),   // any NaN is a NaN
                                kernels + " K = " + K + ", lambda = " + lambda + ", dw = " + dw[i] + ", w = " + w[i]);
                    }
                }
            }
        }
    }

    /**
     * The row-wise update and the batch gather, split over threads when large: the same bits as the
     * naive loops (element by element the same operations), for any thread count and ragged row counts.
     */
    @Test
    void descendByRowsAndGatherRowsMatchNaiveBitForBit() {
        Random random = new Random(17);
        int[][] shapes = {{100, 784}, {1, 1000}, {7, 3}, {1024, 1024}, {13, 4097}, {255, 129}};
        Kernels naive = Kernels.naive();
        Kernels[] fast = {new VectorKernels(1), new VectorKernels(2), new VectorKernels(3), Kernels.java()};
        for (int repeat = 0; repeat < 2; repeat++) {
            for (int[] s : shapes) {
                int rows = s[0], cols = s[1];
                float[] w = randoms(random, rows * cols + 5), dw = randoms(random, rows * cols + 5);
                for (int batch : new int[] {32, 7, 1}) {     // a power of two multiplies by 1/K: the same bits
                    float[] expected = w.clone();
                    naive.descend(rows * cols, expected, dw, 0.37f, batch, 1e-4f);
                    for (Kernels kernels : fast) {
                        float[] got = w.clone();
                        kernels.descend(rows, cols, got, dw, 0.37f, batch, 1e-4f);
                        assertArrayEquals(expected, got, kernels + " descend " + rows + "×" + cols + ", K = " + batch);
                    }
                }
                int K = Math.max(1, rows % 300), n = K + 50;
                float[] src = randoms(random, n * cols);
                int[] order = new int[K + 3];
                for (int i = 0; i < order.length; i++) order[i] = random.nextInt(n);
                float[] want = new float[K * cols + 7];
                java.util.Arrays.fill(want, Float.NaN);
                float[] dstTemplate = want.clone();
                naive.gatherRows(src, cols, order, 3, K, want);
                for (Kernels kernels : fast) {
                    float[] got = dstTemplate.clone();
                    kernels.gatherRows(src, cols, order, 3, K, got);
                    assertArrayEquals(want, got, kernels + " gather " + K + "×" + cols);
                }
            }
        }
    }

    /**
     * E7's ⊙ f'(z): the same bits as the activation's own loop for every activation, any thread count
     * (large batches are split by rows); bias + activation: the same bits for any thread count.
     */
    @Test
    void activationPassesAreSplitWithoutChangingBits() {
        Random random = new Random(23);
        int[][] shapes = {{256, 1024}, {7, 33}, {300, 257}, {1, 17}};
        Kernels naive = Kernels.naive();
        Kernels[] vector = {new VectorKernels(1), new VectorKernels(2), new VectorKernels(3)};
        for (int repeat = 0; repeat < 2; repeat++) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1];
                for (org.backprop4j.nn.Activation f : org.backprop4j.nn.Activation.values()) {
                    float[] z = randoms(random, m * n), bias = randoms(random, n), a = new float[m * n];
                    for (int i = 0; i < z.length; i += 7) z[i] = 0f;          // ReLU's kink
                    f.forward(z, a, m, n);
                    float[] g = randoms(random, m * n + 3);
                    float[] want = g.clone();
                    naive.activationBackward(f, m, n, z, a, want);
                    float[] firstZ = null, firstA = null;
                    for (Kernels kernels : vector) {
                        float[] got = g.clone();
                        kernels.activationBackward(f, m, n, z, a, got);
                        assertArrayEquals(want, got, f + " backward " + m + "×" + n + " " + kernels);
                        float[] zz = z.clone(), aa = new float[m * n];
                        kernels.biasActivate(f, m, n, zz, bias, aa);
                        if (firstZ == null) {
                            firstZ = zz;
                            firstA = aa;
                        } else {
                            assertArrayEquals(firstZ, zz, f + " bias " + m + "×" + n + " " + kernels);
                            assertArrayEquals(firstA, aa, f + " activate " + m + "×" + n + " " + kernels);
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    /**
     * Runs one product through every implementation, each on operands embedded in larger buffers
     * (as a ragged last batch uses the leading part of a workspace) and an output pre-filled with
     * NaN, and checks results, untouched inputs and an untouched output tail.
     */
    private static void checkAll(Form form, int m, int n, int k, Random random) {
        int slack = 1 + random.nextInt(40);
        float[] a = randoms(random, m * k + slack), b = randoms(random, n * k + slack);
        float[] a0 = a.clone(), b0 = b.clone();
        Oracle oracle = new Oracle(form, m, n, k, a, b);
        List<Kernels> all = new ArrayList<>(FAST);
        all.add(0, Kernels.naive());
        for (Kernels kernels : all) {
            String who = kernels.getClass().getSimpleName()
                    + (kernels instanceof VectorKernels v ? "(" + v.variant() + ", " + v.threads() + " threads)" : "");
            float[] c = new float[m * n + slack];
            java.util.Arrays.fill(c, Float.NaN);           // garbage that any missed element would keep
            c[m * n] = 12345f;                            // and a sentinel just past the output
            run(form, kernels, m, n, k, a, b, c);
            assertArrayEquals(a0, a, who + " modified a");
            assertArrayEquals(b0, b, who + " modified b");
            assertEquals(12345f, c[m * n], who + " wrote past the output");
            oracle.check(c, who);
        }
    }

    private static void assertClose(Form form, int m, int n, int k, float[] a, float[] b, float[] c, String who) {
        new Oracle(form, m, n, k, a, b).check(c, who);
    }

    /**
     * The product in double precision, and a tolerance per element: 1e-5·√k·max(1, Σ|terms|/√k),
     * i.e. 1e-5·√k for inputs of magnitude 1, more where the terms are larger.
     */
    private static final class Oracle {
        private final String shape;
        private final int m, n;
        private final double[] exact, tolerance;

        Oracle(Form form, int m, int n, int k, float[] a, float[] b) {
            this.shape = form + " " + m + "×" + n + "×" + k;
            this.m = m;
            this.n = n;
            exact = new double[m * n];
            tolerance = new double[m * n];
            double rootK = Math.sqrt(Math.max(k, 1));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, magnitude = 0;
                    for (int p = 0; p < k; p++) {
                        double term = (double) at(form, 'a', a, m, n, k, i, p) * at(form, 'b', b, m, n, k, p, j);
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                    exact[i * n + j] = sum;
                    tolerance[i * n + j] = 1e-5 * rootK * Math.max(1, magnitude / rootK);
                }
            }
        }

        void check(float[] c, String who) {
            for (int e = 0; e < m * n; e++) {
                if (!(Math.abs(c[e] - exact[e]) <= tolerance[e])) {   // also catches NaN left in c
                    fail(who + " " + shape + ": c[" + e / n + "][" + e % n + "] = " + c[e] + ", expected "
                            + exact[e] + " ± " + tolerance[e]);
                }
            }
        }
    }

    /** A(i,p) or B(p,j) of the product C = A·B, read from the form's storage of a or b. */
    private static float at(Form form, char operand, float[] x, int m, int n, int k, int row, int col) {
        if (operand == 'a') {   // A(i = row, p = col)
            return form == Form.TN ? x[col * m + row] : x[row * k + col];
        }
        return form == Form.NT ? x[col * k + row] : x[row * n + col];   // B(p = row, j = col)
    }

    private static void run(Form form, Kernels kernels, int m, int n, int k, float[] a, float[] b, float[] c) {
        switch (form) {
            case NT -> kernels.gemmNT(m, n, k, a, b, c);
            case NN -> kernels.gemmNN(m, n, k, a, b, c);
            case TN -> kernels.gemmTN(m, n, k, a, b, c);
        }
    }

    private static float[] randoms(Random random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = random.nextFloat() * 2 - 1;
        return x;
    }
}
