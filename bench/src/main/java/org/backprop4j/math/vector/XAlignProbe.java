package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;

import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.backprop4j.math.OneSampleWeights;

/**
 * W1's one-sample product (its first 96 rows, interleaved as a predictor keeps them, {@code reduceLanes} on any JDK so that
 * only the loop differs), the 8-row block's loop in three forms: as {@link MatrixVector} writes it for JDK 17, its
 * statements in reverse order (as it writes it for other JDKs, whose C2 then issues the loads ascending), and with the
 * rows' offsets reversed instead. Session 27 also ran it with x at 0, 16, 32 and 48 bytes past a 64-byte boundary (no
 * difference). Rounds of 2,000 calls alternating, medians.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.math.vector.XAlignProbe</pre>
 */
public final class XAlignProbe {
    static void blocks8(int n, int k, float[] b, int start, int stride, float[] x, int xo, float[] c) {
        for (int j = 0; j + 8 <= n; j += 8) {
            int base = start + j * stride;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int p = 0, at = base; p < k; p += 16, at += 128) {
                FloatVector xv = FloatVector.fromArray(S, x, xo + p);
                s0 = FloatVector.fromArray(S, b, at).fma(xv, s0);
                s1 = FloatVector.fromArray(S, b, at + 16).fma(xv, s1);
                s2 = FloatVector.fromArray(S, b, at + 32).fma(xv, s2);
                s3 = FloatVector.fromArray(S, b, at + 48).fma(xv, s3);
                s4 = FloatVector.fromArray(S, b, at + 64).fma(xv, s4);
                s5 = FloatVector.fromArray(S, b, at + 80).fma(xv, s5);
                s6 = FloatVector.fromArray(S, b, at + 96).fma(xv, s6);
                s7 = FloatVector.fromArray(S, b, at + 112).fma(xv, s7);
            }
            c[j] = s0.reduceLanes(VectorOperators.ADD); c[j + 1] = s1.reduceLanes(VectorOperators.ADD);
            c[j + 2] = s2.reduceLanes(VectorOperators.ADD); c[j + 3] = s3.reduceLanes(VectorOperators.ADD);
            c[j + 4] = s4.reduceLanes(VectorOperators.ADD); c[j + 5] = s5.reduceLanes(VectorOperators.ADD);
            c[j + 6] = s6.reduceLanes(VectorOperators.ADD); c[j + 7] = s7.reduceLanes(VectorOperators.ADD);
        }
    }

    static void blocksB(int n, int k, float[] b, int start, int stride, float[] x, int xo, float[] c) {
        for (int j = 0; j + 8 <= n; j += 8) {
            int base = start + j * stride;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int p = 0, at = base; p < k; p += 16, at += 128) {
                FloatVector xv = FloatVector.fromArray(S, x, xo + p);
                s7 = FloatVector.fromArray(S, b, at + 112).fma(xv, s7);
                s6 = FloatVector.fromArray(S, b, at + 96).fma(xv, s6);
                s5 = FloatVector.fromArray(S, b, at + 80).fma(xv, s5);
                s4 = FloatVector.fromArray(S, b, at + 64).fma(xv, s4);
                s3 = FloatVector.fromArray(S, b, at + 48).fma(xv, s3);
                s2 = FloatVector.fromArray(S, b, at + 32).fma(xv, s2);
                s1 = FloatVector.fromArray(S, b, at + 16).fma(xv, s1);
                s0 = FloatVector.fromArray(S, b, at).fma(xv, s0);
            }
            c[j] = s0.reduceLanes(VectorOperators.ADD); c[j + 1] = s1.reduceLanes(VectorOperators.ADD);
            c[j + 2] = s2.reduceLanes(VectorOperators.ADD); c[j + 3] = s3.reduceLanes(VectorOperators.ADD);
            c[j + 4] = s4.reduceLanes(VectorOperators.ADD); c[j + 5] = s5.reduceLanes(VectorOperators.ADD);
            c[j + 6] = s6.reduceLanes(VectorOperators.ADD); c[j + 7] = s7.reduceLanes(VectorOperators.ADD);
        }
    }

    static void blocksC(int n, int k, float[] b, int start, int stride, float[] x, int xo, float[] c) {
        for (int j = 0; j + 8 <= n; j += 8) {
            int base = start + j * stride;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int p = 0, at = base; p < k; p += 16, at += 128) {
                FloatVector xv = FloatVector.fromArray(S, x, xo + p);
                s0 = FloatVector.fromArray(S, b, at + 112).fma(xv, s0);
                s1 = FloatVector.fromArray(S, b, at + 96).fma(xv, s1);
                s2 = FloatVector.fromArray(S, b, at + 80).fma(xv, s2);
                s3 = FloatVector.fromArray(S, b, at + 64).fma(xv, s3);
                s4 = FloatVector.fromArray(S, b, at + 48).fma(xv, s4);
                s5 = FloatVector.fromArray(S, b, at + 32).fma(xv, s5);
                s6 = FloatVector.fromArray(S, b, at + 16).fma(xv, s6);
                s7 = FloatVector.fromArray(S, b, at).fma(xv, s7);
            }
            c[j] = s0.reduceLanes(VectorOperators.ADD); c[j + 1] = s1.reduceLanes(VectorOperators.ADD);
            c[j + 2] = s2.reduceLanes(VectorOperators.ADD); c[j + 3] = s3.reduceLanes(VectorOperators.ADD);
            c[j + 4] = s4.reduceLanes(VectorOperators.ADD); c[j + 5] = s5.reduceLanes(VectorOperators.ADD);
            c[j + 6] = s6.reduceLanes(VectorOperators.ADD); c[j + 7] = s7.reduceLanes(VectorOperators.ADD);
        }
    }

    public static void main(String[] args) {
        int rounds = 30, n = 96, k = 784;
        Random r = new Random(1);
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
        OneSampleWeights laid = AlignedRows.lay(new int[] {n}, new int[] {k}, new float[][] {w}, 0, Long.MAX_VALUE)[0];
        float[] xs = AlignedRows.scratch(k + 64);
        int a = AlignedRows.alignedStart();
        for (int i = 0; i < xs.length; i++) xs[i] = r.nextFloat();
        int[] offsets = {a, a, a};
        float[] c = new float[n];
        double[][] t = new double[offsets.length][rounds];
        long[] calls = new long[2000];
        for (int round = 0; round < rounds; round++) {
            for (int m = 0; m < offsets.length; m++) {
                for (int i = 0; i < calls.length; i++) {
                    long t0 = System.nanoTime();
                    if (m == 0) blocks8(n, k, laid.rows(), laid.start(), laid.stride(), xs, offsets[m], c); else if (m == 1) blocksB(n, k, laid.rows(), laid.start(), laid.stride(), xs, offsets[m], c); else blocksC(n, k, laid.rows(), laid.start(), laid.stride(), xs, offsets[m], c);
                    calls[i] = System.nanoTime() - t0;
                }
                long[] s = calls.clone();
                Arrays.sort(s);
                t[m][round] = s[s.length / 2] / 1e3;
            }
        }
        for (int m = 0; m < offsets.length; m++) {
            double[] s = t[m].clone();
            Arrays.sort(s);
            System.out.printf("%s: median of rounds %.3f µs (min %.3f)%n", new String[] {"as now", "statements reversed", "offsets reversed"}[m], s[rounds / 2], s[0]);
        }
    }
}
