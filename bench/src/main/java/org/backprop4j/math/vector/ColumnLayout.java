package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;

import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.backprop4j.math.OneSampleWeights;
import org.backprop4j.math.SumOrder;

/**
 * Tried for JDK 25, not kept (session 27): W1's first-layer product (100 × 784, one thread) from the predictor's copy as
 * it is (blocks of eight rows interleaved 16 floats at a time, {@link MatrixVector#blocks}: each row's 16 chains in the
 * lanes of one vector, added lane after lane at the end) against a copy that puts 16 rows in the lanes ({@link
 * #columns16}: one accumulator per chain, rows side by side, so the chains are added by vector adds in order — no lane
 * sums; x broadcast one float at a time; the last n mod 16 rows interleaved as now), and against the interleaved copy
 * with its lane sums written as {@code lane(0) + … + lane(15)}. Same chains, same order: the same bits (checked).
 * Rounds of 2,000 calls alternating, medians; MODES picks some of 0, 1, 2 (default all).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.math.vector.ColumnLayout [ROUNDS [MODES]]</pre>
 */
public final class ColumnLayout {
    /** Block of 16 rows from base: chains 0-7 for all groups (8 x 16 floats a group), then chains 8-15, then the tail's p. */
    static void columns16(int j, int k, float[] b, int base, float[] x, float[] c) {
        int bound = SumOrder.chained(k), half = bound / 2 * 16;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int p = 0, at = base; p < bound; p += 16, at += 128) {
            s0 = FloatVector.fromArray(S, b, at).fma(FloatVector.broadcast(S, x[p]), s0);
            s1 = FloatVector.fromArray(S, b, at + 16).fma(FloatVector.broadcast(S, x[p + 1]), s1);
            s2 = FloatVector.fromArray(S, b, at + 32).fma(FloatVector.broadcast(S, x[p + 2]), s2);
            s3 = FloatVector.fromArray(S, b, at + 48).fma(FloatVector.broadcast(S, x[p + 3]), s3);
            s4 = FloatVector.fromArray(S, b, at + 64).fma(FloatVector.broadcast(S, x[p + 4]), s4);
            s5 = FloatVector.fromArray(S, b, at + 80).fma(FloatVector.broadcast(S, x[p + 5]), s5);
            s6 = FloatVector.fromArray(S, b, at + 96).fma(FloatVector.broadcast(S, x[p + 6]), s6);
            s7 = FloatVector.fromArray(S, b, at + 112).fma(FloatVector.broadcast(S, x[p + 7]), s7);
        }
        FloatVector sum = FloatVector.zero(S).add(s0).add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7);
        s0 = FloatVector.zero(S); s1 = s0; s2 = s0; s3 = s0; s4 = s0; s5 = s0; s6 = s0; s7 = s0;
        for (int p = 8, at = base + half; p < bound; p += 16, at += 128) {
            s0 = FloatVector.fromArray(S, b, at).fma(FloatVector.broadcast(S, x[p]), s0);
            s1 = FloatVector.fromArray(S, b, at + 16).fma(FloatVector.broadcast(S, x[p + 1]), s1);
            s2 = FloatVector.fromArray(S, b, at + 32).fma(FloatVector.broadcast(S, x[p + 2]), s2);
            s3 = FloatVector.fromArray(S, b, at + 48).fma(FloatVector.broadcast(S, x[p + 3]), s3);
            s4 = FloatVector.fromArray(S, b, at + 64).fma(FloatVector.broadcast(S, x[p + 4]), s4);
            s5 = FloatVector.fromArray(S, b, at + 80).fma(FloatVector.broadcast(S, x[p + 5]), s5);
            s6 = FloatVector.fromArray(S, b, at + 96).fma(FloatVector.broadcast(S, x[p + 6]), s6);
            s7 = FloatVector.fromArray(S, b, at + 112).fma(FloatVector.broadcast(S, x[p + 7]), s7);
        }
        sum = sum.add(s0).add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7);
        for (int p = bound, at = base + bound * 16; p < k; p++, at += 16) sum = FloatVector.fromArray(S, b, at).fma(FloatVector.broadcast(S, x[p]), sum);
        sum.intoArray(c, j);
    }

    /** Where W(j, p) of a 16-row block goes. */
    static int at16(int jj, int p, int k) {
        int bound = SumOrder.chained(k);
        if (p >= bound) return bound * 16 + (p - bound) * 16 + jj;
        int l = p % 16, g = p / 16;
        return (l < 8 ? 0 : bound / 2 * 16) + g * 128 + (l % 8) * 16 + jj;
    }

    static float lanes(FloatVector v) {
        return ((((((((((((((((0f + v.lane(0)) + v.lane(1)) + v.lane(2)) + v.lane(3)) + v.lane(4)) + v.lane(5)) + v.lane(6)) + v.lane(7))
                + v.lane(8)) + v.lane(9)) + v.lane(10)) + v.lane(11)) + v.lane(12)) + v.lane(13)) + v.lane(14)) + v.lane(15));
    }

    /** Full interleaved blocks of 8 rows (k a multiple of 16), lane sums by constant lane(i). */
    static void blocksLanes(int j0, int j1, int k, float[] b, int start, int stride, float[] x, float[] c) {
        for (int j = j0; j + 8 <= j1; j += 8) {
            int base = start + j * stride;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int p = 0, at = base; p < k; p += 16, at += 128) {
                FloatVector xv = FloatVector.fromArray(S, x, p);
                s0 = FloatVector.fromArray(S, b, at).fma(xv, s0);
                s1 = FloatVector.fromArray(S, b, at + 16).fma(xv, s1);
                s2 = FloatVector.fromArray(S, b, at + 32).fma(xv, s2);
                s3 = FloatVector.fromArray(S, b, at + 48).fma(xv, s3);
                s4 = FloatVector.fromArray(S, b, at + 64).fma(xv, s4);
                s5 = FloatVector.fromArray(S, b, at + 80).fma(xv, s5);
                s6 = FloatVector.fromArray(S, b, at + 96).fma(xv, s6);
                s7 = FloatVector.fromArray(S, b, at + 112).fma(xv, s7);
            }
            c[j] = lanes(s0); c[j + 1] = lanes(s1); c[j + 2] = lanes(s2); c[j + 3] = lanes(s3);
            c[j + 4] = lanes(s4); c[j + 5] = lanes(s5); c[j + 6] = lanes(s6); c[j + 7] = lanes(s7);
        }
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int n = 100, k = 784, full = n / 16 * 16;
        Random r = new Random(1);
        float[] w = new float[n * k], x = new float[k], c1 = new float[n], c2 = new float[n + 16];
        for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < k; i++) x[i] = r.nextFloat();
        OneSampleWeights laid = AlignedRows.lay(new int[] {n}, new int[] {k}, new float[][] {w}, 0, Long.MAX_VALUE)[0];
        int start = AlignedRows.alignedStart();
        float[] cols = AlignedRows.scratch(n * AlignedRows.stride(k));
        for (int j = 0; j < full; j++) for (int p = 0; p < k; p++) cols[start + j / 16 * 16 * k + at16(j % 16, p, k)] = w[j * k + p];
        // the remainder rows interleaved, after the column blocks
        int rest = start + full * k;
        for (int j = full; j < n; j++) for (int p = 0; p < k; p += 16)
            System.arraycopy(w, j * k + p, cols, rest + p / 16 * (n - full) * 16 + (j - full) * 16, Math.min(16, k - p));
        float[] scratch = new float[Tiles.TILE];
        Runnable a = () -> MatrixVector.blocks(0, n, k, laid.rows(), laid.start(), laid.stride(), x, c1, scratch);
        Runnable b = () -> {
            for (int j = 0; j < full; j += 16) columns16(j, k, cols, start + j * k, x, c2);
            MatrixVector.blocks(full, n, k, cols, rest - full * AlignedRows.stride(k), AlignedRows.stride(k), x, c2, scratch);
        };
        float[] c3 = new float[n];
        Runnable d = () -> {
            blocksLanes(0, 96, k, laid.rows(), laid.start(), laid.stride(), x, c3);
            MatrixVector.blocks(96, n, k, laid.rows(), laid.start(), laid.stride(), x, c3, scratch);
        };
        a.run();
        b.run();
        d.run();
        if (!Arrays.equals(c1, c3)) throw new AssertionError("lanes: different bits");
        if (!Arrays.equals(c1, Arrays.copyOf(c2, n))) throw new AssertionError("different bits " + Arrays.toString(c1) + "\n" + Arrays.toString(c2));
        double[][] t = new double[3][rounds]; long[] bytes = new long[3];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] calls = new long[2000];
        for (int round = 0; round < rounds; round++) {
            for (int mode = 0; mode < 3; mode++) {
                if (args.length > 1 && args[1].indexOf('0' + mode) < 0) continue;
                Runnable run = mode == 0 ? a : mode == 1 ? b : d;
                long b0 = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < calls.length; i++) {
                    long t0 = System.nanoTime();
                    run.run();
                    calls[i] = System.nanoTime() - t0;
                }
                long[] s = calls.clone();
                Arrays.sort(s);
                t[mode][round] = s[s.length / 2] / 1e3;
                bytes[mode] = mx.getCurrentThreadAllocatedBytes() - b0;
            }
        }
        for (int mode = 0; mode < 3; mode++) {
            double[] s = t[mode].clone();
            Arrays.sort(s);
            System.out.printf("%-28s median of rounds %.3f µs (min %.3f, max %.3f)%n",
                    mode == 0 ? "eight rows interleaved" : mode == 1 ? "16 rows in lanes" : "interleaved, lane(i) sums", s[rounds / 2], s[0], s[rounds - 1]);
            System.out.println("   bytes allocated in the last round: " + bytes[mode]);
        }
    }
}
