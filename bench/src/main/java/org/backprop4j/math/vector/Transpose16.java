package org.backprop4j.math.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16 × 16 transposition in registers (16-lane vectors: AVX-512; elsewhere emulated, slowly), for {@link RowOrder}:
 * four stages, each swapping bit b of row and lane between pairs of rows by one rearrange (lane l ↔ l ^ b) and one
 * blend per row. One method for all four stages exceeded C2's inlining budget (NodeCountInliningCutoff: the vector
 * calls were left boxed, 3–4 ns a float), so two stages per method, through a scratch block in L1, each method over a
 * chunk of 8 blocks. Even so JDK 17 re-checks each shuffle's indexes and rebuilds each mask at every use (the
 * compiled loop: about 20 instructions per vector), and the written-out scalar copies stay faster for 12-row blocks.
 */
final class Transpose16 {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final VectorShuffle<Float> X1 = VectorShuffle.fromOp(S, i -> i ^ 1), X2 = VectorShuffle.fromOp(S, i -> i ^ 2),
            X4 = VectorShuffle.fromOp(S, i -> i ^ 4), X8 = VectorShuffle.fromOp(S, i -> i ^ 8);
    static final VectorMask<Float> M1 = VectorMask.fromLong(S, 0xAAAAL), M2 = VectorMask.fromLong(S, 0xCCCCL),
            M4 = VectorMask.fromLong(S, 0xF0F0L), M8 = VectorMask.fromLong(S, 0xFF00L);

    private static FloatVector lo(FloatVector a, FloatVector b, VectorShuffle<Float> x, VectorMask<Float> m) {
        return a.blend(b.rearrange(x), m);
    }

    private static FloatVector hi(FloatVector a, FloatVector b, VectorShuffle<Float> x, VectorMask<Float> m) {
        return a.rearrange(x).blend(b, m);
    }

    /** For n blocks of 16 p: rows s0..s3 (16 floats each): the stages that swap bits 0 and 1 of row and lane, into t[d + i·256 + r·16]. */
    static void first(float[] x, int s0, int s1, int s2, int s3, int n, float[] t, int d) {
        for (int i = 0; i < n; i++, s0 += 16, s1 += 16, s2 += 16, s3 += 16, d += 256) {
            FloatVector a0 = FloatVector.fromArray(S, x, s0), a1 = FloatVector.fromArray(S, x, s1);
            FloatVector a2 = FloatVector.fromArray(S, x, s2), a3 = FloatVector.fromArray(S, x, s3);
            FloatVector b0 = lo(a0, a1, X1, M1), b1 = hi(a0, a1, X1, M1), b2 = lo(a2, a3, X1, M1), b3 = hi(a2, a3, X1, M1);
            lo(b0, b2, X2, M2).intoArray(t, d);
            lo(b1, b3, X2, M2).intoArray(t, d + 16);
            hi(b0, b2, X2, M2).intoArray(t, d + 32);
            hi(b1, b3, X2, M2).intoArray(t, d + 48);
        }
    }

    /** For n blocks of t: the stages that swap bits 2 and 3; block i's row r into dst[d + i·16·ld + r·ld]. */
    static void second(float[] t, int n, float[] dst, int d, int ld) {
        for (int i = 0, s = 0; i < n; i++, s += 256, d += 16 * ld) {
            for (int g = 0; g < 4; g++) {
                FloatVector q0 = FloatVector.fromArray(S, t, s + g * 16), q1 = FloatVector.fromArray(S, t, s + g * 16 + 64);
                FloatVector q2 = FloatVector.fromArray(S, t, s + g * 16 + 128), q3 = FloatVector.fromArray(S, t, s + g * 16 + 192);
                FloatVector e0 = lo(q0, q1, X4, M4), e1 = hi(q0, q1, X4, M4), e2 = lo(q2, q3, X4, M4), e3 = hi(q2, q3, X4, M4);
                lo(e0, e2, X8, M8).intoArray(dst, d + g * ld);
                lo(e1, e3, X8, M8).intoArray(dst, d + (g + 4) * ld);
                hi(e0, e2, X8, M8).intoArray(dst, d + (g + 8) * ld);
                hi(e1, e3, X8, M8).intoArray(dst, d + (g + 12) * ld);
            }
        }
    }

    static final int CHUNK = 8;   // blocks of 16 p per pass: t holds 8 × 256 floats (8 KB)

    /** twelveRows by chunks of 8 blocks of 16 p, through t (2048 floats) and u (2048 floats). */
    static void twelve(float[] x, int rs, int k, int r0, int valid, float[] dst, int off, int[] at, float[] t, float[] u) {
        int last = r0 + valid - 1;
        for (int r = 0; r < 12; r++) at[r] = Math.min(r0 + r, last) * rs;
        int p = 0;
        for (; p + 16 <= k; ) {
            int n = Math.min(CHUNK, (k - p) / 16);
            first(x, at[0] + p, at[1] + p, at[2] + p, at[3] + p, n, t, 0);
            first(x, at[4] + p, at[5] + p, at[6] + p, at[7] + p, n, t, 64);
            first(x, at[8] + p, at[9] + p, at[10] + p, at[11] + p, n, t, 128);
            second(t, n, u, 0, 16);
            int d = off + p * 12, m = 16 * n;
            // 16 floats per p, ascending: each store's last four are overwritten by the next; the last p of the row block by a copy
            int whole = p + m < k ? m : m - 1;
            for (int j = 0; j < whole; j++) FloatVector.fromArray(S, u, j * 16).intoArray(dst, d + j * 12);
            if (whole < m) System.arraycopy(u, whole * 16, dst, d + whole * 12, 12);
            p += m;
        }
        for (; p < k; p++) for (int r = 0; r < 12; r++) dst[off + p * 12 + r] = x[at[r] + p];
    }

    /** a panel of w lanes (w a multiple of 16) by chunks of 8 blocks of 16 p. */
    static void panel(float[] y, int ldy, int k, int l0, int w, float[] dst, int at0, int[] at, float[] t) {
        for (int l = 0; l < w; l += 16) {
            for (int j = 0; j < 16; j++) at[j] = (l0 + l + j) * ldy;
            int p = 0;
            for (; p + 16 <= k; ) {
                int n = Math.min(CHUNK, (k - p) / 16);
                first(y, at[0] + p, at[1] + p, at[2] + p, at[3] + p, n, t, 0);
                first(y, at[4] + p, at[5] + p, at[6] + p, at[7] + p, n, t, 64);
                first(y, at[8] + p, at[9] + p, at[10] + p, at[11] + p, n, t, 128);
                first(y, at[12] + p, at[13] + p, at[14] + p, at[15] + p, n, t, 192);
                second(t, n, dst, at0 + p * w + l, w);
                p += 16 * n;
            }
            for (; p < k; p++) for (int j = 0; j < 16; j++) dst[at0 + p * w + l + j] = y[at[j] + p];
        }
    }
}
