package org.backprop4j.math;

/**
 * The naive twins: each product as the textbook triple loop, summing over p = 0..k-1 in order.
 * Slow and obviously right; the reference that every fast kernel is tested against.
 */
final class NaiveKernels implements Kernels {

    @Override
    public void gemmNT(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[j * k + p];
                }
                c[i * n + j] = s;
            }
        }
    }

    @Override
    public void gemmNN(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[p * m + i] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
    }
}
