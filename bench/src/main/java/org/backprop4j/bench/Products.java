package org.backprop4j.bench;

import org.backprop4j.math.Kernels;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * The nine matrix products of a W2 step (784-1024-1024-10, batch 256), each timed alone through
 * {@link Kernels}, in GFLOP/s: the same shapes and names as the sgemm section of
 * {@code bench/peers/peers.py}, so the two read side by side (run both in one session; the machine is
 * shared). Then the aggregate the peers' script reports: the rate of doing each training product once.
 * The variant is the one {@link Kernels#fast} chooses, or the one forced by {@code -Dbackprop4j.kernel=…}.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.Products THREADS [SECONDS-PER-SHAPE [cpu]]</pre>
 */
public final class Products {
    private static final int B = 256;

    /** One product: its name in peers.py, the form and the shape m × n × k of C(m×n) = Σ_k. */
    private record Shape(String name, char form, int m, int n, int k, boolean inStep) {
    }

    private static final Shape[] SHAPES = {
        new Shape("L1.fwd  X(256x784) @ W1.T(784x1024)", 'T', B, 1024, 784, true),
        new Shape("L2.fwd  A1(256x1024) @ W2.T(1024x1024)", 'T', B, 1024, 1024, true),
        new Shape("L3.fwd  A2(256x1024) @ W3.T(1024x10)", 'T', B, 10, 1024, true),
        new Shape("L3.dX   D3(256x10) @ W3(10x1024)", 'N', B, 1024, 10, true),
        new Shape("L2.dX   D2(256x1024) @ W2(1024x1024)", 'N', B, 1024, 1024, true),
        new Shape("L1.dX   D1(256x1024) @ W1(1024x784)  [not needed in training]", 'N', B, 784, 1024, false),
        new Shape("L3.gW   D3.T(10x256) @ A2(256x1024)", 'M', 10, 1024, B, true),
        new Shape("L2.gW   D2.T(1024x256) @ A1(256x1024)", 'M', 1024, 1024, B, true),
        new Shape("L1.gW   D1.T(1024x256) @ X(256x784)", 'M', 1024, 784, B, true),
    };

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        // With one thread, "cpu" times the calling thread's CPU time instead of the wall clock: on a
        // shared, busy machine that leaves out the time the thread waited for a core (not the cache
        // misses others cause), so A/B comparisons of kernels stay meaningful under load.
        boolean cpuTime = args.length > 2 && args[2].equals("cpu") && threads == 1;
        Kernels kernels = Kernels.fast(threads);
        System.out.printf("W2 products, %d thread(s), %s, variant %s%n", threads, kernels.getClass().getSimpleName(),
                System.getProperty("backprop4j.kernel", "auto"));
        if (cpuTime) System.out.println("  (GFLOP per second of the thread's CPU time)");
        Random r = new Random(99);
        double flopsAll = 0, timeAll = 0;
        for (Shape s : SHAPES) {
            float[] a = random(r, s.m * s.k), b = random(r, s.k * s.n), c = new float[s.m * s.n];
            double flops = 2.0 * s.m * s.n * s.k;
            // Warm up for a second: a vector kernel runs ~100x slower until C2 has compiled it.
            for (long t0 = System.nanoTime(); System.nanoTime() - t0 < 1_000_000_000L; ) run(kernels, s, a, b, c);
            double[] runs = new double[5];
            for (int rep = 0; rep < runs.length; rep++) {
                long t0 = clock(cpuTime), el;
                int calls = 0;
                do {
                    run(kernels, s, a, b, c);
                    calls++;
                    el = clock(cpuTime) - t0;
                } while (el < seconds / runs.length * 1e9);
                runs[rep] = flops * calls / el;
            }
            Arrays.sort(runs);
            double med = runs[runs.length / 2];
            if (s.inStep) {
                flopsAll += flops;
                timeAll += flops / med;
            }
            System.out.printf("  ours t=%d %-60s %6.1f GFLOP/s%n", threads, s.name, med);
        }
        System.out.printf("  ours t=%d aggregate over the training step's products %6.1f GFLOP/s%n", threads, flopsAll / timeAll);
    }

    private static long clock(boolean cpuTime) {
        return cpuTime ? ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static void run(Kernels k, Shape s, float[] a, float[] b, float[] c) {
        switch (s.form) {
            case 'T' -> k.gemmNT(s.m, s.n, s.k, a, b, c);
            case 'N' -> k.gemmNN(s.m, s.n, s.k, a, b, c);
            default -> k.gemmTN(s.m, s.n, s.k, a, b, c);
        }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextFloat() - 0.5f;
        return v;
    }
}
