package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;

/**
 * Micro-kernels of the main engine ({@link Panels}): mr rows × w vectors of C for (mr, w) = (4, 4)
 * and (4, 1). Each is the same loop: Java cannot unroll over a count, and the accumulators must be
 * locals to live in registers. Row r of X starts at x[x0 + r·rs] and steps by ps per p;
 * with rowsValid < mr the last valid row is repeated (the extra sums land in the scratch tile and
 * are dropped), which is cheaper than a kernel per row count. The panel's vectors for p start
 * at pk[pb + p·pstride]; row r of the tile goes to out[o + r·ldo …].
 */
final class MicroKernels {

    private MicroKernels() {
    }

    /**
     * 4 rows × 4 vectors: for each p, 4 vector loads of the panel and 4 broadcasts of X feed 16
     * FMAs into 16 accumulators.
     */
    static void kernel4x4(int k, float[] x, int x0, int rs, int ps, int rowsValid,
                          float[] pk, int pb, int pstride, float[] out, int o, int ldo) {
        int r0 = x0;
        int r1 = x0 + Math.min(1, rowsValid - 1) * rs;
        int r2 = x0 + Math.min(2, rowsValid - 1) * rs;
        int r3 = x0 + Math.min(3, rowsValid - 1) * rs;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0, xp = 0, q = pb; p < k; p++, xp += ps, q += pstride) {
            FloatVector y0 = FloatVector.fromArray(S, pk, q);
            FloatVector y1 = FloatVector.fromArray(S, pk, q + VL);
            FloatVector y2 = FloatVector.fromArray(S, pk, q + 2 * VL);
            FloatVector y3 = FloatVector.fromArray(S, pk, q + 3 * VL);
            FloatVector a = FloatVector.broadcast(S, x[r0 + xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            c02 = a.fma(y2, c02);
            c03 = a.fma(y3, c03);
            a = FloatVector.broadcast(S, x[r1 + xp]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            c12 = a.fma(y2, c12);
            c13 = a.fma(y3, c13);
            a = FloatVector.broadcast(S, x[r2 + xp]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            c22 = a.fma(y2, c22);
            c23 = a.fma(y3, c23);
            a = FloatVector.broadcast(S, x[r3 + xp]);
            c30 = a.fma(y0, c30);
            c31 = a.fma(y1, c31);
            c32 = a.fma(y2, c32);
            c33 = a.fma(y3, c33);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        c02.intoArray(out, o + 2 * VL);
        c03.intoArray(out, o + 3 * VL);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + VL);
        c12.intoArray(out, o + 2 * VL);
        c13.intoArray(out, o + 3 * VL);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + VL);
        c22.intoArray(out, o + 2 * VL);
        c23.intoArray(out, o + 3 * VL);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + VL);
        c32.intoArray(out, o + 2 * VL);
        c33.intoArray(out, o + 3 * VL);
    }

    /**
     * The same for a single vector of lanes (an output layer of at most VL units): 4 accumulators,
     * so the FMA latency sets the pace, yet on a quarter of the lanes the padded 4 × 4 tile would compute.
     */
    static void kernel4x1(int k, float[] x, int x0, int rs, int ps, int rowsValid,
                          float[] pk, int pb, int pstride, float[] out, int o, int ldo) {
        int r0 = x0;
        int r1 = x0 + Math.min(1, rowsValid - 1) * rs;
        int r2 = x0 + Math.min(2, rowsValid - 1) * rs;
        int r3 = x0 + Math.min(3, rowsValid - 1) * rs;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0, xp = 0, q = pb; p < k; p++, xp += ps, q += pstride) {
            FloatVector y0 = FloatVector.fromArray(S, pk, q);
            c0 = FloatVector.broadcast(S, x[r0 + xp]).fma(y0, c0);
            c1 = FloatVector.broadcast(S, x[r1 + xp]).fma(y0, c1);
            c2 = FloatVector.broadcast(S, x[r2 + xp]).fma(y0, c2);
            c3 = FloatVector.broadcast(S, x[r3 + xp]).fma(y0, c3);
        }
        c0.intoArray(out, o);
        c1.intoArray(out, o + ldo);
        c2.intoArray(out, o + 2 * ldo);
        c3.intoArray(out, o + 3 * ldo);
    }
}
