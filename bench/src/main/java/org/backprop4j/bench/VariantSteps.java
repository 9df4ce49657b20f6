package org.backprop4j.bench;

import org.backprop4j.math.Kernels;
import org.backprop4j.math.vector.Variant;
import org.backprop4j.math.vector.VectorKernels;
import org.backprop4j.train.Backprop;

import java.util.Arrays;

/**
 * Two kernel variants compared inside one JVM: training steps of W1 or W2 that alternate between the
 * variants step by step, on one network, so that both see the same host from moment to moment (this
 * machine kind's hosts change speed by a third within minutes; runs in separate JVMs cannot tell 5 %
 * apart). Prints each variant's median step. The variants' steps give the same bits (KernelsTest), so the
 * network trains as it would with either.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.VariantSteps W2 THREADS 6x2-units 5x2-units [STEPS]</pre>
 */
public final class VariantSteps {

    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: VariantSteps W1|W2 THREADS VARIANT VARIANT [STEPS]");
            System.exit(2);
        }
        boolean w2 = args[0].equalsIgnoreCase("W2");
        int threads = Integer.parseInt(args[1]);
        Variant[] variants = {Variant.parse(args[2]), Variant.parse(args[3])};
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : (w2 ? 600 : 40_000);
        StepWorkload work = StepWorkload.of(w2);
        Kernels[] kernels = {new VectorKernels(threads, variants[0]), new VectorKernels(threads, variants[1])};
        Backprop[] engines = {work.engine(kernels[0]), work.engine(kernels[1])};
        long[][] times = new long[2][steps / 2];
        int warm = steps / 4;
        for (int s = 0; s < steps; s++) {
            int v = s % 2;
            long t0 = System.nanoTime();
            work.step(engines[v], kernels[v], s);
            times[v][s / 2] = System.nanoTime() - t0;
        }
        double[] medians = new double[2];
        for (int v = 0; v < 2; v++) {
            long[] t = Arrays.copyOfRange(times[v], warm / 2, steps / 2);
            Arrays.sort(t);
            medians[v] = t[t.length / 2] / 1e3;
        }
        System.out.printf("%s %d thread(s), Java %s: %s %.1f µs, %s %.1f µs a step (median of %d steps each after %d warm-up); second/first %.3f%n",
                w2 ? "W2" : "W1", threads, System.getProperty("java.version"), variants[0], medians[0], variants[1], medians[1],
                steps / 2 - warm / 2, warm, medians[1] / medians[0]);
    }
}
