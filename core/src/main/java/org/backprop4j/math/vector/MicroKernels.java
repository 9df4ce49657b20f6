package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;

/**
 * Micro-kernels of the main engine ({@link Panels}): R rows × V vectors of C held in registers
 * across the whole k loop, for (R, V) = (4, 4), (8, 3), (12, 2), (6, 2), (5, 2) — the register tiles a
 * {@link Variant} chooses among — and (4, 1), (2, 1) for panels of one vector. Each is the same loop
 * written out: Java cannot unroll over a count, and the accumulators must be locals to live in
 * registers. X comes packed by {@link Panels}: X(r,p) of the row block at {@code xk[xb + p·R + r]} ("p-major"), or
 * for the "Rows" twins of the 12 × 2, 6 × 2 and 5 × 2 kernels (NN and NT, see {@code Panels.ROW_STRIDE}) at
 * {@code xk[xb + r·Panels.ROW_STRIDE + p]}. A twin is its kernel with other constants in the broadcasts'
 * offsets: they must be constants for the JIT to fold them into the loads, so the loop is written twice.
 * The panel's V vectors for p are at {@code y[pb + p·ldp]}: ldp = V·VL for a packed panel, or the
 * row length of Y for a panel read where Y's rows lie (small k; see {@code Panels#readsInPlace}).
 * Row r of the tile goes to {@code out[o + r·ldo …]}. Every output is the chain
 * acc = fma(X(r,p), Y(p,l), acc) for p = 0 … k−1 from acc = 0, in every kernel: which one runs
 * never changes a bit.
 *
 * <p>The k loop counts X's index xp in steps of R and carries the panel's index q along by adds
 * ({@code for (xp = xb, q = pb; xp < xb + R·k; xp += R, q += ldp)}), rather than counting p and
 * computing both from it: then the JIT removes the bounds checks of the broadcasts and computes no
 * product p·ldp, and the loop is 33 instructions instead of 47 per p for the 6 × 2 tile
 * (hsdis). The AMD EPYC (Zen 3) issues 6 a cycle and its two FMA units need 6 cycles for the 12 FMAs,
 * so 47 left the FMAs no slack (why the old loop ran slowly only part of the time is not known; the
 * host's other work is the likely cause): the 6 × 2 kernel alone, rounds alternating in one
 * JVM, 72.7 → 86.8 GFLOP/s median (best 79.0 → 94.0, the C kernel's figure) in one run, though the old
 * loop's speed varied from JVM to JVM; a W2 step, switching kernels every 10 steps in one JVM, 6–18 % shorter
 * in each of seven runs (docs/PERFORMANCE.md, "Session 16").
 *
 * <p>Until 2026-11-30 the packed panels had kernels of their own with the stride V·VL written in,
 * in case the JIT removed the panel loads' bounds checks only for a constant stride; with the stride
 * a parameter, W2's steps ran as fast (on one thread 20.26, 19.96, 20.49 ms before against 20.18,
 * 19.94, 20.34 after, on two 11.18, 11.74, 11.88 against 11.23, 11.46, 11.50; `StepCalls W2 1|2`,
 * alternating, Intel Xeon of docs/PERFORMANCE.md), so the copies (250 lines) went.
 */
final class MicroKernels {

    private MicroKernels() {
    }

    /**
     * 4 rows × 4 vectors: for each p, 4 vector loads of the panel and 4 broadcasts of X feed 16
     * FMAs into 16 accumulators.
     */
    static void kernel4x4(int k, float[] xk, int xb, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int xp = xb, q = pb, end = xb + 4 * k; xp < end; xp += 4, q += ldp) {
            FloatVector y0 = FloatVector.fromArray(S, y, q);
            FloatVector y1 = FloatVector.fromArray(S, y, q + VL);
            FloatVector y2 = FloatVector.fromArray(S, y, q + 2 * VL);
            FloatVector y3 = FloatVector.fromArray(S, y, q + 3 * VL);
            FloatVector a = FloatVector.broadcast(S, xk[xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            c02 = a.fma(y2, c02);
            c03 = a.fma(y3, c03);
            a = FloatVector.broadcast(S, xk[xp + 1]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            c12 = a.fma(y2, c12);
            c13 = a.fma(y3, c13);
            a = FloatVector.broadcast(S, xk[xp + 2]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            c22 = a.fma(y2, c22);
            c23 = a.fma(y3, c23);
            a = FloatVector.broadcast(S, xk[xp + 3]);
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
     * 8 rows × 3 vectors: for each p, 3 vector loads of the panel and 8 broadcasts of X feed 24
     * FMAs into 24 accumulators; a third fewer panel loads per FMA than 4 × 4.
     */
    static void kernel8x3(int k, float[] xk, int xb, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00;
        FloatVector c60 = c00, c61 = c00, c62 = c00;
        FloatVector c70 = c00, c71 = c00, c72 = c00;
        for (int xp = xb, q = pb, end = xb + 8 * k; xp < end; xp += 8, q += ldp) {
            FloatVector y0 = FloatVector.fromArray(S, y, q);
            FloatVector y1 = FloatVector.fromArray(S, y, q + VL);
            FloatVector y2 = FloatVector.fromArray(S, y, q + 2 * VL);
            FloatVector a = FloatVector.broadcast(S, xk[xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            c02 = a.fma(y2, c02);
            a = FloatVector.broadcast(S, xk[xp + 1]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            c12 = a.fma(y2, c12);
            a = FloatVector.broadcast(S, xk[xp + 2]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            c22 = a.fma(y2, c22);
            a = FloatVector.broadcast(S, xk[xp + 3]);
            c30 = a.fma(y0, c30);
            c31 = a.fma(y1, c31);
            c32 = a.fma(y2, c32);
            a = FloatVector.broadcast(S, xk[xp + 4]);
            c40 = a.fma(y0, c40);
            c41 = a.fma(y1, c41);
            c42 = a.fma(y2, c42);
            a = FloatVector.broadcast(S, xk[xp + 5]);
            c50 = a.fma(y0, c50);
            c51 = a.fma(y1, c51);
            c52 = a.fma(y2, c52);
            a = FloatVector.broadcast(S, xk[xp + 6]);
            c60 = a.fma(y0, c60);
            c61 = a.fma(y1, c61);
            c62 = a.fma(y2, c62);
            a = FloatVector.broadcast(S, xk[xp + 7]);
            c70 = a.fma(y0, c70);
            c71 = a.fma(y1, c71);
            c72 = a.fma(y2, c72);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        c02.intoArray(out, o + 2 * VL);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + VL);
        c12.intoArray(out, o + 2 * VL);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + VL);
        c22.intoArray(out, o + 2 * VL);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + VL);
        c32.intoArray(out, o + 2 * VL);
        o += ldo;
        c40.intoArray(out, o);
        c41.intoArray(out, o + VL);
        c42.intoArray(out, o + 2 * VL);
        o += ldo;
        c50.intoArray(out, o);
        c51.intoArray(out, o + VL);
        c52.intoArray(out, o + 2 * VL);
        o += ldo;
        c60.intoArray(out, o);
        c61.intoArray(out, o + VL);
        c62.intoArray(out, o + 2 * VL);
        o += ldo;
        c70.intoArray(out, o);
        c71.intoArray(out, o + VL);
        c72.intoArray(out, o + 2 * VL);
    }

    /**
     * 12 rows × 2 vectors: for each p, 2 vector loads of the panel and 12 broadcasts of X feed
     * 24 FMAs into 24 accumulators: half the panel loads per FMA of 4 × 4, for cores whose two FMA
     * units would otherwise wait on the panel streaming from L2.
     */
    static void kernel12x2(int k, float[] xk, int xb, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00;
        FloatVector c70 = c00, c71 = c00;
        FloatVector c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00;
        FloatVector ca0 = c00, ca1 = c00;
        FloatVector cb0 = c00, cb1 = c00;
        for (int xp = xb, q = pb, end = xb + 12 * k; xp < end; xp += 12, q += ldp) {
            FloatVector y0 = FloatVector.fromArray(S, y, q);
            FloatVector y1 = FloatVector.fromArray(S, y, q + VL);
            FloatVector a = FloatVector.broadcast(S, xk[xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            a = FloatVector.broadcast(S, xk[xp + 1]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            a = FloatVector.broadcast(S, xk[xp + 2]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            a = FloatVector.broadcast(S, xk[xp + 3]);
            c30 = a.fma(y0, c30);
            c31 = a.fma(y1, c31);
            a = FloatVector.broadcast(S, xk[xp + 4]);
            c40 = a.fma(y0, c40);
            c41 = a.fma(y1, c41);
            a = FloatVector.broadcast(S, xk[xp + 5]);
            c50 = a.fma(y0, c50);
            c51 = a.fma(y1, c51);
            a = FloatVector.broadcast(S, xk[xp + 6]);
            c60 = a.fma(y0, c60);
            c61 = a.fma(y1, c61);
            a = FloatVector.broadcast(S, xk[xp + 7]);
            c70 = a.fma(y0, c70);
            c71 = a.fma(y1, c71);
            a = FloatVector.broadcast(S, xk[xp + 8]);
            c80 = a.fma(y0, c80);
            c81 = a.fma(y1, c81);
            a = FloatVector.broadcast(S, xk[xp + 9]);
            c90 = a.fma(y0, c90);
            c91 = a.fma(y1, c91);
            a = FloatVector.broadcast(S, xk[xp + 10]);
            ca0 = a.fma(y0, ca0);
            ca1 = a.fma(y1, ca1);
            a = FloatVector.broadcast(S, xk[xp + 11]);
            cb0 = a.fma(y0, cb0);
            cb1 = a.fma(y1, cb1);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + VL);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + VL);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + VL);
        o += ldo;
        c40.intoArray(out, o);
        c41.intoArray(out, o + VL);
        o += ldo;
        c50.intoArray(out, o);
        c51.intoArray(out, o + VL);
        o += ldo;
        c60.intoArray(out, o);
        c61.intoArray(out, o + VL);
        o += ldo;
        c70.intoArray(out, o);
        c71.intoArray(out, o + VL);
        o += ldo;
        c80.intoArray(out, o);
        c81.intoArray(out, o + VL);
        o += ldo;
        c90.intoArray(out, o);
        c91.intoArray(out, o + VL);
        o += ldo;
        ca0.intoArray(out, o);
        ca1.intoArray(out, o + VL);
        o += ldo;
        cb0.intoArray(out, o);
        cb1.intoArray(out, o + VL);
    }

    /**
     * {@link #kernel12x2} on X packed as rows ({@code Panels.ROW_STRIDE}): X(r, p) at
     * {@code xk[xb + r·ROW_STRIDE + p]}. The same FMAs in the same order; the broadcasts sit at constant
     * offsets r·ROW_STRIDE from the loop counter, as they sit at r in the p-major kernel. (Rows in chunks of
     * 16 p, with a loop over the chunks around the loop over p, ran the accumulators boxed on JDK 17: 4.5
     * GFLOP/s.)
     */
    static void kernel12x2Rows(int k, float[] xk, int xb, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        final int C = Panels.ROW_STRIDE;
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00;
        FloatVector c70 = c00, c71 = c00;
        FloatVector c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00;
        FloatVector ca0 = c00, ca1 = c00;
        FloatVector cb0 = c00, cb1 = c00;
        for (int xp = xb, q = pb, end = xb + k; xp < end; xp++, q += ldp) {
            FloatVector y0 = FloatVector.fromArray(S, y, q);
            FloatVector y1 = FloatVector.fromArray(S, y, q + VL);
            FloatVector a = FloatVector.broadcast(S, xk[xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            a = FloatVector.broadcast(S, xk[xp + C]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            a = FloatVector.broadcast(S, xk[xp + 2 * C]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            a = FloatVector.broadcast(S, xk[xp + 3 * C]);
            c30 = a.fma(y0, c30);
            c31 = a.fma(y1, c31);
            a = FloatVector.broadcast(S, xk[xp + 4 * C]);
            c40 = a.fma(y0, c40);
            c41 = a.fma(y1, c41);
            a = FloatVector.broadcast(S, xk[xp + 5 * C]);
            c50 = a.fma(y0, c50);
            c51 = a.fma(y1, c51);
            a = FloatVector.broadcast(S, xk[xp + 6 * C]);
            c60 = a.fma(y0, c60);
            c61 = a.fma(y1, c61);
            a = FloatVector.broadcast(S, xk[xp + 7 * C]);
            c70 = a.fma(y0, c70);
            c71 = a.fma(y1, c71);
            a = FloatVector.broadcast(S, xk[xp + 8 * C]);
            c80 = a.fma(y0, c80);
            c81 = a.fma(y1, c81);
            a = FloatVector.broadcast(S, xk[xp + 9 * C]);
            c90 = a.fma(y0, c90);
            c91 = a.fma(y1, c91);
            a = FloatVector.broadcast(S, xk[xp + 10 * C]);
            ca0 = a.fma(y0, ca0);
            ca1 = a.fma(y1, ca1);
            a = FloatVector.broadcast(S, xk[xp + 11 * C]);
            cb0 = a.fma(y0, cb0);
            cb1 = a.fma(y1, cb1);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + VL);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + VL);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + VL);
        o += ldo;
        c40.intoArray(out, o);
        c41.intoArray(out, o + VL);
        o += ldo;
        c50.intoArray(out, o);
        c51.intoArray(out, o + VL);
        o += ldo;
        c60.intoArray(out, o);
        c61.intoArray(out, o + VL);
        o += ldo;
        c70.intoArray(out, o);
        c71.intoArray(out, o + VL);
        o += ldo;
        c80.intoArray(out, o);
        c81.intoArray(out, o + VL);
        o += ldo;
        c90.intoArray(out, o);
        c91.intoArray(out, o + VL);
        o += ldo;
        ca0.intoArray(out, o);
        ca1.intoArray(out, o + VL);
        o += ldo;
        cb0.intoArray(out, o);
        cb1.intoArray(out, o + VL);
    }

    /**
     * 4 rows × 1 vector, for a panel of one vector (an output layer of at most VL units, or the
     * last VL lanes of a product): 4 accumulators, so the FMA latency sets the pace, yet on a
     * quarter of the lanes a padded full tile would compute. X comes packed in blocks of
     * {@code xs} rows (the variant's R): rows xb … xb + 3 of such a block.
     */
    static void kernel4x1(int k, float[] xk, int xb, int xs, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < k; p++) {
            int xp = xb + p * xs;
            FloatVector y0 = FloatVector.fromArray(S, y, pb + p * ldp);
            c0 = FloatVector.broadcast(S, xk[xp]).fma(y0, c0);
            c1 = FloatVector.broadcast(S, xk[xp + 1]).fma(y0, c1);
            c2 = FloatVector.broadcast(S, xk[xp + 2]).fma(y0, c2);
            c3 = FloatVector.broadcast(S, xk[xp + 3]).fma(y0, c3);
        }
        c0.intoArray(out, o);
        c1.intoArray(out, o + ldo);
        c2.intoArray(out, o + 2 * ldo);
        c3.intoArray(out, o + 3 * ldo);
    }

    /**
     * 6 rows × 2 vectors: for each p, 2 vector loads of the panel and 6 broadcasts of X feed 12
     * FMAs into 12 accumulators — with the 2 panel vectors and the broadcast, 15 registers: the tile
     * that fits AVX2's 16 vector registers (the larger tiles need 21 or more and spill there).
     */
    static void kernel6x2(int k, float[] xk, int xb, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        for (int xp = xb, q = pb, end = xb + 6 * k; xp < end; xp += 6, q += ldp) {
            FloatVector y0 = FloatVector.fromArray(S, y, q);
            FloatVector y1 = FloatVector.fromArray(S, y, q + VL);
            FloatVector a = FloatVector.broadcast(S, xk[xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            a = FloatVector.broadcast(S, xk[xp + 1]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            a = FloatVector.broadcast(S, xk[xp + 2]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            a = FloatVector.broadcast(S, xk[xp + 3]);
            c30 = a.fma(y0, c30);
            c31 = a.fma(y1, c31);
            a = FloatVector.broadcast(S, xk[xp + 4]);
            c40 = a.fma(y0, c40);
            c41 = a.fma(y1, c41);
            a = FloatVector.broadcast(S, xk[xp + 5]);
            c50 = a.fma(y0, c50);
            c51 = a.fma(y1, c51);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + VL);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + VL);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + VL);
        o += ldo;
        c40.intoArray(out, o);
        c41.intoArray(out, o + VL);
        o += ldo;
        c50.intoArray(out, o);
        c51.intoArray(out, o + VL);
    }

    /**
     * 5 rows × 2 vectors: the 6 × 2 kernel less a row, 10 accumulators. For JVMs whose compiler keeps more than
     * two broadcasts in registers at once: JDK 25's C2 schedules the 6 × 2 loop with three, which with 12
     * accumulators and 2 panel vectors is one register more than AVX2 has, and it keeps an accumulator on the
     * stack (a store and a load in its FMA chain every p): the 6 × 2 kernel alone ran at 36–39 GFLOP/s there
     * against 54–89 on JDK 17, and this one at 61–87 (AMD EPYC, Zen 3, 2026-12-02; docs/PERFORMANCE.md,
     * "Session 19"). The variant's measured selection, which is kept per JVM, picks it where it is faster.
     */
    static void kernel5x2(int k, float[] xk, int xb, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        for (int xp = xb, q = pb, end = xb + 5 * k; xp < end; xp += 5, q += ldp) {
            FloatVector y0 = FloatVector.fromArray(S, y, q);
            FloatVector y1 = FloatVector.fromArray(S, y, q + VL);
            FloatVector a = FloatVector.broadcast(S, xk[xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            a = FloatVector.broadcast(S, xk[xp + 1]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            a = FloatVector.broadcast(S, xk[xp + 2]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            a = FloatVector.broadcast(S, xk[xp + 3]);
            c30 = a.fma(y0, c30);
            c31 = a.fma(y1, c31);
            a = FloatVector.broadcast(S, xk[xp + 4]);
            c40 = a.fma(y0, c40);
            c41 = a.fma(y1, c41);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + VL);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + VL);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + VL);
        o += ldo;
        c40.intoArray(out, o);
        c41.intoArray(out, o + VL);
    }

    /** {@link #kernel6x2} on X packed as rows (see {@link #kernel12x2Rows}). */
    static void kernel6x2Rows(int k, float[] xk, int xb, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        final int C = Panels.ROW_STRIDE;
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        for (int xp = xb, q = pb, end = xb + k; xp < end; xp++, q += ldp) {
            FloatVector y0 = FloatVector.fromArray(S, y, q);
            FloatVector y1 = FloatVector.fromArray(S, y, q + VL);
            FloatVector a = FloatVector.broadcast(S, xk[xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            a = FloatVector.broadcast(S, xk[xp + C]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            a = FloatVector.broadcast(S, xk[xp + 2 * C]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            a = FloatVector.broadcast(S, xk[xp + 3 * C]);
            c30 = a.fma(y0, c30);
            c31 = a.fma(y1, c31);
            a = FloatVector.broadcast(S, xk[xp + 4 * C]);
            c40 = a.fma(y0, c40);
            c41 = a.fma(y1, c41);
            a = FloatVector.broadcast(S, xk[xp + 5 * C]);
            c50 = a.fma(y0, c50);
            c51 = a.fma(y1, c51);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + VL);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + VL);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + VL);
        o += ldo;
        c40.intoArray(out, o);
        c41.intoArray(out, o + VL);
        o += ldo;
        c50.intoArray(out, o);
        c51.intoArray(out, o + VL);
    }

    /** {@link #kernel5x2} on X packed as rows (see {@link #kernel12x2Rows}). */
    static void kernel5x2Rows(int k, float[] xk, int xb, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        final int C = Panels.ROW_STRIDE;
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        for (int xp = xb, q = pb, end = xb + k; xp < end; xp++, q += ldp) {
            FloatVector y0 = FloatVector.fromArray(S, y, q);
            FloatVector y1 = FloatVector.fromArray(S, y, q + VL);
            FloatVector a = FloatVector.broadcast(S, xk[xp]);
            c00 = a.fma(y0, c00);
            c01 = a.fma(y1, c01);
            a = FloatVector.broadcast(S, xk[xp + C]);
            c10 = a.fma(y0, c10);
            c11 = a.fma(y1, c11);
            a = FloatVector.broadcast(S, xk[xp + 2 * C]);
            c20 = a.fma(y0, c20);
            c21 = a.fma(y1, c21);
            a = FloatVector.broadcast(S, xk[xp + 3 * C]);
            c30 = a.fma(y0, c30);
            c31 = a.fma(y1, c31);
            a = FloatVector.broadcast(S, xk[xp + 4 * C]);
            c40 = a.fma(y0, c40);
            c41 = a.fma(y1, c41);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + VL);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + VL);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + VL);
        o += ldo;
        c40.intoArray(out, o);
        c41.intoArray(out, o + VL);
    }

    /**
     * 2 rows × 1 vector: the last two rows of a 6-row block (of a 5-row block: rows 3 and 4, row 3 again) in a panel
     * of one vector (see kernel4x1).
     */
    static void kernel2x1(int k, float[] xk, int xb, int xs, float[] y, int pb, int ldp, float[] out, int o, int ldo) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0; p < k; p++) {
            int xp = xb + p * xs;
            FloatVector y0 = FloatVector.fromArray(S, y, pb + p * ldp);
            c0 = FloatVector.broadcast(S, xk[xp]).fma(y0, c0);
            c1 = FloatVector.broadcast(S, xk[xp + 1]).fma(y0, c1);
        }
        c0.intoArray(out, o);
        c1.intoArray(out, o + ldo);
    }
}
