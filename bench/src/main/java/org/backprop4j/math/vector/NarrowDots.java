package org.backprop4j.math.vector;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * The dot engine with 8 lanes (AVX2), on one thread, in GFLOP/s of the thread's CPU time: its 2 × 2
 * tile on rows of k = 784 (W1's input) that stay in L1, read in place (a Java array's data starts 16
 * bytes past a 64-byte boundary, so every other 32-byte load straddles two cache lines), and the 4 × 4
 * tile on packed panels at a 64-byte boundary ({@link Dots#dot4x4NarrowPacked}); then W1's whole forward
 * product 32×100×784 as the engine runs it. Each measurement has its own loop method, so that one
 * compiled loop does not slow another's.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dbackprop4j.vector.bits=256 -cp bench/target/benchmarks.jar org.backprop4j.math.vector.NarrowDots</pre>
 */
public final class NarrowDots {
    private static final int K = 784, CALLS = 200_000, PRODUCTS = 2_000;
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        if (Lanes.VL != 8) {
            System.out.println("NarrowDots: the narrow tile runs with 8 lanes; run with -Dbackprop4j.vector.bits=256 (this JVM has " + Lanes.VL + ")");
            return;
        }
        Random r = new Random(1);
        int m = 32, n = 100;
        float[] a = random(r, m * K), b = random(r, n * K), c = new float[m * n], out = new float[256], chains = new float[256];
        int at = AlignedRows.alignedStart();
        float[] pa = AlignedRows.scratch(4 * K), pb = AlignedRows.scratch(4 * K);
        System.arraycopy(random(r, 4 * K), 0, pa, at, 4 * K);
        System.arraycopy(random(r, 4 * K), 0, pb, at, 4 * K);
        VectorKernels kernels = new VectorKernels(1);
        for (int round = 0; round < 8; round++) {
            double inPlace = inPlace(a, b, chains, out), packed = packed(pa, pb, at, chains, out), product = product(kernels, m, n, a, b, c);
            if (round > 1) {
                System.out.printf("tiles in L1: 2x2 in place %.1f, 4x4 packed %.1f GFLOP/s;  gemmNT %dx%dx%d %.1f GFLOP/s%s%n",
                        inPlace, packed, m, n, K, product, out[0] == 42f ? "!" : "");
            }
        }
    }

    private static double inPlace(float[] a, float[] b, float[] chains, float[] out) {
        long t0 = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < CALLS; i++) Dots.dot2x2Narrow(K, a, 0, K, b, 0, K, chains, 0, 0, out);
        return 2.0 * 4 * K * CALLS / (MX.getCurrentThreadCpuTime() - t0);
    }

    private static double packed(float[] pa, float[] pb, int at, float[] chains, float[] out) {
        long t0 = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < CALLS / 4; i++) Dots.dot4x4NarrowPacked(K, pa, at, pb, at, chains, out);
        return 2.0 * 16 * K * (CALLS / 4) / (MX.getCurrentThreadCpuTime() - t0);
    }

    private static double product(VectorKernels kernels, int m, int n, float[] a, float[] b, float[] c) {
        long t0 = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < PRODUCTS; i++) kernels.gemmNT(m, n, K, a, b, c);
        return 2.0 * m * n * K * PRODUCTS / (MX.getCurrentThreadCpuTime() - t0);
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() - 0.5f;
        return x;
    }
}
