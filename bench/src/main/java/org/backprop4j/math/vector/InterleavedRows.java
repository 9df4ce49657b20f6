package org.backprop4j.math.vector;

import java.util.Arrays;
import java.util.Random;
import org.backprop4j.math.OneSampleWeights;

/**
 * One sample's product on W1's first layer (100 × 784) on one thread: rows at 64-byte boundaries one after
 * another (the predictor's copy until session 25: eight rows streamed side by side, {@link MatrixVector#rows})
 * against the predictor's copy now, each block of eight rows interleaved 16 floats at a time (one stream, read
 * in order, {@link MatrixVector#blocks}): the same chains, so the same bits. Rounds of 2,000 calls alternating,
 * medians.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.math.vector.InterleavedRows [ROUNDS]</pre>
 */
public final class InterleavedRows {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int n = 100, k = 784;
        Random r = new Random(1);
        float[] w = new float[n * k], x = new float[k], c1 = new float[n], c2 = new float[n];
        for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < k; i++) x[i] = r.nextFloat();
        OneSampleWeights laid = AlignedRows.lay(new int[] {n}, new int[] {k}, new float[][] {w}, 0, Long.MAX_VALUE)[0];
        int stride = AlignedRows.stride(k), start = AlignedRows.alignedStart();
        float[] byRows = AlignedRows.scratch(n * stride);
        for (int j = 0; j < n; j++) System.arraycopy(w, j * k, byRows, start + j * stride, k);
        float[] scratch = new float[Tiles.TILE];
        MatrixVector.rows(0, n, k, byRows, start, stride, x, c1, scratch);
        MatrixVector.blocks(0, n, k, laid.rows(), laid.start(), laid.stride(), x, c2, scratch);
        if (!Arrays.equals(c1, c2)) throw new AssertionError("different bits");
        double[][] t = new double[2][rounds];
        long[] calls = new long[2000];
        for (int round = 0; round < rounds; round++) {
            for (int mode = 0; mode < 2; mode++) {
                for (int i = 0; i < calls.length; i++) {
                    long t0 = System.nanoTime();
                    if (mode == 0) MatrixVector.rows(0, n, k, byRows, start, stride, x, c1, scratch);
                    else MatrixVector.blocks(0, n, k, laid.rows(), laid.start(), laid.stride(), x, c2, scratch);
                    calls[i] = System.nanoTime() - t0;
                }
                long[] s = calls.clone();
                Arrays.sort(s);
                t[mode][round] = s[s.length / 2] / 1e3;
            }
        }
        for (int mode = 0; mode < 2; mode++) {
            double[] s = t[mode].clone();
            Arrays.sort(s);
            System.out.printf("%-34s median of rounds %.3f µs (min %.3f, max %.3f)%n",
                    mode == 0 ? "rows at 64-byte boundaries" : "eight rows interleaved", s[rounds / 2], s[0], s[rounds - 1]);
        }
    }
}
