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
 * <p>Summation order for each output element: the chain acc = fma(A(i,p), B(p,j), acc) for
 * p = 0 … k−1 from 0 — the vector kernels' main engine's order, so NN and TN products (and NT
 * products the vector kernels run on their main engine) give the same bits with or without the
 * module.
 */
final class JavaKernels implements Kernels {

    /** Rows of C accumulated together: 8 rows of 1,024 floats are 32 KB, L1-resident. */
    private static final int ROWS = 8;

    private float[] transposed = new float[0];
    private float[] bRow = new float[0];
    private final float[][] cRows = new float[ROWS][0];

    @Override
    public void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c) {
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
        gemmNN(m, n, k, a, bt, c);
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
        if (bRow.length < n) {
            bRow = new float[n];
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

    /** c[j] = fma(x, y[j], c[j]) for j &lt; n: both rows at index 0, so the JIT vectorises it. */
    private static void axpy(float x, float[] y, float[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] = Math.fma(x, y[j], c[j]);
        }
    }
}
