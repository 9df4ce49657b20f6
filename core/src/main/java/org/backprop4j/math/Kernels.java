package org.backprop4j.math;

/**
 * The matrix kernels a training step spends nearly all its time in (SPEC, "Vectorised over a
 * batch"): the three transposition forms of a matrix product and a column sum. All matrices are
 * row-major float32 arrays; shapes are passed explicitly so callers can use the leading part of a
 * larger workspace buffer (a ragged last batch uses fewer rows of the same buffers).
 *
 * <p>Every fast implementation has a naive twin ({@link NaiveKernels}) that the tests compare it
 * with on random shapes, ragged edges included.
 *
 * <p>Contract shared by all implementations: the output is overwritten (not accumulated into), the
 * inputs are not modified, the output must not alias an input, and every output element is a sum
 * taken in an order that depends only on the shapes — never on timing or thread count — so the
 * same inputs give bit-identical outputs on every run. An instance may hold scratch memory and
 * is then not safe for concurrent use; give each trainer its own.
 */
public interface Kernels {

    /** c[m×n] = a[m×k] · b[n×k]ᵀ. Forward E1: Z = A·Wᵀ. a, b: not modified; c: overwritten. */
    void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c);

    /** c[m×n] = a[m×k] · b[k×n]. Backward E7: (Δ·W). a, b: not modified; c: overwritten. */
    void gemmNN(int m, int n, int k, float[] a, float[] b, float[] c);

    /** c[m×n] = a[k×m]ᵀ · b[k×n]. Gradient E10: ΔW = Δᵀ·A. a, b: not modified; c: overwritten. */
    void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c);

    /** out[n] = column sums of a[m×n]. Gradient E10: Δb = Δᵀ·1. a: not modified; out: overwritten. */
    default void columnSums(int m, int n, float[] a, float[] out) {
        java.util.Arrays.fill(out, 0, n, 0f);
        for (int i = 0; i < m; i++) {
            int row = i * n;
            for (int j = 0; j < n; j++) {
                out[j] += a[row + j];
            }
        }
    }

    /** c[i][j] += bias[j] for each of m rows of c[m×n] (the "+ b" of E1). bias: not modified; c: modified. */
    default void addBias(int m, int n, float[] c, float[] bias) {
        for (int i = 0; i < m; i++) {
            int row = i * n;
            for (int j = 0; j < n; j++) {
                c[row + j] += bias[j];
            }
        }
    }

    /**
     * E1's "+ b" and E2 fused over the first m rows: z[i][j] += bias[j], then a = f(z) (read once,
     * while the row is still in cache). bias: not modified; z, a: overwritten. This default is the
     * naive twin: the bias loop, then the activation's own float32 loop.
     */
    default void biasActivate(Pointwise f, int m, int n, float[] z, float[] bias, float[] a) {
        addBias(m, n, z, bias);
        f.forward(z, a, m, n);
    }

    /**
     * E7's "⊙ f'(z)" on the first m rows of an m × n batch: g := g ⊙ f'(z), with a = f(z) at hand
     * (softmax applies its Jacobian row by row). z, a: not modified; g: modified. This default is
     * the naive twin: the activation's own float32 loop.
     */
    default void activationBackward(Pointwise f, int m, int n, float[] z, float[] a, float[] g) {
        f.backward(z, a, g, m, n);
    }

    /**
     * One gradient-descent step on n parameters, E11: w := w − alpha·(dw/K + lambda·w). With
     * lambda = 0 this is E12. dw: not modified; w: modified.
     */
    default void descend(int n, float[] w, float[] dw, float alpha, int K, float lambda) {
        for (int i = 0; i < n; i++) {
            w[i] -= alpha * (dw[i] / K + lambda * w[i]);
        }
    }

    /**
     * {@link #descend(int, float[], float[], float, int, float)} on a rows × cols weight matrix,
     * row-major. The same arithmetic element by element; the shape lets a threaded implementation
     * give each thread the rows (units) it owns in the products, so they stay in its cache.
     */
    default void descend(int rows, int cols, float[] w, float[] dw, float alpha, int K, float lambda) {
        descend(rows * cols, w, dw, alpha, K, lambda);
    }

    /**
     * Row r of dst = row {@code order[from + r]} of src, for r &lt; K; rows of {@code cols} floats:
     * a batch's inputs, gathered from the data set in the epoch's shuffled order. src: not modified;
     * dst: overwritten.
     */
    default void gatherRows(float[] src, int cols, int[] order, int from, int K, float[] dst) {
        for (int r = 0; r < K; r++) {
            System.arraycopy(src, order[from + r] * cols, dst, r * cols, cols);
        }
    }

    /**
     * The layers W_l[n_l×k_l] of one network, kept for many one-sample products (a predictor's): see
     * {@link #matrixVector}. These kernels read each W in place; the fast kernels copy the layers that
     * stream from L2 to where they read them faster (rows at 64-byte boundaries). A copy is taken now:
     * the arrays must not change afterwards (a {@code Network}'s do not).
     */
    default OneSampleWeights[] oneSampleWeights(int[] n, int[] k, float[][] w) {
        OneSampleWeights[] laid = new OneSampleWeights[w.length];
        for (int l = 0; l < w.length; l++) laid[l] = OneSampleWeights.inPlace(n[l], k[l], w[l]);
        return laid;
    }

    /**
     * c[n] = W·x for one sample x[k] (E1's W a with m = 1), W from {@link #oneSampleWeights}: the same
     * bits as {@code gemmNT(1, n, k, x, w, c)}. x: not modified; c: overwritten.
     */
    default void matrixVector(OneSampleWeights w, float[] x, float[] c) {
        gemmNT(1, w.n(), w.k(), x, w.w(), c);
    }

    /** The plain loops, for tests and as a readable statement of each operation. */
    static Kernels naive() {
        return new NaiveKernels();
    }

    /** The plain-Java kernels (single-threaded, no Vector API): the fallback of {@link #fast}, for comparisons. */
    static Kernels java() {
        return new JavaKernels();
    }

    /**
     * The fastest implementation available on this JVM, splitting large products over all available
     * processors; a fresh instance (it owns scratch memory and, once a product is big enough to
     * split, a few daemon threads).
     */
    static Kernels fast() {
        return fast(Runtime.getRuntime().availableProcessors());
    }

    /**
     * The fastest implementation available on this JVM, using at most {@code threads} threads (the
     * caller's included) per product. That is {@link org.backprop4j.math.vector.VectorKernels}, in
     * the variant chosen for this processor ({@link org.backprop4j.math.vector.VariantChoice}), when
     * the JVM was started with {@code --add-modules jdk.incubator.vector} on hardware with at least
     * 256-bit vectors (128-bit on x86-64 and aarch64), else {@link JavaKernels} (single-threaded, several times slower: the first
     * such fallback logs a warning with the fix through {@link System.Logger}, logger
     * "org.backprop4j.kernels"). Results do not depend on {@code threads}. A {@code backprop4j.*} setting the
     * vector kernels refuse (backprop4j.vector.bits=64, say) is an IllegalArgumentException, not a fallback.
     */
    static Kernels fast(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        // VectorKernels must not even be loaded without the module: its constants are vector species.
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                if (org.backprop4j.math.vector.VectorKernels.worthwhile()) return new org.backprop4j.math.vector.VectorKernels(threads);
                return new JavaKernels();              // too few lanes: plain Java is as good
            } catch (LinkageError e) {
                IllegalArgumentException setting = SlowPath.refusedSetting(e);
                if (setting != null) throw setting;    // e.g. -Dbackprop4j.vector.bits=64: say so, do not run slowly
                Throwable why = e.getCause() != null ? e.getCause() : e;
                SlowPath.warn("the module jdk.incubator.vector is present but unusable on this JVM (" + why + ")");
                return new JavaKernels();
            }
        }
        SlowPath.warn("the JVM was started without the module jdk.incubator.vector");
        return new JavaKernels();
    }
}
