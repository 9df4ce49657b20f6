package org.backprop4j.math.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.SumOrder;
import org.junit.jupiter.api.Test;

/**
 * The dot engine reads A and B either in place or from its threads' packed panels ({@link Dots}):
 * the same loads' values and the same FMAs in the same order, so the same bits as the plain-Java
 * kernels (against the naive twin: KernelsTest), on ragged shapes (k not a multiple of 16, m and n
 * not of 4), on one and two threads; products of changing shapes one after another reuse the panels'
 * arrays, whose stale rows must never be read. The test also checks which path each product took
 * (with 16 lanes and with 8), and that the engine packs by itself for W1's forward product (batches of 32
 * and 256) and not for W2's output layer.
 */
class DotsPackedPanelsTest {

    private static final int[][] SHAPES = {      // m, n, k: all on the dot engine
        {37, 53, 300}, {9, 100, 784}, {3, 5, 257}, {32, 100, 784}, {13, 7, 1030}, {64, 41, 271}, {37, 53, 300},
    };

    @Test
    void panelsAndInPlaceGiveThePlainJavaBits() {
        Kernels plain = Kernels.java();
        Random r = new Random(11);
        for (int threads = 1; threads <= 2; threads++) {
            for (boolean pack : new boolean[] {false, true}) {
                VectorKernels fast = new VectorKernels(threads);
                Dots dots = fast.dots();
                dots.packOverride = pack;
                for (int[] s : SHAPES) {
                    int m = s[0], n = s[1], k = s[2];
                    assertTrue(SumOrder.dots(m, n, k), "on the dot engine: " + m + "x" + n + "x" + k);
                    float[] a = random(r, m * k), b = random(r, n * k);
                    String where = m + "x" + n + "x" + k + ", " + threads + " threads, packed " + pack;
                    assertArrayEquals(product(plain, m, n, k, a, b), product(fast, m, n, k, a, b), where);
                    assertEquals(pack && Lanes.VL >= 8, dots.packedPanels(), where);   // 4 lanes: never packed
                }
            }
        }
    }

    /**
     * Where A is larger than half of L2 the tiles run a chunk of A's row blocks at a time (on Zen 3's 512 KB L2, from a batch of
     * more than 80 rows through a 784-input layer): chunks of 1, 2, 3 and 5 blocks forced on any machine, chunks that do and
     * do not divide the row blocks, shares of one and two threads, packed and in place, against the plain-Java bits.
     */
    @Test
    void chunksOfAGiveThePlainJavaBits() {
        Kernels plain = Kernels.java();
        Random r = new Random(13);
        int[][] shapes = {{37, 53, 300}, {256, 100, 784}, {13, 7, 1030}, {64, 41, 271}, {9, 100, 784}};
        for (int threads = 1; threads <= 2; threads++) {
            for (boolean pack : new boolean[] {false, true}) {
                for (int chunk : new int[] {1, 2, 3, 5}) {
                    VectorKernels fast = new VectorKernels(threads);
                    Dots dots = fast.dots();
                    dots.packOverride = pack;
                    dots.chunkOverride = chunk;
                    for (int[] s : shapes) {
                        int m = s[0], n = s[1], k = s[2];
                        float[] a = random(r, m * k), b = random(r, n * k);
                        String where = m + "x" + n + "x" + k + ", " + threads + " threads, packed " + pack + ", chunks of " + chunk;
                        assertArrayEquals(product(plain, m, n, k, a, b), product(fast, m, n, k, a, b), where);
                    }
                }
            }
        }
    }

    @Test
    void w1ForwardProductPacksItsPanelsAndW2OutputLayerDoesNot() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Lanes.VL >= 8, "with 4 lanes the dot engine never packs");
        VectorKernels fast = new VectorKernels(2);
        Random r = new Random(12);
        product(fast, 32, 100, 784, random(r, 32 * 784), random(r, 100 * 784));
        assertTrue(fast.dots().packedPanels(), "W1's forward product 32x100x784");
        product(fast, 256, 10, 1024, random(r, 256 * 1024), random(r, 10 * 1024));
        assertFalse(fast.dots().packedPanels(), "W2's output layer 256x10x1024");
        // W1's network on a batch of 256 (inference): A is 800 KB, more than a Zen 3's 512 KB of L2; packed all
        // the same wherever a thread's share of L3 holds it (1.2-1.3x faster there than in place).
        Machine machine = Machine.current();
        long share = Math.max(machine.l2Bytes(), machine.l3Bytes() / 2);
        product(fast, 256, 100, 784, random(r, 256 * 784), random(r, 100 * 784));
        assertEquals(4L * 256 * 784 <= share, fast.dots().packedPanels(), "W1's network, a batch of 256; L3 share " + share);
    }

    private static float[] product(Kernels kernels, int m, int n, int k, float[] a, float[] b) {
        float[] c = new float[m * n];
        kernels.gemmNT(m, n, k, a, b, c);
        return c;
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }
}
