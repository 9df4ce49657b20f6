package org.backprop4j.math;

/**
 * e^x in float from exactly rounded operations only (fma, +, ×, bit moves), so the same on every
 * processor and JVM, interpreted or compiled; the vector kernels run the same operations lane by
 * lane ({@code math.vector.Elementwise}), and the plain-Java kernels call this, so the sigmoid of
 * both gives the same bits. (Math.exp may differ in the last bit between JVMs; the Vector API's EXP
 * even before and after the JIT compiles it.)
 *
 * <p>e^x = 2^n · e^r with n = round(x / ln 2) and r = x − n·ln 2 (|r| ≤ ln 2 / 2), ln 2 split in two
 * parts so that n·LN2_HI is exact; e^r by a degree-7 polynomial (the Cephes single-precision
 * coefficients); 2^n put straight into the exponent bits. About 1 ulp from the exact value.
 */
public final class FloatExp {
    public static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: x + ROUND rounds x to an integer. */
    public static final float ROUND = 12582912f;
    public static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    /** x is clamped to [MIN, MAX]: the float range of e^x without denormals. */
    public static final float MIN = -87f, MAX = 88f;

    private FloatExp() {
    }

    /** e^x, with x clamped to [−87, 88]. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, MIN), MAX);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
        float er = Math.fma(p * r, r, r) + 1f;
        int bits = (Float.floatToRawIntBits(t) - (Float.floatToRawIntBits(ROUND) - 127)) << 23;
        return er * Float.intBitsToFloat(bits);
    }

    /** The sigmoid 1 / (1 + e^−z) of the fast kernels. */
    public static float sigmoid(float z) {
        return 1f / (exp(-z) + 1f);
    }
}
