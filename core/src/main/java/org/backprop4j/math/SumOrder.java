package org.backprop4j.math;

/**
 * The order in which the fast kernels add up each output's sum over p, fixed by the product's
 * shape alone — not by the processor's vector width, the kernel variant, the thread count or
 * whether the JVM has the Vector API. So a model trained on an AVX-512 server, an AVX2 laptop or
 * a JVM without {@code --add-modules jdk.incubator.vector} is the same to the last bit.
 *
 * <p>Three orders, one per engine:
 * <ul>
 *   <li><b>chain</b> (most products): acc = fma(A(i,p), B(p,j), acc) for p = 0 … k−1 from 0;
 *   <li><b>one sample</b> ({@link #oneSample}): {@value #LANES} chains, chain l taking the p with
 *       p mod {@value #LANES} = l up to the last whole group of {@value #LANES}; the chains added
 *       in order ({@link #inOrder}); then the k mod {@value #LANES} leftover terms by fma, in order;
 *   <li><b>dots</b> ({@link #dots}): the same {@value #LANES} chains, added by a fixed tree of
 *       pairs ({@link #tree}); then the leftover terms.
 * </ul>
 * Sixteen is the lane count of a 512-bit vector of floats: AVX-512 runs each chain in a lane;
 * 256-bit vectors run the chains in two vectors (p mod 16 below 8, and from 8), 128-bit vectors
 * (NEON) in four, and plain Java in an array of sixteen.
 */
public final class SumOrder {

    /** Chains per output in the one-sample and dot orders. */
    public static final int LANES = 16;

    private SumOrder() {
    }

    /** True if c[1×n] = a[1×k]·b[n×k]ᵀ (one sample's forward product) takes the one-sample order. */
    public static boolean oneSample(int m, int k) {
        return m == 1 && k >= LANES;
    }

    /**
     * True if c[m×n] = a[m×k]·b[n×k]ᵀ takes the dot order: k long enough to amortise adding up the
     * chains, and a side small (≤ 16: lanes over it would be mostly empty) or both moderate
     * (≤ 256: a transposition would be amortised over few rows). Checked after {@link #oneSample}.
     */
    public static boolean dots(int m, int n, int k) {
        return k >= 16 * LANES && (Math.min(m, n) <= 16 || Math.max(m, n) <= 256);
    }

    /** p up to which the chains run: the largest multiple of {@value #LANES} not above k. */
    public static int chained(int k) {
        return k - k % LANES;
    }

    /**
     * The {@value #LANES} chains from {@code off}, added in order from 0: ((0 + s0) + s1) + … — what
     * the Vector API's {@code reduceLanes(ADD)} does on floats (the 0 matters only for the sign of a zero).
     */
    public static float inOrder(float[] s, int off) {
        float sum = 0f;
        for (int l = 0; l < LANES; l++) sum += s[off + l];
        return sum;
    }

    /**
     * The {@value #LANES} chains from {@code off}, added as a tree of pairs: lane l with lane l + 8,
     * then the eight sums l with l + 4, then l with l + 2, then the two that are left — the rounds
     * a 512-bit vector does by swapping lanes (and it writes the result over s).
     */
    public static float tree(float[] s, int off) {
        for (int d = LANES / 2; d >= 1; d /= 2) {
            for (int l = 0; l < d; l++) s[off + l] += s[off + l + d];
        }
        return s[off];
    }
}
