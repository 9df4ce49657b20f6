package org.backprop4j.math.vector;

import java.util.Arrays;
import java.util.Random;

/**
 * The NT forward product's two transpositions, W's 12-row blocks ({@link Panels#twelveRows}) and a 32-lane panel
 * (the gathers of {@link Panels}' pack), against other ways to write them: row by row, twelve rows with p at unit
 * stride, and in registers by rearranges and blends ({@link Transpose16}); and a plain copy of the same floats.
 * ROWS (default 1024, from L3; 96 stays in L2) rows of k = 784, every way in turn each round in one JVM; ns a
 * float, best and median of rounds 3–20, and whether each way wrote the same floats. (Session 26: the ways in
 * registers lost on JDK 17 and 25: docs/PERFORMANCE.md.)
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.math.vector.RowOrder [ROWS]</pre>
 */
public final class RowOrder {
    static int ROWS = 1024; static final int K = 784, ROUNDS = 20, PASSES = 10;

    /** Rows r0 … r0 + R − 1 of x into k groups of R, one row at a time (the stores R floats apart). */
    static void byRow(float[] x, int rs, int k, int R, int r0, int valid, float[] dst, int off) {
        for (int r = 0; r < R; r++) {
            int s = Math.min(r0 + r, r0 + valid - 1) * rs;
            for (int p = 0, d = off + r; p < k; p++, d += R) dst[d] = x[s + p];
        }
    }

    /** {@link Panels#twelveRows} with p at unit stride, so that C2 can hoist the rows' bounds checks. */
    static void twelveUnit(float[] x, int rs, int k, int r0, int valid, float[] dst, int off) {
        int last = r0 + valid - 1;
        int s0 = r0 * rs, s1 = Math.min(r0 + 1, last) * rs, s2 = Math.min(r0 + 2, last) * rs;
        int s3 = Math.min(r0 + 3, last) * rs, s4 = Math.min(r0 + 4, last) * rs, s5 = Math.min(r0 + 5, last) * rs;
        int s6 = Math.min(r0 + 6, last) * rs, s7 = Math.min(r0 + 7, last) * rs, s8 = Math.min(r0 + 8, last) * rs;
        int s9 = Math.min(r0 + 9, last) * rs, s10 = Math.min(r0 + 10, last) * rs, s11 = Math.min(r0 + 11, last) * rs;
        for (int p = 0; p < k; p++) {
            int d = off + p * 12;
            dst[d] = x[s0 + p];
            dst[d + 1] = x[s1 + p];
            dst[d + 2] = x[s2 + p];
            dst[d + 3] = x[s3 + p];
            dst[d + 4] = x[s4 + p];
            dst[d + 5] = x[s5 + p];
            dst[d + 6] = x[s6 + p];
            dst[d + 7] = x[s7 + p];
            dst[d + 8] = x[s8 + p];
            dst[d + 9] = x[s9 + p];
            dst[d + 10] = x[s10 + p];
            dst[d + 11] = x[s11 + p];
        }
    }

    /** A panel of w lanes (w/16 vectors) as {@link Panels}' pack writes it: one gather of 16 rows per p. */
    static void panelGather(float[] y, int ldy, int k, int l0, int w, float[] dst, int at, int[] offsets) {
        for (int j = 0; j < Lanes.VL; j++) offsets[j] = j * ldy;
        for (int l = 0; l < w; l += Lanes.VL) {
            int s = (l0 + l) * ldy;
            for (int p = 0; p < k; p++) jdk.incubator.vector.FloatVector.fromArray(Lanes.S, y, s + p, offsets, 0).intoArray(dst, at + p * w + l);
        }
    }

    public static void main(String[] args) {
        if (args.length > 0) ROWS = Integer.parseInt(args[0]);
        float[] x = new float[ROWS * K];
        Random random = new Random(1);
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
        int R = 12, W = 32;
        float[][] out = new float[8][W * K];
        int[] offsets = new int[2 * 32 * Lanes.VL];
        float[] t = new float[2048], u = new float[2048];
        String[] names = {"12 rows: gatherRows", "12 rows: twelveRows", "12 rows: twelve, p unit", "32-lane panel: gathers", "32-lane panel: by row", "plain copy", "12 rows: transpose16", "32-lane panel: transpose16"};
        double[][] ns = new double[8][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int m = 0; m < 8; m++) {
                long t0 = System.nanoTime();
                for (int pass = 0; pass < PASSES; pass++) {
                    int step = m < 3 || m == 6 ? R : W;
                    for (int r0 = 0; r0 + step <= ROWS; r0 += step) {
                        switch (m) {
                            case 0 -> Panels.gatherRows(x, K, 1, K, R, r0, R, out[0], 0, offsets);
                            case 1 -> Panels.twelveRows(x, K, 1, K, r0, R, out[1], 0);
                            case 2 -> twelveUnit(x, K, K, r0, R, out[2], 0);
                            case 3 -> panelGather(x, K, K, r0, W, out[3], 0, offsets);
                            case 4 -> byRow(x, K, K, W, r0, W, out[4], 0);
                            case 5 -> System.arraycopy(x, r0 * K, out[5], 0, W * K);
                            case 6 -> Transpose16.twelve(x, K, K, r0, R, out[6], 0, offsets, t, u);
                            default -> Transpose16.panel(x, K, K, r0, W, out[7], 0, offsets, t);
                        }
                    }
                }
                ns[m][round] = (System.nanoTime() - t0) / ((double) PASSES * (ROWS / (m < 3 || m == 6 ? R : W) * (m < 3 || m == 6 ? R : W)) * K);
            }
        }
        System.out.printf("RowOrder %d-lane vectors, %d x %d (ns a float: best, median of %d rounds after 2)%n", Lanes.VL, ROWS, K, ROUNDS - 2);
        for (int m = 0; m < 8; m++) {
            double[] v = Arrays.copyOfRange(ns[m], 2, ROUNDS);
            Arrays.sort(v);
            System.out.printf("  %-26s best %.3f  median %.3f%n", names[m], v[0], v[v.length / 2]);
        }
        System.out.println("  same 12: " + (Arrays.equals(out[0], out[1]) && Arrays.equals(out[1], out[2]) && Arrays.equals(Arrays.copyOf(out[6], 12 * K), Arrays.copyOf(out[0], 12 * K))) + ", same 32: " + Arrays.equals(out[3], out[4]) + " " + Arrays.equals(out[3], out[7]));
    }
}
