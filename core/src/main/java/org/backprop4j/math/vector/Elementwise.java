package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
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

    /** biasActivate on rows i0 … i1−1. */
    private static void biasActivateRows(Form f, int i0, int i1, int n, float[] z, float[] bias, float[] a) {
        int bound = f == Form.TANH ? 0 : S.loopBound(n);
        for (int i = i0; i < i1; i++) {
            int row = i * n;
            int j = 0;
            for (; j < bound; j += VL) {
                FloatVector v = FloatVector.fromArray(S, z, row + j).add(FloatVector.fromArray(S, bias, j));
                v.intoArray(z, row + j);
                FloatVector out = switch (f) {
                    case SIGMOID -> ONE.div(exp(v.neg()).add(1f));      // 1 / (1 + e^-z)
                    case RELU -> v.max(0f);
                    default -> v;
                };
                out.intoArray(a, row + j);
            }
            for (; j < n; j++) {
                float zj = z[row + j] + bias[j];
                z[row + j] = zj;
                a[row + j] = switch (f) {
                    case SIGMOID -> 1f / (exp(-zj) + 1f);                // the same arithmetic as the lanes
                    case TANH -> (float) Math.tanh(zj);
                    case RELU -> zj > 0f ? zj : 0f;
                    default -> zj;
                };
            }
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
    // e^x = 2^n · e^r with n = round(x / ln 2) and r = x − n·ln 2 (|r| ≤ ln 2 / 2), ln 2 split in two
    // parts so that n·LN2_HI is exact; e^r by a degree-7 polynomial (the Cephes single-precision
    // coefficients); 2^n put straight into the exponent bits. About 1 ulp from the exact value.
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;                       // 1.5·2^23: x + ROUND rounds x to an integer
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /** e^x per lane, with x clamped to [−87, 88] (the float range of e^x without denormals). */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
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

    /** The same e^x for one float, operation for operation. */
    static float exp(float x) {
        x = Math.min(Math.max(x, -87f), 88f);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
        float er = Math.fma(p * r, r, r) + 1f;
        int bits = (Float.floatToRawIntBits(t) - (Float.floatToRawIntBits(ROUND) - 127)) << 23;
        return er * Float.intBitsToFloat(bits);
    }
}
