package org.backprop4j.bench;

import org.backprop4j.math.Kernels;
import org.backprop4j.math.Pointwise;
import org.backprop4j.train.Backprop;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where a real training step of W1 or W2 spends its time, call by call: {@link Backprop#gradients} and
 * the seed's update (E11, E12) run as {@code nn bench} runs them, through a {@link Kernels} that
 * times every call it passes on (System.nanoTime around it, a few tens of ns each). Unlike
 * {@link Products}, each product runs in the cache state a step leaves it, after the calls before
 * it. Prints each call's median per step and its share of the step, and the products' flop rate
 * against the whole step's: the step's time outside the products is what a step loses to sgemm.
 * With {@code alloc} it reads the calling thread's allocated bytes instead of the clock ({@code
 * ThreadMXBean}, which allocates nothing itself) and prints each call's bytes per step: a step of the
 * fast kernels should allocate nothing, and which call does, if one does, depends on how C2 compiled the
 * kernels in that JVM (docs/PERFORMANCE.md, "The 18 KB a W2 step"), so run it several times.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.StepCalls W2 2 [STEPS [alloc]]</pre>
 */
public final class StepCalls {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** What a call is measured by: nanoseconds, or with "alloc" the calling thread's allocated bytes. */
    private static LongSupplier clock = System::nanoTime;

    private static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    public static void main(String[] args) {
        boolean alloc = args.length > 3 && args[3].equals("alloc");
        if (alloc) clock = StepCalls::allocated;
        boolean w2 = args.length == 0 || args[0].equalsIgnoreCase("W2");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : (w2 ? 800 : 20_000);
        StepWorkload work = StepWorkload.of(w2);
        int K = work.batch();

        Timed k = new Timed(Kernels.fast(threads));
        Backprop engine = work.engine(k);
        long[] whole = new long[steps], outside = new long[steps];
        int warm = steps / 4;
        for (int s = 0; s < steps; s++) {
            k.recording = s >= warm;
            long t0 = clock.getAsLong(), inCalls = k.total;
            work.step(engine, k, s);
            whole[s] = clock.getAsLong() - t0;
            outside[s] = whole[s] - (k.total - inCalls);
        }
        if (alloc) {
            System.out.printf("%s step, batch %d, %d thread(s): bytes each kernel call allocated on the calling thread, %d steps after %d warm-up%n",
                    w2 ? "W2" : "W1", K, threads, steps - warm, warm);
            for (Map.Entry<String, Call> e : k.calls.entrySet()) {
                System.out.printf("  %-40s %9.0f bytes a step (median)%n", e.getKey(), e.getValue().medianPerStep(steps - warm));
            }
            // Not the whole step: this harness's own bookkeeping (names, the lists of per-step figures) allocates between the calls.
            return;
        }
        double step = median(Arrays.copyOfRange(whole, warm, steps));
        System.out.printf("%s step, batch %d, %d thread(s): median %.1f µs (%d steps after %d warm-up)%n",
                w2 ? "W2" : "W1", K, threads, step / 1e3, steps - warm, warm);
        double products = 0, productFlops = 0, calls = 0;
        for (Map.Entry<String, Call> e : k.calls.entrySet()) {
            Call c = e.getValue();
            double t = c.medianPerStep(steps - warm);
            calls += t;
            String rate = "";
            if (c.flops > 0) {
                products += t;
                productFlops += c.flops;
                rate = String.format("%6.1f GFLOP/s", c.flops / t);
            }
            System.out.printf("  %-40s %9.1f µs %5.1f %%  %s%n", e.getKey(), t / 1e3, 100 * t / step, rate);
        }
        System.out.printf("  products: %.1f µs = %.1f %% of the step, %.1f GFLOP/s alone; whole step %.1f GFLOP/s (flops performed: %.0f per sample)%n",
                products / 1e3, 100 * products / step, productFlops / products, productFlops / step, productFlops / K);
        System.out.printf("  calls outside the products: %.1f µs; between the calls (loss, targets' gather, timing): median %.1f µs a step%n",
                (calls - products) / 1e3, median(Arrays.copyOfRange(outside, warm, steps)) / 1e3);
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** One kind of call (name and shape): its times, summed per step. */
    private static final class Call {
        final double flops;
        final List<Long> perStep = new ArrayList<>();
        long current;
        int stepOfCurrent = -1;

        Call(double flops) {
            this.flops = flops;
        }

        void add(int step, long ns) {
            if (step != stepOfCurrent) {
                if (stepOfCurrent >= 0) perStep.add(current);
                current = 0;
                stepOfCurrent = step;
            }
            current += ns;
        }

        double medianPerStep(int steps) {
            if (stepOfCurrent >= 0) perStep.add(current);
            stepOfCurrent = -1;
            long[] v = perStep.stream().mapToLong(Long::longValue).toArray();
            return median(v);
        }
    }

    /** Passes every call on to the kernels it wraps, timing it; the step number is counted by gatherRows (once per step). */
    private static final class Timed implements Kernels {
        final Kernels k;
        final Map<String, Call> calls = new LinkedHashMap<>();
        boolean recording;
        int step;
        long total;                              // every timed call's time, summed

        Timed(Kernels k) {
            this.k = k;
        }

        /** Records one call's cost, read by the caller before this call's name (a new string) is built. */
        private void time(long ns, String name, double flops) {
            total += ns;
            if (recording) calls.computeIfAbsent(name, s -> new Call(flops)).add(step, ns);
        }

        @Override public void gemmNT(int m, int n, int kk, float[] a, float[] b, float[] c) {
            long t0 = clock.getAsLong();
            k.gemmNT(m, n, kk, a, b, c);
            time(clock.getAsLong() - t0, "gemmNT " + m + "x" + n + "x" + kk + " (E1)", 2.0 * m * n * kk);
        }

        @Override public void gemmNN(int m, int n, int kk, float[] a, float[] b, float[] c) {
            long t0 = clock.getAsLong();
            k.gemmNN(m, n, kk, a, b, c);
            time(clock.getAsLong() - t0, "gemmNN " + m + "x" + n + "x" + kk + " (E7)", 2.0 * m * n * kk);
        }

        @Override public void gemmTN(int m, int n, int kk, float[] a, float[] b, float[] c) {
            long t0 = clock.getAsLong();
            k.gemmTN(m, n, kk, a, b, c);
            time(clock.getAsLong() - t0, "gemmTN " + m + "x" + n + "x" + kk + " (E10)", 2.0 * m * n * kk);
        }

        @Override public void columnSums(int m, int n, float[] a, float[] out) {
            long t0 = clock.getAsLong();
            k.columnSums(m, n, a, out);
            time(clock.getAsLong() - t0, "columnSums " + m + "x" + n + " (E10)", 0);
        }

        @Override public void biasActivate(Pointwise f, int m, int n, float[] z, float[] bias, float[] a) {
            long t0 = clock.getAsLong();
            k.biasActivate(f, m, n, z, bias, a);
            time(clock.getAsLong() - t0, "bias+" + f + " " + m + "x" + n + " (E1, E2)", 0);
        }

        @Override public void activationBackward(Pointwise f, int m, int n, float[] z, float[] a, float[] g) {
            long t0 = clock.getAsLong();
            k.activationBackward(f, m, n, z, a, g);
            time(clock.getAsLong() - t0, f + "' " + m + "x" + n + " (E7)", 0);
        }

        @Override public void descend(int n, float[] w, float[] dw, float alpha, int K, float lambda) {
            long t0 = clock.getAsLong();
            k.descend(n, w, dw, alpha, K, lambda);
            time(clock.getAsLong() - t0, "descend b " + n + " (E12)", 0);
        }

        @Override public void descend(int rows, int cols, float[] w, float[] dw, float alpha, int K, float lambda) {
            long t0 = clock.getAsLong();
            k.descend(rows, cols, w, dw, alpha, K, lambda);
            time(clock.getAsLong() - t0, "descend W " + rows + "x" + cols + " (E11)", 0);
        }

        @Override public void gatherRows(float[] src, int cols, int[] order, int from, int K, float[] dst) {
            step++;
            long t0 = clock.getAsLong();
            k.gatherRows(src, cols, order, from, K, dst);
            time(clock.getAsLong() - t0, "gather " + K + "x" + cols, 0);
        }
    }
}
