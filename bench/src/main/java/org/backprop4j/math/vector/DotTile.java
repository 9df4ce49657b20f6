package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.VL;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * What the dot engine's tile costs, and how much of it is the start address of the rows: {@link
 * Dots#dot4x4} (4 rows of A times 4 rows of B, 16 accumulators, 8 vector loads and 16 FMAs per 16 floats
 * of p, then the sums across lanes), in the engine's package to call it, run on rows of length k = 784 (W1's input)
 * that stay in L1, for every start offset of A's and B's rows (0–15 floats). Java places a float[]'s
 * data at an 8-byte boundary only, so a 512-bit load usually straddles two cache lines; rows of 784
 * floats (49 lines) all share their array's alignment. Prints the thread CPU time per call by offsets
 * and the fastest and slowest; the offset that is 64-byte aligned is the one that stands out. With
 * {@code product}, the same for W1's whole forward product 32×100×784 in the engine's order (i-blocks
 * fastest: 4 rows of W stay in L1 while the batch streams from L2), in µs on one thread. The collector
 * may move the arrays between rounds, so the aligned offset can change from one table to the next.
 * With {@code engine [THREADS]}, the engine itself on W1's forward product and W2's output layer, A read in
 * place against A and B read from the threads' packed panels (see {@link #engine}); with {@code packed [K]}, one
 * tile in L1 in place against packed.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.math.vector.DotTile [K | product | engine [THREADS] | packed [K]]</pre>
 */
public final class DotTile {
    public static void main(String[] args) {
        if (VL != 16) {
            System.out.println("DotTile: the 4x4 dot tile runs with 16 lanes only; this JVM has " + VL);
            return;
        }
        if (args.length > 0 && args[0].equals("product")) {
            product();
            return;
        }
        if (args.length > 0 && args[0].equals("packed")) {
            packed(args.length > 1 ? Integer.parseInt(args[1]) : 784);
            return;
        }
        if (args.length > 0 && args[0].equals("engine")) {
            engine(args.length > 1 ? Integer.parseInt(args[1]) : 1);
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
        for (int warm = 0; warm < 20_000; warm++) tile(k, a, 0, k, b, 0, k, out);
        double best = Double.MAX_VALUE, worst = 0;
        int bestA = -1, bestB = -1;
        StringBuilder table = new StringBuilder();
        for (int oa = 0; oa < 16; oa++) {
            table.append(String.format("%n  A at +%2d:", oa));
            for (int ob = 0; ob < 16; ob++) {
                double[] t = new double[9];
                for (int rep = -3; rep < t.length; rep++) {
                    long t0 = cpuNanos();
                    for (int call = 0; call < 1000; call++) tile(k, a, oa, k, b, ob, k, out);
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

    /** One tile in L1, k = 784: rows in place from 64-byte boundaries against packed rows ({@link Dots#dot4x4Packed}). */
    private static void packed(int k) {
        int at = AlignedRows.alignedStart();
        Random r = new Random(1);
        float[] a = AlignedRows.scratch(4 * k), b = AlignedRows.scratch(4 * k), pa = AlignedRows.scratch(4 * k), pb = AlignedRows.scratch(4 * k);
        for (int i = 0; i < 4 * k; i++) {
            a[at + i] = r.nextFloat();
            b[at + i] = r.nextFloat();
        }
        for (int row = 0; row < 4; row++) {
            for (int p = 0; p < k; p++) {
                pa[at + p / 16 * 64 + row * 16 + p % 16] = a[at + row * k + p];
                pb[at + p / 16 * 64 + row * 16 + p % 16] = b[at + row * k + p];
            }
        }
        float[] o1 = new float[16 * VL], o2 = new float[16 * VL];
        for (int warm = 0; warm < 30_000; warm++) {
            tile(k, a, at, k, b, at, k, o1);
            Dots.dot4x4Packed(k, pa, at, pb, at, o2);
        }
        Dots.dot4x4Packed(k, pa, at, pb, at, o2);
        System.out.println("same sums: " + Arrays.equals(Arrays.copyOf(o1, 16), Arrays.copyOf(o2, 16)));
        for (int round = 0; round < 3; round++) {
            double[][] t = new double[2][9];
            for (int rep = 0; rep < 9; rep++) {
                long t0 = cpuNanos();
                for (int call = 0; call < 2000; call++) tile(k, a, at, k, b, at, k, o1);
                t[0][rep] = (cpuNanos() - t0) / 2000.0;
                t0 = cpuNanos();
                for (int call = 0; call < 2000; call++) Dots.dot4x4Packed(k, pa, at, pb, at, o2);
                t[1][rep] = (cpuNanos() - t0) / 2000.0;
            }
            Arrays.sort(t[0]);
            Arrays.sort(t[1]);
            System.out.printf("4x4 dot tile k=%d in L1, aligned: rows in place %.0f ns, packed %.0f ns (medians of 9)%n", k, t[0][4], t[1][4]);
        }
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

    /**
     * The engine itself ({@code VectorKernels.gemmNT}) on W1's forward product and W2's output layer, on
     * {@code threads} threads, with A and B read in place and from the threads' packed panels, in turn
     * in the same JVM: wall time per call, the median of 7 rounds of 200 calls, for 8 pairs of operands
     * of different lengths allocated one after another (so at different start offsets, which the
     * collector may change between rounds). Run under {@code chrt -f 10}.
     */
    private static void engine(int threads) {
        VectorKernels kernels = new VectorKernels(threads);
        Dots dots = kernels.dots();
        Random r = new Random(1);
        String[] modes = {"in place", "packed"};
        for (int[] s : new int[][] {{32, 100, 784}, {256, 10, 1024}}) {
            int m = s[0], n = s[1], k = s[2], calls = 200;
            float[][] as = new float[8][], bs = new float[8][];
            for (int i = 0; i < as.length; i++) {        // pairs at different start offsets (8-byte steps, allocated in turn)
                as[i] = random(r, m * k + 2 * i);
                bs[i] = random(r, n * k + 2 * (5 * i % 8));
            }
            float[] c = new float[m * n];
            for (int mode = 0; mode < modes.length; mode++) {            // warm up every path
                packs(dots, mode);
                for (int warm = 0; warm < 10_000; warm++) kernels.gemmNT(m, n, k, as[warm % as.length], bs[warm % as.length], c);
            }
            double[][] med = new double[modes.length][as.length];
            for (int i = 0; i < as.length; i++) {
                double[][] t = new double[modes.length][7];
                for (int rep = 0; rep < 7; rep++) {
                    for (int mode = 0; mode < modes.length; mode++) {
                        packs(dots, mode);
                        long t0 = System.nanoTime();
                        for (int call = 0; call < calls; call++) kernels.gemmNT(m, n, k, as[i], bs[i], c);
                        t[mode][rep] = (System.nanoTime() - t0) / (double) calls / 1e3;
                    }
                }
                for (int mode = 0; mode < modes.length; mode++) {
                    Arrays.sort(t[mode]);
                    med[mode][i] = t[mode][3];
                }
            }
            System.out.printf("gemmNT %dx%dx%d on the dot engine, %d thread(s), us a call (median of the 8 operand pairs' medians; each pair's):%n",
                    m, n, k, threads);
            for (int mode = 0; mode < modes.length; mode++) {
                double[] row = med[mode].clone();
                Arrays.sort(row);
                System.out.printf("  %-9s %6.1f  %s%n", modes[mode], (row[3] + row[4]) / 2, Arrays.toString(med[mode]).replaceAll("(\\.\\d)\\d*", "$1"));
            }
        }
        dots.packOverride = null;
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat();
        return x;
    }

    /** Mode 0: A and B read in place; 1: from the threads' packed panels. */
    private static void packs(Dots dots, int mode) {
        dots.packOverride = mode == 1;
    }

    private static void product(float[] a, int oa, float[] b, int ob, int m, int n, int k, float[] out) {
        for (int jb = 0; jb < n / 4; jb++) {
            for (int ib = 0; ib < m / 4; ib++) tile(k, a, oa + ib * 4 * k, k, b, ob + jb * 4 * k, k, out);
        }
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void tile(int kv, float[] a, int a0, int k, float[] b, int b0, int kb, float[] out) {
        Dots.dot4x4(kv, a, a0, a0 + k, a0 + 2 * k, a0 + 3 * k, b, b0, b0 + kb, b0 + 2 * kb, b0 + 3 * kb, out);
    }
}
