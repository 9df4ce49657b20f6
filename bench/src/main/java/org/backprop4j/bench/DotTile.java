package org.backprop4j.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * What the dot engine's inner loop costs, and how much of it is the start address of the rows: the
 * loop of {@code math.vector.Dots}'s 4 × 4 tile (4 rows of A times 4 rows of B, 16 accumulators, 8
 * vector loads and 16 FMAs per 16 floats of p), copied here, run on rows of length k = 784 (W1's input)
 * that stay in L1, for every start offset of A's and B's rows (0–15 floats). Java places a float[]'s
 * data at an 8-byte boundary only, so a 512-bit load usually straddles two cache lines; rows of 784
 * floats (49 lines) all share their array's alignment. Prints the thread CPU time per call by offsets
 * and the fastest and slowest; the offset that is 64-byte aligned is the one that stands out. With
 * {@code product}, the same for W1's whole forward product 32×100×784 in the engine's order (i-blocks
 * fastest: 4 rows of W stay in L1 while the batch streams from L2), in µs on one thread. The collector
 * may move the arrays between rounds, so the aligned offset can change from one table to the next.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.DotTile [K | product]</pre>
 */
public final class DotTile {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("product")) {
            product();
            return;
        }
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 784;
        k -= k % VL;
        Random r = new Random(1);
        float[] a = new float[4 * k + 32], b = new float[4 * k + 32], out = new float[16 * VL];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
            b[i] = r.nextFloat();
        }
        for (int warm = 0; warm < 20_000; warm++) loop4x4(k, a, 0, k, b, 0, k, out);
        double best = Double.MAX_VALUE, worst = 0;
        int bestA = -1, bestB = -1;
        StringBuilder table = new StringBuilder();
        for (int oa = 0; oa < 16; oa++) {
            table.append(String.format("%n  A at +%2d:", oa));
            for (int ob = 0; ob < 16; ob++) {
                double[] t = new double[9];
                for (int rep = -3; rep < t.length; rep++) {
                    long t0 = cpuNanos();
                    for (int call = 0; call < 1000; call++) loop4x4(k, a, oa, k, b, ob, k, out);
                    if (rep >= 0) t[rep] = (cpuNanos() - t0) / 1000.0;
                }
                Arrays.sort(t);
                double ns = t[t.length / 2];
                table.append(String.format(" %4.0f", ns));
                if (ns < best) {
                    best = ns;
                    bestA = oa;
                    bestB = ob;
                }
                worst = Math.max(worst, ns);
            }
        }
        System.out.printf("4x4 dot tile, k = %d (%d loads and %d FMAs a call), %d-bit vectors: ns of thread CPU time a call,"
                + " by the start offset (floats) of A's rows and, across, of B's:%s%n", k, 8 * k / VL, 16 * k / VL, VL * 32, table);
        System.out.printf("fastest %.0f ns (A at +%d, B at +%d), slowest %.0f ns; %.1f ns per 16 floats of p at the fastest%n",
                best, bestA, bestB, worst, best / (k / VL));
    }

    /** W1's forward product, c = a·bᵀ with a 32×784 (the batch) and b 100×784 (W), tile by tile in the engine's order. */
    private static void product() {
        int m = 32, n = 100, k = 784;
        Random r = new Random(1);
        float[] a = new float[m * k + 16], b = new float[n * k + 16], out = new float[16 * VL];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        for (int warm = 0; warm < 3000; warm++) product(a, 0, b, 0, m, n, k, out);
        for (int round = 0; round < 2; round++) {
            StringBuilder table = new StringBuilder();
            for (int oa = 0; oa < 16; oa++) {
                table.append(String.format("%n  A at +%2d:", oa));
                for (int ob = 0; ob < 16; ob++) {
                    double[] t = new double[7];
                    for (int rep = -2; rep < t.length; rep++) {
                        long t0 = cpuNanos();
                        for (int call = 0; call < 40; call++) product(a, oa, b, ob, m, n, k, out);
                        if (rep >= 0) t[rep] = (cpuNanos() - t0) / 40.0 / 1e3;
                    }
                    Arrays.sort(t);
                    table.append(String.format(" %5.1f", t[t.length / 2]));
                }
            }
            System.out.printf("W1's forward product 32x100x784 in the dot engine's order, one thread: us of thread CPU time,"
                    + " by the start offset (floats) of the batch's rows and, across, of W's:%s%n", table);
        }
    }

    private static void product(float[] a, int oa, float[] b, int ob, int m, int n, int k, float[] out) {
        for (int jb = 0; jb < n / 4; jb++) {
            for (int ib = 0; ib < m / 4; ib++) loop4x4(k, a, oa + ib * 4 * k, k, b, ob + jb * 4 * k, k, out);
        }
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** The dot engine's inner loop (as in Dots.dot4x4), rows of A at a0 + i·k and of B at b0 + j·k; sums left in out. */
    static void loop4x4(int kv, float[] a, int a0, int k, float[] b, int b0, int kb, float[] out) {
        int a1 = a0 + k, a2 = a1 + k, a3 = a2 + k, b1 = b0 + kb, b2 = b1 + kb, b3 = b2 + kb;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < kv; p += VL) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p), y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p), y3 = FloatVector.fromArray(S, b, b3 + p);
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
        c00.add(c01).add(c02).add(c03).add(c10).add(c11).add(c12).add(c13).intoArray(out, 0);
        c20.add(c21).add(c22).add(c23).add(c30).add(c31).add(c32).add(c33).intoArray(out, VL);
    }
}
