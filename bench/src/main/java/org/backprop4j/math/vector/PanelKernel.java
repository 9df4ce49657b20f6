package org.backprop4j.math.vector;

import java.util.Arrays;
import java.util.Random;

/**
 * The main engine's micro-kernel alone, on packed operands from 64-byte boundaries, without the engine around
 * it: the ceiling of a product on this processor (what the register tile reaches when nothing else costs), and
 * whether streaming the panel from L2 holds it back (would blocking k pay?). The tile is the variant this
 * machine chooses ({@link VariantChoice#get}: 8 × 3 on the AVX-512 Xeons, 6 × 2 with AVX2), or the one forced
 * with {@code -Dbackprop4j.kernel=…}. Runs {@code BLOCKS} row blocks of X (R × k each) against {@code PANELS}
 * panels (k × V·VL), panel after panel, as the engine does. With k = 1024 a panel of the 8 × 3 tile is 192 KB
 * and streams from L2 for every row block; with k = 128 it is 24 KB and stays in L1. Prints GFLOP/s per round
 * of about 0.2 s (wall clock), then the best and the median: on a shared host the best round is the kernel's
 * speed, the median the host's.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.math.vector.PanelKernel K BLOCKS PANELS</pre>
 *
 * e.g. {@code 1024 32 4} (W2's k, its 32 row blocks of 8 in a 256 batch) against {@code 128 256 1} (a panel in L1);
 * with the 6 × 2 tile {@code 1024 43 4} and {@code 128 344 1}.
 */
public final class PanelKernel {
    private static final int ROUNDS = 12, WARM_UP = 2;

    public static void main(String[] args) {
        Variant.Tile tile = VariantChoice.get().variant().tile();
        int rows = tile.rows, lanes = tile.vectors * Lanes.VL;
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int panels = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int at = AlignedRows.alignedStart();
        Random random = new Random(1);
        float[] x = AlignedRows.scratch(blocks * rows * k);
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
        float[][] ys = new float[panels][];
        for (int q = 0; q < panels; q++) {
            ys[q] = AlignedRows.scratch(lanes * k);
            for (int i = 0; i < ys[q].length; i++) ys[q][i] = random.nextFloat();
        }
        float[] c = new float[blocks * rows * lanes];
        long fmasPerPass = (long) panels * blocks * rows * lanes * k;
        int passes = (int) Math.max(1, 15_000_000_000L / fmasPerPass);   // about 0.2 s a round at 75 GFMA/s
        double[] rates = new double[ROUNDS - WARM_UP];
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = System.nanoTime();
            for (int n = 0; n < passes; n++) {
                for (int q = 0; q < panels; q++) {
                    for (int b = 0; b < blocks; b++) kernel(tile, k, x, at + b * rows * k, ys[q], at, lanes, c, b * rows * lanes);
                }
            }
            double gflops = 2.0 * fmasPerPass * passes / (System.nanoTime() - t0);
            if (round >= WARM_UP) rates[round - WARM_UP] = gflops;
            System.out.printf("k=%d blocks=%d panels=%d round %d: %.1f GFLOP/s%n", k, blocks, panels, round, gflops);
        }
        Arrays.sort(rates);
        System.out.printf("%s tile, k=%d blocks=%d panels=%d (panel %d KB): best %.1f, median %.1f GFLOP/s (checksum %.3e)%n", tile.label(), k, blocks, panels,
                lanes * k * Float.BYTES / 1024, rates[rates.length - 1], rates[rates.length / 2], (double) c[c.length - 1]);
    }

    /** One tile of C through the variant's micro-kernel, as {@link Panels} calls it for a full panel. */
    private static void kernel(Variant.Tile tile, int k, float[] x, int xb, float[] y, int pb, int ldp, float[] c, int o) {
        switch (tile) {
            case T4X4 -> MicroKernels.kernel4x4(k, x, xb, y, pb, ldp, c, o, ldp);
            case T8X3 -> MicroKernels.kernel8x3(k, x, xb, y, pb, ldp, c, o, ldp);
            case T12X2 -> MicroKernels.kernel12x2(k, x, xb, y, pb, ldp, c, o, ldp);
            case T6X2 -> MicroKernels.kernel6x2(k, x, xb, y, pb, ldp, c, o, ldp);
            case T5X2 -> MicroKernels.kernel5x2(k, x, xb, y, pb, ldp, c, o, ldp);
        }
    }
}
