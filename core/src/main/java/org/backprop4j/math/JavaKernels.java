package org.backprop4j.math;

import java.util.Arrays;

/**
 * Fast kernels in plain Java. The inner loops are written as "row of C += scalar × row of B"
 * (axpy form), which HotSpot's superword pass turns into SIMD code; four rows of C are updated
 * per pass so each loaded row of B is used four times. The NT form (dot products, which the JIT
 * does not vectorise) is turned into the NN form by transposing B into scratch memory first: that
 * costs n·k moves against m·n·k multiply-adds.
 *
 * <p>Summation order for each output element is p = 0..k-1, fixed by the shapes alone.
 */
final class JavaKernels implements Kernels {

    private float[] scratch = new float[0];

    @Override
    public void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c) {
        int size = n * k;
        if (scratch.length < size) {
            scratch = new float[size]; // grows once to the largest layer, then reused
        }
        float[] bt = scratch;
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
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
            Arrays.fill(c, c0, c0 + 4 * n, 0f);
            int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            for (int p = 0; p < k; p++) {
                float x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    float bj = b[bp + j];
                    c[c0 + j] += x0 * bj;
                    c[c1 + j] += x1 * bj;
                    c[c2 + j] += x2 * bj;
                    c[c3 + j] += x3 * bj;
                }
            }
        }
        for (; i < m; i++) {
            int c0 = i * n;
            Arrays.fill(c, c0, c0 + n, 0f);
            int a0 = i * k;
            for (int p = 0; p < k; p++) {
                float x0 = a[a0 + p];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c[c0 + j] += x0 * b[bp + j];
                }
            }
        }
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
            Arrays.fill(c, c0, c0 + 4 * n, 0f);
            for (int p = 0; p < k; p++) {
                int ap = p * m + i;
                float x0 = a[ap], x1 = a[ap + 1], x2 = a[ap + 2], x3 = a[ap + 3];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    float bj = b[bp + j];
                    c[c0 + j] += x0 * bj;
                    c[c1 + j] += x1 * bj;
                    c[c2 + j] += x2 * bj;
                    c[c3 + j] += x3 * bj;
                }
            }
        }
        for (; i < m; i++) {
            int c0 = i * n;
            Arrays.fill(c, c0, c0 + n, 0f);
            for (int p = 0; p < k; p++) {
                float x0 = a[p * m + i];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c[c0 + j] += x0 * b[bp + j];
                }
            }
        }
    }
}
