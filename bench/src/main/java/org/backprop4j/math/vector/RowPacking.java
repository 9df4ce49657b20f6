package org.backprop4j.math.vector;

import java.util.Arrays;
import java.util.Random;

/**
 * The main engine's two transpositions of X's rows into a 6-row block ({@link Panels#gatherRows} with R = 6
 * and {@link Panels#sixRows}), as an NT product packs W: X is {@code ROWS} rows of k = 1024 floats (4 MB, from
 * L3), packed block after block into one 24 KB block, as a thread packs the row block it is about to use. The
 * two alternate round by round in one JVM, so that both see the same host; prints ns a float per round, then
 * the best and the median of each, and whether both packed the same floats.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.math.vector.RowPacking</pre>
 */
public final class RowPacking {
    private static final int ROWS = 1020, K = 1024, R = 6, ROUNDS = 20, PASSES = 20;

    public static void main(String[] args) {
        float[] x = new float[ROWS * K];
        Random random = new Random(1);
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
        float[] gathered = new float[R * K], written = new float[R * K];
        int[] offsets = new int[2 * R * Lanes.VL];
        double[][] ns = new double[2][ROUNDS];
        boolean same = true;
        for (int round = 0; round < 2 * ROUNDS; round++) {
            boolean six = round % 2 == 1;
            long t0 = System.nanoTime();
            for (int pass = 0; pass < PASSES; pass++) {
                for (int r0 = 0; r0 < ROWS; r0 += R) {
                    int valid = Math.min(R, ROWS - r0);
                    if (six) Panels.sixRows(x, K, 1, K, r0, valid, written, 0);
                    else Panels.gatherRows(x, K, 1, K, R, r0, valid, gathered, 0, offsets);
                }
            }
            ns[six ? 1 : 0][round / 2] = (System.nanoTime() - t0) / ((double) PASSES * ROWS * K);
            same &= !six || Arrays.equals(gathered, written);
        }
        System.out.printf("RowPacking, %d-lane vectors, %d rows x %d into %d-row blocks (ns a float; best, median of %d rounds after 2):%n",
                Lanes.VL, ROWS, K, R, ROUNDS - 2);
        String[] names = {"gathers (gatherRows)", "six rows written out (sixRows)"};
        for (int i = 0; i < 2; i++) {
            double[] v = Arrays.copyOfRange(ns[i], 2, ROUNDS);
            Arrays.sort(v);
            System.out.printf("  %-32s best %.3f  median %.3f%n", names[i], v[0], v[v.length / 2]);
        }
        System.out.println("  same floats: " + same);
    }
}
