package org.backprop4j.math.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.backprop4j.math.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The row blocks of X are packed once per product into one array the threads share; a thread that
 * finds a block being packed by another packs its own copy for that tile. Both paths, and products
 * of changing shapes one after another (stale packed blocks must never be reused), give the bits
 * of the plain-Java kernels (same sums in the same order; against the naive twin: KernelsTest),
 * for every variant on two threads.
 */
class SharedPackingTest {

    private static final int[][] SHAPES = {      // m, n, k: ragged edges, one-vector panels, short and long sums
        {37, 53, 29}, {64, 100, 300}, {13, 200, 7}, {100, 37, 256}, {9, 1024, 33}, {64, 48, 1}, {37, 53, 29},
    };

    @Test
    void sharedAndOwnRowBlocksGiveThePlainJavaBits() {
        Kernels plain = Kernels.java();          // the same sums in the same order (SumOrder): the same bits
        Random r = new Random(7);
        for (Variant v : Variant.all()) {
            for (boolean own : new boolean[] {false, true}) {
                VectorKernels fast = new VectorKernels(2, v);
                fast.panels().ownCopiesOnly = own;
                for (int[] s : SHAPES) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = random(r, m * k), b = random(r, n * k), bt = random(r, k * n), at = random(r, k * m);
                    String where = v + (own ? ", own copies" : ", shared") + ", " + m + "x" + n + "x" + k;
                    assertArrayEquals(product(plain, 'T', m, n, k, a, b), product(fast, 'T', m, n, k, a, b), "NT " + where);
                    assertArrayEquals(product(plain, 'N', m, n, k, a, bt), product(fast, 'N', m, n, k, a, bt), "NN " + where);
                    assertArrayEquals(product(plain, 'M', m, n, k, at, bt), product(fast, 'M', m, n, k, at, bt), "TN " + where);
                }
            }
        }
    }

    private static float[] product(Kernels kernels, char form, int m, int n, int k, float[] a, float[] b) {
        float[] c = new float[m * n];
        switch (form) {
            case 'T' -> kernels.gemmNT(m, n, k, a, b, c);
            case 'N' -> kernels.gemmNN(m, n, k, a, b, c);
            default -> kernels.gemmTN(m, n, k, a, b, c);
        }
        return c;
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }
}
