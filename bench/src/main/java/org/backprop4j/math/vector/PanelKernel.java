package org.backprop4j.math.vector;

import java.util.Arrays;
import java.util.Random;

/**
 * The main engine's 8 × 3 micro-kernel alone ({@link MicroKernels#kernel8x3}), on packed operands from
 * 64-byte boundaries, without the engine around it: is streaming the panel from L2 what holds a W2 product
 * back, so that blocking k (a panel slice that stays in L1) would pay? Runs {@code BLOCKS} row blocks of X
 * (8 × k each) against {@code PANELS} panels (k × 48), panel after panel, as the engine does. With k = 1024
 * a panel is 192 KB and streams from L2 for every row block; with k = 128 it is 24 KB and stays in L1. Prints
 * GFLOP/s per round of about 0.2 s (wall clock; run it under {@code chrt -f 10} and one configuration per JVM),
 * then the best and the median: on a shared host the best round is the kernel's speed, the median the host's.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.math.vector.PanelKernel K BLOCKS PANELS</pre>
 *
 * e.g. {@code 1024 32 4} (W2's k, its 32 row blocks of a 256 batch) against {@code 128 256 1} (a panel in L1).
 */
public final class PanelKernel {
    private static final int R = 8, LANES = 48, ROUNDS = 12, WARM_UP = 2;

    public static void main(String[] args) {
        if (Lanes.VL != 16) {
            System.out.println("PanelKernel: the 8x3 tile is 48 lanes with 16-lane vectors only; this JVM has " + Lanes.VL);
            return;
        }
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int panels = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int at = AlignedRows.alignedStart();
        Random random = new Random(1);
        float[] x = AlignedRows.scratch(blocks * R * k);
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
        float[][] ys = new float[panels][];
        for (int q = 0; q < panels; q++) {
            ys[q] = AlignedRows.scratch(LANES * k);
            for (int i = 0; i < ys[q].length; i++) ys[q][i] = random.nextFloat();
        }
        float[] c = new float[blocks * R * LANES];
        long fmasPerPass = (long) panels * blocks * R * LANES * k;
        int passes = (int) Math.max(1, 15_000_000_000L / fmasPerPass);   // about 0.2 s a round at 75 GFMA/s
        double[] rates = new double[ROUNDS - WARM_UP];
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = System.nanoTime();
            for (int n = 0; n < passes; n++) {
                for (int q = 0; q < panels; q++) {
                    for (int b = 0; b < blocks; b++) MicroKernels.kernel8x3(k, x, at + b * R * k, ys[q], at, LANES, c, b * R * LANES, LANES);
                }
            }
            double gflops = 2.0 * fmasPerPass * passes / (System.nanoTime() - t0);
            if (round >= WARM_UP) rates[round - WARM_UP] = gflops;
            System.out.printf("k=%d blocks=%d panels=%d round %d: %.1f GFLOP/s%n", k, blocks, panels, round, gflops);
        }
        Arrays.sort(rates);
        System.out.printf("k=%d blocks=%d panels=%d (panel %d KB): best %.1f, median %.1f GFLOP/s (checksum %.3e)%n", k, blocks, panels,
                LANES * k * Float.BYTES / 1024, rates[rates.length - 1], rates[rates.length / 2], (double) c[c.length - 1]);
    }
}
