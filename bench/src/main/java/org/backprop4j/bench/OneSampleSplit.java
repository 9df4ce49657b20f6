package org.backprop4j.bench;

import java.util.Arrays;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.OneSampleWeights;

/**
 * W1's first-layer one-sample product (100 × 784, from the predictor's laid-out copy) on two threads,
 * called back to back: 20 rounds of 5,000 calls, the median and the fastest of rounds 5–19 (the first
 * rounds hold the JIT's work and the split's learning). For A/B runs of two builds of the core, e.g.
 * the split learned from who finished last against a fixed cut (docs/PERFORMANCE.md, model 207).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.OneSampleSplit</pre>
 */
public final class OneSampleSplit {
    public static void main(String[] args) {
        Kernels two = Kernels.fast(2);
        int n = 100, k = 784;
        float[] w = new float[n * k], x = new float[k], c = new float[n];
        for (int i = 0; i < w.length; i++) w[i] = (i % 17) * 0.01f;
        for (int p = 0; p < k; p++) x[p] = (p % 5) * 0.1f;
        OneSampleWeights laid = two.oneSampleWeights(new int[] {n}, new int[] {k}, new float[][] {w})[0];
        double[] us = new double[20];
        for (int round = 0; round < us.length; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 5000; i++) two.matrixVector(laid, x, c);
            us[round] = (System.nanoTime() - t0) / 5000e3;
        }
        double[] settled = Arrays.copyOfRange(us, 5, 20);
        Arrays.sort(settled);
        System.out.printf("one-sample product 100x784, 2 threads, laid out: %s; rounds 5-19 median %.3f us, fastest %.3f us%n",
                laid.copied() ? "copy" : "in place", settled[settled.length / 2], settled[0]);
    }
}
