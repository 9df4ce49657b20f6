package org.backprop4j.math;

import org.backprop4j.nn.Activation;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fused bias + activation kernel of every implementation against its naive twin. */
class BiasActivateTest {

    /**
     * The same inputs give the same bits before and after the JIT compiles the kernels (the Vector
     * API's own exp and lane sums do not: their interpreted and compiled forms differ in the last bit).
     */
    @Test
    void resultsDoNotChangeWhenTheJitCompilesTheKernels() {
        Kernels fast = Kernels.fast(1);
        Random r = new Random(5);
        int n = 100, k = 784;
        float[] x = new float[k], w = new float[n * k], bias = new float[n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.05f;
        for (int j = 0; j < n; j++) bias[j] = (float) r.nextGaussian();
        for (Activation f : Activation.values()) {
            float[] first = null;
            for (int call = 0; call < 6000; call++) {
                float[] z = new float[n], a = new float[n];
                fast.gemmNT(1, n, k, x, w, z);                 // the one-sample matrix-vector path
                fast.biasActivate(f, 1, n, z, bias, a);
                if (first == null) first = a;
                else if (call % 500 == 0 || call == 5999) assertArrayEquals(first, a, f + ": call " + call);
            }
        }
    }

    @Test
    void fastMatchesNaiveForEveryActivationAndRaggedRows() {
        Random r = new Random(3);
        for (Kernels fast : new Kernels[] {Kernels.fast(1), Kernels.java()}) {
            for (Activation f : Activation.values()) {
                for (int n : new int[] {1, 7, 16, 17, 100, 131}) {
                    int m = 3;
                    float[] z = new float[m * n], bias = new float[n];
                    for (int i = 0; i < z.length; i++) z[i] = (float) (r.nextGaussian() * 4);
                    for (int j = 0; j < n; j++) bias[j] = (float) r.nextGaussian();
                    float[] zNaive = z.clone(), aNaive = new float[m * n], aFast = new float[m * n];
                    Kernels.naive().biasActivate(f, m, n, zNaive, bias, aNaive);
                    fast.biasActivate(f, m, n, z, bias, aFast);
                    assertArrayEquals(zNaive, z, f + ": z + b must be exact");
                    for (int i = 0; i < aFast.length; i++) {
                        // vector exp/tanh are within a few float32 ulps of the double-rounded value
                        assertEquals(aNaive[i], aFast[i], 4 * Math.ulp(Math.max(Math.abs(aNaive[i]), 1e-6f)) + 1e-7,
                                f + " n=" + n + " element " + i);
                    }
                }
            }
        }
    }

    /**
     * The vector kernels run f over a tile's rows as one run that crosses rows (math.vector.Elementwise):
     * the same bits as the plain-Java kernels, row by row, for row lengths below, at and past a vector.
     */
    @Test
    void vectorRunsAcrossRowsGiveThePlainJavaBits() {
        Random r = new Random(11);
        Kernels java = Kernels.java();
        for (Kernels fast : new Kernels[] {new org.backprop4j.math.vector.VectorKernels(1), new org.backprop4j.math.vector.VectorKernels(2)}) {
            for (Activation f : Activation.values()) {
                for (int n : new int[] {1, 3, 10, 16, 17, 100}) {
                    for (int m : new int[] {1, 5, 32, 700}) {
                        float[] z = new float[m * n], bias = new float[n];
                        for (int i = 0; i < z.length; i++) z[i] = (float) (r.nextGaussian() * 6);
                        for (int j = 0; j < n; j++) bias[j] = (float) r.nextGaussian();
                        float[] zJava = z.clone(), aJava = new float[m * n], aFast = new float[m * n];
                        java.biasActivate(f, m, n, zJava, bias, aJava);
                        fast.biasActivate(f, m, n, z, bias, aFast);
                        assertArrayEquals(zJava, z, f + " " + m + "×" + n + ": z + b");
                        assertArrayEquals(aJava, aFast, f + " " + m + "×" + n + ": a = f(z), same bits");
                    }
                }
            }
        }
    }
}
