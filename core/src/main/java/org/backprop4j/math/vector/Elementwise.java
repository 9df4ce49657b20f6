package org.backprop4j.math.vector;

import static org.backprop4j.math.FloatExp.LN2_HI;
import static org.backprop4j.math.FloatExp.LN2_LO;
import static org.backprop4j.math.FloatExp.LOG2E;
import static org.backprop4j.math.FloatExp.MAX;
import static org.backprop4j.math.FloatExp.MIN;
import static org.backprop4j.math.FloatExp.P0;
import static org.backprop4j.math.FloatExp.P1;
import static org.backprop4j.math.FloatExp.P2;
import static org.backprop4j.math.FloatExp.P3;
import static org.backprop4j.math.FloatExp.P4;
import static org.backprop4j.math.FloatExp.P5;
import static org.backprop4j.math.FloatExp.ROUND;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.backprop4j.math.FloatExp;
import org.backprop4j.math.Pointwise.Form;

/** An elementwise pass over the first m rows of an m × n batch, in tiles of 4 rows. */
final class Elementwise extends Tiles {
    static final int BIAS_ACTIVATE = 0, BACKWARD = 1;
    /**
     * What an element of bias + activation or of E7's ⊙ f'(z) costs, in multiply-adds: so the
     * elementwise passes are split over the threads from about 64K elements (a batch of 256 × 256).
     */
    static final long COST = 8;
    private int what, m, n;
    private Form f;
    private float[] x, y, w;

    Elementwise(int threads) {
        super(threads);
    }

    /** BIAS_ACTIVATE: x = z, y = bias, w = a. BACKWARD: x = z, y = a, w = g. */
    void set(int what, Form f, int m, int n, float[] x, float[] y, float[] w) {
        this.what = what;
        this.f = f;
        this.m = m;
        this.n = n;
        this.x = x;
        this.y = y;
        this.w = w;
        tiles((m + 3) / 4, COST * 4 * n);
    }

    @Override
    void tile(int t, int i) {
        int i0 = i * 4, i1 = Math.min(i0 + 4, m);
        if (what == BIAS_ACTIVATE) biasActivateRows(f, i0, i1, n, x, y, w);
        else backwardRange(f, i0 * n, i1 * n, x, y, w);
    }

    @Override
    void release() {
        x = y = w = null;
    }

    /**
     * biasActivate on rows i0 … i1−1: the bias added row by row, then f on the rows' elements as one run.
     * f works element by element, so the run may cross rows: with a row length that is not a multiple of
     * the lanes (W1's 100, an output layer's 10) a pass row by row left each row's last n mod VL elements
     * to the scalar sigmoid, all 320 of a 32 × 10 output layer. Per element the same operations either way.
     */
    private static void biasActivateRows(Form f, int i0, int i1, int n, float[] z, float[] bias, float[] a) {
        int bound = S.loopBound(n);
        for (int i = i0; i < i1; i++) {
            int row = i * n, j = 0;
            for (; j < bound; j += VL) FloatVector.fromArray(S, z, row + j).add(FloatVector.fromArray(S, bias, j)).intoArray(z, row + j);
            for (; j < n; j++) z[row + j] += bias[j];
        }
        int from = i0 * n, to = i1 * n, e = from;
        if (f != Form.TANH) {
            for (int end = from + S.loopBound(to - from); e < end; e += VL) {
                FloatVector v = FloatVector.fromArray(S, z, e);
                FloatVector out = switch (f) {
                    case SIGMOID -> ONE.div(exp(v.neg()).add(1f));      // 1 / (1 + e^-z)
                    case RELU -> v.max(0f);
                    default -> v;
                };
                out.intoArray(a, e);
            }
        }
        for (; e < to; e++) {
            float ze = z[e];
            a[e] = switch (f) {
                case SIGMOID -> FloatExp.sigmoid(ze);                  // the same arithmetic as the lanes
                case TANH -> (float) Math.tanh(ze);
                case RELU -> ze > 0f ? ze : 0f;
                default -> ze;
            };
        }
    }

    /** g ⊙= f'(z) on elements from … to−1. */
    private static void backwardRange(Form f, int from, int to, float[] z, float[] a, float[] g) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += VL) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            switch (f) {
                case SIGMOID -> {
                    FloatVector av = FloatVector.fromArray(S, a, i);
                    gv = gv.mul(av.mul(ONE.sub(av)));                  // g · a(1 − a)
                }
                case TANH -> {
                    FloatVector av = FloatVector.fromArray(S, a, i);
                    gv = gv.mul(ONE.sub(av.mul(av)));                  // g · (1 − a²)
                }
                default -> gv = FloatVector.zero(S).blend(gv, FloatVector.fromArray(S, z, i).compare(VectorOperators.GT, 0f));
            }
            gv.intoArray(g, i);
        }
        for (; i < to; i++) {
            g[i] = switch (f) {
                case SIGMOID -> g[i] * (a[i] * (1f - a[i]));
                case TANH -> g[i] * (1f - a[i] * a[i]);
                default -> z[i] > 0f ? g[i] : 0f;
            };
        }
    }

    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    // The constants and the steps of FloatExp, on vectors.

    /** e^x per lane, with x clamped to [−87, 88] (the float range of e^x without denormals). */
    static FloatVector exp(FloatVector x) {
        x = x.max(MIN).min(MAX);
        FloatVector t = x.fma(LOG2E, ROUND);                            // ROUND + n
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(V_NEG_LN2_HI, x);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = r.fma(P0, P1).fma(r, V_P2).fma(r, V_P3).fma(r, V_P4).fma(r, V_P5);
        FloatVector er = p.mul(r).fma(r, r).add(1f);                    // 1 + r + r²·p(r)
        IntVector bits = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND) - 127).lanewise(VectorOperators.LSHL, 23);
        return er.mul(bits.reinterpretAsFloats());                     // · 2^n
    }

    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI), V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO),
            V_P2 = FloatVector.broadcast(S, P2), V_P3 = FloatVector.broadcast(S, P3), V_P4 = FloatVector.broadcast(S, P4),
            V_P5 = FloatVector.broadcast(S, P5);
}
