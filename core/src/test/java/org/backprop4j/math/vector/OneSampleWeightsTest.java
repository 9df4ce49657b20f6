package org.backprop4j.math.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.math.OneSampleWeights;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Network;
import org.backprop4j.nn.Predictor;
import org.junit.jupiter.api.Test;

/**
 * A predictor's layers as the vector kernels keep them ({@link AlignedRows}: rows padded to whole
 * 16-float vectors, at 64-byte boundaries where G1 gives them): on ragged shapes the one-sample
 * product from the copy has the bits of the product from W itself, on 1 and 2 threads and in the
 * plain-Java kernels, and is close to the naive twin.
 */
class OneSampleWeightsTest {

    private static final int[] ROWS = {1, 4, 7, 8, 9, 12, 15, 17, 100};
    private static final int[] COLUMNS = {1, 5, 15, 16, 17, 31, 33, 100, 784, 785};

    @Test
    void theCopyGivesTheBitsOfWOnRaggedShapes() {
        Random random = new Random(3);
        Kernels naive = Kernels.naive(), java = Kernels.java();
        VectorKernels one = new VectorKernels(1), two = new VectorKernels(2);
        for (int n : ROWS) {
            for (int k : COLUMNS) {
                float[] w = randoms(random, n * k), x = randoms(random, k);
                OneSampleWeights laid = AlignedRows.lay(new int[] {n}, new int[] {k}, new float[][] {w}, 0, Long.MAX_VALUE)[0];
                String shape = n + "×" + k;
                assertEquals(AlignedRows.available() && k >= 16, laid.copied(), shape);
                if (laid.copied()) {
                    assertEquals(0, laid.stride() % 16, shape);
                    assertTrue(laid.interleaved(), shape);
                    boolean[] used = new boolean[laid.rows().length];
                    for (int j = 0; j < n; j++) {
                        for (int p = 0; p < k; p++) {
                            int at = laid.at(j, p);
                            assertTrue(at >= laid.start() && at < laid.start() + n * laid.stride() && !used[at], shape + ": W(" + j + ", " + p + ") at " + at);
                            used[at] = true;
                            assertEquals(w[j * k + p], laid.rows()[at], shape);
                        }
                    }
                    // Blocks of eight rows, 16 floats of each in turn: W(j, p) and W(j + 1, p) are 16 floats apart within a block.
                    if (n > 1 && k >= 16) assertEquals(16, laid.at(1, 0) - laid.at(0, 0), shape);
                    if (n > 8) assertEquals(8 * laid.stride(), laid.at(8, 0) - laid.at(0, 0), shape);
                }
                float[] want = new float[n], naiveC = new float[n];
                java.gemmNT(1, n, k, x, w, want);
                naive.gemmNT(1, n, k, x, w, naiveC);
                for (int j = 0; j < n; j++) assertEquals(naiveC[j], want[j], 1e-4 * (1 + Math.abs(naiveC[j])), shape + " vs the naive twin");
                for (VectorKernels kernels : List.of(one, two)) {
                    for (int call = 0; call < 3; call++) {                // the first call wakes the worker, the next split
                        float[] c = new float[n];
                        kernels.matrixVector(laid, x, c);
                        assertArrayEquals(want, c, shape + ", " + kernels.threads() + " thread(s), call " + call);
                    }
                }
                float[] c = new float[n];
                java.matrixVector(laid, x, c);
                assertArrayEquals(want, c, shape + ", plain Java");
            }
        }
    }

    @Test
    void onlyLayersThatStreamFromL2AreCopiedAndTheyShareOneArray() {
        Random random = new Random(4);
        int[] n = {100, 10, 300}, k = {784, 100, 48};
        float[][] w = {randoms(random, 100 * 784), randoms(random, 10 * 100), randoms(random, 300 * 48)};
        OneSampleWeights[] laid = AlignedRows.lay(n, k, w, 48 << 10, 2 << 20);
        assertEquals(AlignedRows.available(), laid[0].copied());
        assertFalse(laid[1].copied(), "4 KB: stays in L1");
        assertEquals(AlignedRows.available(), laid[2].copied());
        if (AlignedRows.available()) {
            assertSame(laid[0].rows(), laid[2].rows());
            assertEquals(laid[0].start() % 16, laid[2].start() % 16, "both at the same 64-byte phase");
        }
        assertSame(w[1], laid[1].rows());
        OneSampleWeights[] plain = Kernels.java().oneSampleWeights(n, k, w);
        for (int l = 0; l < 3; l++) assertFalse(plain[l].copied());
    }

    @Test
    void aPredictorGivesTheSameBitsOnEveryKernel() {
        Random random = new Random(5);
        Network net = new Network(List.of(new Dense(matrix(random, 100, 784), randoms(random, 100), Activation.SIGMOID),
                new Dense(matrix(random, 10, 100), randoms(random, 10), Activation.SIGMOID)));
        Predictor java = new Predictor(net, 1, Kernels.java()), one = new Predictor(net, 1, new VectorKernels(1));
        Predictor two = new Predictor(net, 4, new VectorKernels(2));
        for (int sample = 0; sample < 5; sample++) {
            float[] x = randoms(random, 784), want = new float[10], got1 = new float[10], got2 = new float[10], batch = new float[10];
            java.predict(x, want);
            one.predict(x, got1);
            two.predict(x, got2);
            two.predict(x, 1, batch);
            assertArrayEquals(want, got1, "sample " + sample + ", 1 thread");
            assertArrayEquals(want, got2, "sample " + sample + ", 2 threads");
            assertArrayEquals(want, batch, "sample " + sample + ", 2 threads, through predict(x, rows, out)");
        }
    }

    private static Matrix matrix(Random random, int rows, int cols) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (random.nextFloat() - 0.5f) * 0.2f;
        return m;
    }

    private static float[] randoms(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = random.nextFloat() * 2 - 1;
        return v;
    }
}
