package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * The dot engine, for NT with a small side: C(i,j) = Σ_p A(i,p)·B(j,p) as dot products of rows,
 * in 4 × 4 tiles numbered i-block fastest. In NT both operands run along p, so C(i,j) is a dot
 * product of two contiguous rows. When one side is small (a batch of 10) or both are moderate
 * (≤ 256), transposing a panel for {@link Panels} costs more than it saves and lanes over a
 * 10-row batch would be 6/16 empty. Here a 4 × 4 tile of dot products is accumulated along p, a
 * vector of VL consecutive p at a time (VL chains per output, one per p mod VL), and the 16
 * accumulators are summed across lanes together at the end by log2(VL) rounds of lane swaps (a
 * fixed tree); the k mod VL leftover terms are then added one by one, in order.
 */
final class Dots extends Tiles {
    private int m, n, k;
    private float[] a, b, c;
    private int iBlocks;

    Dots(int threads) {
        super(threads);
    }

    void set(int m, int n, int k, float[] a, float[] b, float[] c) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = a;
        this.b = b;
        this.c = c;
        iBlocks = (m + 3) / 4;
        // i-block fastest: four rows of B stay in L1 while all of A (small here) passes them.
        tiles(iBlocks * ((n + 3) / 4), 16L * k);
    }

    @Override
    void release() {
        a = b = c = null;
    }

    @Override
    int shareStart(int u, int shares) {         // whole j blocks: the units are j, the rows of B = W
        return unitBlock((n + 3) / 4, u, shares) * iBlocks;
    }

    @Override
    void tile(int t, int i) {
        int i0 = i % iBlocks * 4, j0 = i / iBlocks * 4;
        int iv = Math.min(4, m - i0), jv = Math.min(4, n - j0);
        int kv = k - k % VL;
        float[] sums = tiles[t];
        // A short block repeats its last row, as in the main engine.
        dot4x4(kv, a, i0 * k, (i0 + Math.min(1, iv - 1)) * k, (i0 + Math.min(2, iv - 1)) * k,
                (i0 + Math.min(3, iv - 1)) * k, b, j0 * k, (j0 + Math.min(1, jv - 1)) * k,
                (j0 + Math.min(2, jv - 1)) * k, (j0 + Math.min(3, jv - 1)) * k, sums);
        for (int ii = 0; ii < iv; ii++) {
            for (int jj = 0; jj < jv; jj++) {
                float s = sums[POS[ii * 4 + jj]];
                int ap = (i0 + ii) * k, bp = (j0 + jj) * k;
                for (int p = kv; p < k; p++) s = Math.fma(a[ap + p], b[bp + p], s);  // the k mod VL leftover
                c[(i0 + ii) * n + j0 + jj] = s;
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Micro-kernel of the dot engine: 4 rows of A × 4 rows of B. Leaves the sum over p < kv (a
    // multiple of VL) of accumulator o = 4·ii + jj in out[POS[o]].
    // ------------------------------------------------------------------------------------------

    static void dot4x4(int kv, float[] a, int a0, int a1, int a2, int a3,
                               float[] b, int b0, int b1, int b2, int b3, float[] out) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < kv; p += VL) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
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
        // Sum the lanes of all 16 accumulators together. Round r pairs vectors v, w: lanes whose
        // bit d = VL >> r is clear get v[l] + v[l ^ d], the others w[l] + w[l ^ d]; so each round
        // halves the lanes per sum and doubles the sums per vector. Lane-wise operations only: the
        // order of the additions is fixed by VL. (Written out, not a helper method: C2 does not
        // inline one here, and the vectors would then be boxed.)
        FloatVector f0 = c00.blend(c01, HIGH1).add(c01.blend(c00, HIGH1).rearrange(SWAP1));
        FloatVector f1 = c02.blend(c03, HIGH1).add(c03.blend(c02, HIGH1).rearrange(SWAP1));
        FloatVector f2 = c10.blend(c11, HIGH1).add(c11.blend(c10, HIGH1).rearrange(SWAP1));
        FloatVector f3 = c12.blend(c13, HIGH1).add(c13.blend(c12, HIGH1).rearrange(SWAP1));
        FloatVector f4 = c20.blend(c21, HIGH1).add(c21.blend(c20, HIGH1).rearrange(SWAP1));
        FloatVector f5 = c22.blend(c23, HIGH1).add(c23.blend(c22, HIGH1).rearrange(SWAP1));
        FloatVector f6 = c30.blend(c31, HIGH1).add(c31.blend(c30, HIGH1).rearrange(SWAP1));
        FloatVector f7 = c32.blend(c33, HIGH1).add(c33.blend(c32, HIGH1).rearrange(SWAP1));
        f0 = f0.blend(f1, HIGH2).add(f1.blend(f0, HIGH2).rearrange(SWAP2));
        f2 = f2.blend(f3, HIGH2).add(f3.blend(f2, HIGH2).rearrange(SWAP2));
        f4 = f4.blend(f5, HIGH2).add(f5.blend(f4, HIGH2).rearrange(SWAP2));
        f6 = f6.blend(f7, HIGH2).add(f7.blend(f6, HIGH2).rearrange(SWAP2));
        f0 = f0.blend(f2, HIGH3).add(f2.blend(f0, HIGH3).rearrange(SWAP3));
        f4 = f4.blend(f6, HIGH3).add(f6.blend(f4, HIGH3).rearrange(SWAP3));
        if (VL == 16) {
            f0.blend(f4, HIGH4).add(f4.blend(f0, HIGH4).rearrange(SWAP4)).intoArray(out, 0);
        } else {                                        // VL = 8: three rounds, two vectors of sums
            f0.intoArray(out, 0);
            f4.intoArray(out, VL);
        }
    }

    /** For fold round r = 1 … 4: lane l ^ (VL >> r), and the lanes with bit VL >> r set. */
    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(S, l -> l ^ (VL >> 1));
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(S, l -> l ^ (VL >> 2));
    private static final VectorShuffle<Float> SWAP3 = VectorShuffle.fromOp(S, l -> l ^ (VL >> 3));
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(S, l -> l ^ Math.max(1, VL >> 4));
    private static final VectorMask<Float> HIGH1 = VectorMask.fromLong(S, lanesWithBit(VL >> 1));
    private static final VectorMask<Float> HIGH2 = VectorMask.fromLong(S, lanesWithBit(VL >> 2));
    private static final VectorMask<Float> HIGH3 = VectorMask.fromLong(S, lanesWithBit(VL >> 3));
    private static final VectorMask<Float> HIGH4 = VectorMask.fromLong(S, lanesWithBit(Math.max(1, VL >> 4)));

    private static long lanesWithBit(int d) {
        long bits = 0;
        for (int l = 0; l < VL; l++) if ((l & d) != 0) bits |= 1L << l;
        return bits;
    }

    /**
     * Where dot4x4 leaves the sum of accumulator o: round r sets bit VL >> r of the lane from bit
     * r − 1 of o, so the lane is o's low log2(VL) bits reversed (with VL = 8, o ≥ 8 in the second vector).
     */
    private static final int[] POS = new int[16];

    static {
        int bits = Integer.numberOfTrailingZeros(VL);
        for (int o = 0; o < 16; o++) {
            POS[o] = (o & -VL) + (Integer.reverse(o & (VL - 1)) >>> (32 - bits));
        }
    }
}
