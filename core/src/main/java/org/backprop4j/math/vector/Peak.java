package org.backprop4j.math.vector;

import static org.backprop4j.math.vector.Lanes.S;
import static org.backprop4j.math.vector.Lanes.VL;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import jdk.incubator.vector.FloatVector;

/**
 * The processor's float32 fused multiply-add peak, measured on the spot: each of N threads runs
 * {@value #CHAINS} independent FMA chains on vectors of the JVM's preferred width for a fixed time, timed by its
 * own CPU time (so that other processes taking turns on a core lower the figure little), and the
 * rates are added. The FMA units per core follow from the same loop run as one dependent chain:
 * units = (FMAs per second, all chains) × (seconds per FMA, one chain) / 4, taking the 4-cycle
 * FMA latency of current x86 cores (Skylake to Emerald Rapids, Zen 2 to 5).
 *
 * @param gflops        float32 GFLOP/s of all threads together (2 flops per lane per FMA)
 * @param gflopsPerCore the best single thread's figure
 * @param threads       threads measured at once: those asked for, at most the processors available
 * @param lanes         floats per vector
 * @param fmaUnits      FMA instructions a core completes per cycle, rounded (0 if not measurable)
 */
public record Peak(double gflops, double gflopsPerCore, int threads, int lanes, int fmaUnits) {

    private static final long RUN_NANOS = 100_000_000L;
    /**
     * Independent chains: enough to fill two FMA units of latency 4 (8 would do), few enough that the
     * 12 accumulators and the two operands fit AVX2's 16 vector registers. With 16 chains C2 spilled
     * there, and the AMD EPYC (Zen 3) measured 73 GFLOP/s and "1 FMA unit" against 99.9 and 2 from a C
     * loop of 12 chains (2026-12-01). Each chain is acc = fma(x, y, acc), the micro-kernels' form:
     * written acc = fma(acc, x, y), 12 chains made 85 GFLOP/s there against 102.
     */
    public static final int CHAINS = 12;

    /**
     * Measures the peak of {@code threads} threads at once (about half a second): the threads' timed runs
     * are repeated until their total stops rising (see {@link #settled}). Threads beyond the processors this
     * JVM may use ({@link Runtime#availableProcessors}: a container's CPU limit, a {@code taskset}) add no peak —
     * they take turns — so at most that many are measured, and {@link #threads} says how many were: each thread
     * is timed by its own CPU time, and two threads taking turns on one processor summed to twice its peak
     * ("452 GFLOP/s on 2 threads" under {@code taskset -c 0}, 2026-12-03).
     */
    public static Peak measure(int threads) {
        int running = Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
        chainsPerSecond(CHAINS);                            // once for the JIT: the first rounds run interpreted
        chainsPerSecond(1);
        double[] rates = settled(() -> attempt(running), MAX_ATTEMPTS);
        double total = 0, best = 0;
        for (double r : rates) {
            total += r;
            best = Math.max(best, r);
        }
        double oneChain = chainsPerSecond(1);               // dependent FMAs per second: 1 / latency
        int units = oneChain > 0 ? (int) Math.round(best / oneChain / 4) : 0;
        double flopsPerFma = 2.0 * VL;
        return new Peak(total * flopsPerFma / 1e9, best * flopsPerFma / 1e9, running, VL, units);
    }

    /** Timed runs of the threads at once: at most this many (each about 0.1 s). */
    static final int MAX_ATTEMPTS = 5;

    /**
     * Repeats {@code attempt} (each thread's FMAs per second, all at once) until its total rises by less
     * than a tenth over the best before, at most {@code max} times, and returns the best attempt. One
     * warm-up on the caller is not always enough: the JIT compiles the loop in the background, and in a
     * JVM whose compiler threads are busy (`nn bench` measures after training) the threads once timed the
     * interpreted loop for their whole run — "3 GFLOP/s" on two threads against 195 (Zen 3, 2026-12-02).
     * Compiled code runs some ten times as fast, so the attempt after it rises by far more than a tenth.
     */
    static double[] settled(java.util.function.Supplier<double[]> attempt, int max) {
        double[] best = attempt.get();
        for (int i = 1; i < max; i++) {
            double[] next = attempt.get();
            boolean rising = sum(next) > 1.1 * sum(best);
            if (sum(next) > sum(best)) best = next;
            if (!rising) break;
        }
        return best;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }

    /** Each of {@code threads} threads' chained FMAs per second, timed at once. */
    private static double[] attempt(int threads) {
        double[] rates = new double[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int slot = t;
            workers[t] = new Thread(() -> rates[slot] = chainsPerSecond(CHAINS) * CHAINS, "backprop4j-peak-" + t);
            workers[t].setDaemon(true);
        }
        for (Thread w : workers) w.start();
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return rates;
    }

    /** Vector FMAs per second on one chain (chains = 1) or per chain of {@value #CHAINS} independent ones. */
    private static double chainsPerSecond(int chains) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported();
        double best = 0;
        float sink = 0;
        long end = System.nanoTime() + RUN_NANOS;
        int rounds = 0;
        while (rounds < 3 || System.nanoTime() < end) {
            int n = 200_000;
            long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            float r = chains == 1 ? one(n, 0.999999f, 1e-7f) : twelve(n, 0.999999f, 1e-7f);
            long dt = (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
            sink += r;
            if (rounds++ > 0 && dt > 0) best = Math.max(best, (double) n / dt * 1e9);   // round 0: before the JIT
        }
        if (sink == 42f) System.out.print("");                 // keeps the results alive
        return best;
    }

    // The vectors are made inside each loop method: C2 compiles Vector API calls into vector
    // instructions only where it knows the vector's exact shape, which a FloatVector argument hides.
    private static float one(int n, float xs, float ys) {
        FloatVector x = FloatVector.broadcast(S, xs), y = FloatVector.broadcast(S, ys);
        FloatVector a = x;
        for (int i = 0; i < n; i++) a = x.fma(y, a);
        return a.lane(0);
    }

    private static float twelve(int n, float xs, float ys) {
        FloatVector x = FloatVector.broadcast(S, xs), y = FloatVector.broadcast(S, ys);
        FloatVector a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x;
        FloatVector a8 = x, a9 = x, aa = x, ab = x;
        for (int i = 0; i < n; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            aa = x.fma(y, aa);
            ab = x.fma(y, ab);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(aa).add(ab).lane(0);
    }
}
