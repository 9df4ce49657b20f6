package org.backprop4j.math.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.backprop4j.math.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The row blocks of X are packed once per product into one array the threads share, and so are all
 * panels of Y when the tiles are split by units and the panels are few; a thread that
 * finds a block being packed by another packs its own copy for that tile. With a short k, panels of
 * Y stored by rows of p are not packed at all but read in place (W1's ΔW₁), unless its rows would
 * crowd L1's sets; and so are the panels of a product with one or two row blocks (W2's ΔW₃). Both paths, and products
 * of changing shapes one after another (stale packed blocks must never be reused), give the bits
 * of the plain-Java kernels (same sums in the same order; against the naive twin: KernelsTest),
 * for every variant on two threads. The test also checks which path each product took (the
 * states of the shared blocks after it), so that the shared panels are really among them.
 */
class SharedPackingTest {

    private static final int[][] SHAPES = {      // m, n, k: ragged edges, one-vector panels, short and long sums
        {37, 53, 29}, {64, 100, 300}, {13, 200, 7}, {100, 37, 256}, {9, 1024, 33}, {64, 48, 1}, {37, 53, 29},
        {100, 784, 32},                         // W1's ΔW₁ = δ₁ᵀ·a₀ (gemmTN): panels read in place, split by units on two threads
        {100, 1024, 32},                        // rows of 4 KB: all in the same L1 sets, so packed
        {10, 1024, 256},                        // W2's ΔW₃ (gemmTN): one or two row blocks, so panels read in place whatever k
        {64, 320, 257}, {64, 320, 1040},        // NN, NT with 256 ≤ k ≤ ROW_STRIDE, no one-vector panel: X as rows
        {64, 320, 1041},                        // k past ROW_STRIDE: p-major again
    };

    @Test
    void sharedAndOwnRowBlocksAndPanelsGiveThePlainJavaBits() {
        Kernels plain = Kernels.java();          // the same sums in the same order (SumOrder): the same bits
        Random r = new Random(7);
        for (Variant v : Variant.all()) {
            for (boolean own : new boolean[] {false, true}) {
                VectorKernels fast = new VectorKernels(2, v);
                Panels panels = fast.panels();
                panels.ownCopiesOnly = own;
                List<String> sharedPanels = new ArrayList<>();      // products that packed all panels once, cut for two threads
                List<String> inPlace = new ArrayList<>();           // products that read their full panels where Y lies
                List<String> asRows = new ArrayList<>();            // products that packed X's row blocks as rows
                for (int[] s : SHAPES) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = random(r, m * k), b = random(r, n * k), bt = random(r, k * n), at = random(r, k * m);
                    String shape = m + "x" + n + "x" + k, where = v + (own ? ", own copies" : ", shared") + ", " + shape;
                    for (char form : new char[] {'T', 'N', 'M'}) {
                        float[] left = form == 'M' ? at : a, right = form == 'T' ? b : bt;
                        String name = (form == 'T' ? "NT " : form == 'N' ? "NN " : "TN ") + shape;
                        assertArrayEquals(product(plain, form, m, n, k, left, right), product(fast, form, m, n, k, left, right),
                                name + ", " + where);
                        // Every row block is claimed by the first tile that needs it, which publishes it even if
                        // another thread packed its own copy meanwhile; with own copies only, none is.
                        assertEquals(!own, panels.rowBlocksShared(), "row blocks shared, " + name + ", " + where);
                        if (own) assertFalse(panels.panelsShared(), "panels shared, " + name + ", " + where);
                        if (panels.panelsShared() && panels.shares() == 2) sharedPanels.add(name);
                        if (panels.panelsInPlace()) inPlace.add(name);
                        if (panels.rowsLaidOut()) asRows.add(name);
                    }
                }
                if (own || v.split() == Variant.Split.PANELS) {
                    assertEquals(List.of(), sharedPanels, v + (own ? ", own copies" : ""));
                } else {
                    assertTrue(sharedPanels.contains("TN 64x100x300"), v + ": " + sharedPanels);
                }
                // k = 32 and rows of 784 floats: W1's ΔW₁ reads its panels in place (an L1d of 32 KB or more);
                // rows 4 KB apart, or a long k (300), are packed
                if (Machine.current().l1dBytes() >= 32 << 10) assertTrue(inPlace.contains("TN 100x784x32"), v + ": " + inPlace);
                assertFalse(inPlace.contains("TN 100x1024x32"), v + ": " + inPlace);
                assertFalse(inPlace.contains("TN 64x100x300"), v + ": " + inPlace);
                // X as rows: the 12 × 2, 6 × 2 and 5 × 2 tiles' NN and NT products with 256 ≤ k ≤ ROW_STRIDE whose panels are all wider
                // than one vector, never TN, never another tile (NN 64x100x300's last panel has 100 mod 2·VL = 4 lanes;
                // NN 100x37x256's, 37 mod 2·VL, is wider than a vector only with 4 lanes; NT 10x1024x256 takes the dot engine)
                List<String> rowsExpected = new ArrayList<>();
                if (v.tile().rows == 12 || v.tile().rows == 6 || v.tile().rows == 5) {
                    if (37 % (2 * Lanes.VL) > Lanes.VL) rowsExpected.add("NN 100x37x256");
                    rowsExpected.addAll(List.of("NN 10x1024x256", "NT 64x320x257", "NN 64x320x257", "NT 64x320x1040", "NN 64x320x1040"));
                }
                assertEquals(rowsExpected, asRows, v + (own ? ", own copies" : ""));
                // a panel that at most two row blocks read is not worth a copy, however long its k
                assertEquals((10 + v.tile().rows - 1) / v.tile().rows <= 2, inPlace.contains("TN 10x1024x256"), v + ": " + inPlace);
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
