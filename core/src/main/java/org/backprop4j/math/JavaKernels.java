package org.backprop4j.math;

/**
 * Fast kernels in plain Java, the fallback when the JVM lacks jdk.incubator.vector. The inner loop
 * is "row of C += scalar × row of B" (axpy form) by {@link Math#fma}, which HotSpot's superword pass
 * turns into SIMD code — but on JDK 17 and 25 alike only when both rows start at index 0 of their
 * arrays (measured on a 256×1024×784 product: 7 GFLOP/s with rows at offsets, 15 with both at 0;
 * a register-blocked scalar kernel is not vectorised at all). So each row of B is copied once
 * into a scratch row, and a block of 8 rows of C is accumulated in scratch rows that stay in L1;
 * each copy of a B row then serves 8 rows. The NT form is turned into NN by transposing B first
 * (n·k moves against m·n·k multiply-adds).
 *
 * <p>Summation order for each output element: the one {@link SumOrder} fixes by the shape, as in
 * the vector kernels — mostly the chain acc = fma(A(i,p), B(p,j), acc) for p = 0 … k−1 from 0;
 * for NT products of one sample or with a small side, 16 chains added in order or by a tree. So
 * every product gives the same bits with or without the module.
 */
final class JavaKernels implements Kernels {

    /** Rows of C accumulated together: 8 rows of 1,024 floats are 32 KB, L1-resident. */
    private static final int ROWS = 8;

    private float[] transposed = new float[0];
    private float[] bRow = new float[0];
    private final float[][] cRows = new float[ROWS][0];
    /** The dot order's accumulator rows: 16 per row of C (see {@link #dots}). */
    private final float[][] dotRows = new float[ROWS * SumOrder.LANES][0];
    private final float[] chains = new float[SumOrder.LANES];

    @Override
    public void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c) {
        if (SumOrder.oneSample(m, k)) {
            oneSample(n, k, b, a, c);
            return;
        }
        int size = n * k;
        if (transposed.length < size) {
            transposed = new float[size]; // grows once to the largest layer, then reused
        }
        float[] bt = transposed;
        for (int j = 0; j < n; j++) {
            int row = j * k;
            for (int p = 0; p < k; p++) {
                bt[p * n + j] = b[row + p];
            }
        }
        if (SumOrder.dots(m, n, k)) {
            dots(m, n, k, a, bt, c);
        } else {
            gemmNN(m, n, k, a, bt, c);
        }
    }

    /**
     * c[j] = b_j · x in {@link SumOrder}'s one-sample order: 16 chains in an array, added in order,
     * then the leftover terms. Scalar: a prediction, not a training step.
     */
    private void oneSample(int n, int k, float[] b, float[] x, float[] c) {
        int kv = SumOrder.chained(k);
        float[] s = chains;
        for (int j = 0; j < n; j++) {
            int r = j * k;
            java.util.Arrays.fill(s, 0f);
            for (int p = 0; p < kv; p += SumOrder.LANES) {
                for (int l = 0; l < SumOrder.LANES; l++) s[l] = Math.fma(b[r + p + l], x[p + l], s[l]);
            }
            float sum = SumOrder.inOrder(s, 0);
            for (int p = kv; p < k; p++) sum = Math.fma(b[r + p], x[p], sum);
            c[j] = sum;
        }
    }

    /**
     * c[m×n] = a[m×k]·bt[k×n] in {@link SumOrder}'s dot order, still in the axpy form that the JIT
     * vectorises: row i of C gets 16 accumulator rows, row l taking the p with p mod 16 = l; the
     * tree then adds whole rows (row l += row l + d, d = 8, 4, 2, 1), and the leftover p go into
     * row 0 by fma.
     */
    private void dots(int m, int n, int k, float[] a, float[] bt, float[] c) {
        int lanes = SumOrder.LANES, kv = SumOrder.chained(k);
        if (bRow.length < n) bRow = new float[n];
        if (dotRows[0].length < n) {
            for (int r = 0; r < dotRows.length; r++) dotRows[r] = new float[n];
        }
        for (int i0 = 0; i0 < m; i0 += ROWS) {
            int rows = Math.min(ROWS, m - i0);
            for (int r = 0; r < rows * lanes; r++) java.util.Arrays.fill(dotRows[r], 0, n, 0f);
            for (int p = 0; p < kv; p++) {             // the 16 chains
                System.arraycopy(bt, p * n, bRow, 0, n);
                for (int r = 0; r < rows; r++) axpy(a[(i0 + r) * k + p], bRow, dotRows[r * lanes + p % lanes], n);
            }
            tree(rows, n);
            for (int p = kv; p < k; p++) {              // the leftover terms, on row 0
                System.arraycopy(bt, p * n, bRow, 0, n);
                for (int r = 0; r < rows; r++) axpy(a[(i0 + r) * k + p], bRow, dotRows[r * lanes], n);
            }
            for (int r = 0; r < rows; r++) System.arraycopy(dotRows[r * lanes], 0, c, (i0 + r) * n, n);
        }
    }

    /** {@link SumOrder#tree} on whole accumulator rows: row l += row l + d, d = 8, 4, 2, 1. */
    private void tree(int rows, int n) {
        for (int r = 0; r < rows; r++) {
            for (int d = SumOrder.LANES / 2; d >= 1; d /= 2) {
                for (int l = 0; l < d; l++) {
                    float[] to = dotRows[r * SumOrder.LANES + l], from = dotRows[r * SumOrder.LANES + l + d];
                    for (int j = 0; j < n; j++) to[j] += from[j];
                }
            }
        }
    }

    @Override
    public void gemmNN(int m, int n, int k, float[] a, float[] b, float[] c) {
        product(m, n, k, a, k, 1, b, c);                 // A(i,p) = a[i·k + p]
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c) {
        product(m, n, k, a, 1, m, b, c);                 // A(i,p) = a[p·m + i]
    }

    /** c[m×n] = A·b[k×n] with A(i,p) = a[i·ri + p·rp]. */
    private void product(int m, int n, int k, float[] a, int ri, int rp, float[] b, float[] c) {
        if (bRow.length < n) bRow = new float[n];
        if (cRows[0].length < n) {
            for (int r = 0; r < ROWS; r++) cRows[r] = new float[n];
        }
        for (int i0 = 0; i0 < m; i0 += ROWS) {
            int rows = Math.min(ROWS, m - i0);
            for (int r = 0; r < rows; r++) java.util.Arrays.fill(cRows[r], 0, n, 0f);
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, p * n, bRow, 0, n);
                for (int r = 0; r < rows; r++) axpy(a[(i0 + r) * ri + p * rp], bRow, cRows[r], n);
            }
            for (int r = 0; r < rows; r++) System.arraycopy(cRows[r], 0, c, (i0 + r) * n, n);
        }
    }

    /**
     * The sigmoid by {@link FloatExp}, as the vector kernels compute it (Activation's own forward
     * works in double: it may differ in the last bit); the other activations as the default.
     */
    @Override
    public void biasActivate(Pointwise f, int m, int n, float[] z, float[] bias, float[] a) {
        if (f.form() != Pointwise.Form.SIGMOID) {
            Kernels.super.biasActivate(f, m, n, z, bias, a);
            return;
        }
        addBias(m, n, z, bias);
        for (int i = 0, size = m * n; i < size; i++) a[i] = FloatExp.sigmoid(z[i]);
    }

    /** c[j] = fma(x, y[j], c[j]) for j &lt; n: both rows at index 0, so the JIT vectorises it. */
    private static void axpy(float x, float[] y, float[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] = Math.fma(x, y[j], c[j]);
        }
    }
}
