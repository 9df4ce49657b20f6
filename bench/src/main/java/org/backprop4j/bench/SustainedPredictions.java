package org.backprop4j.bench;

import org.backprop4j.math.Kernels;
import org.backprop4j.math.vector.ThreadSwitch;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Network;
import org.backprop4j.nn.Predictor;

import java.util.Arrays;
import java.util.Random;

/**
 * One-sample predictions on W1's network (784-100-10, sigmoid) back to back, as a server under steady load makes
 * them: 30 rounds of 20,000 on a predictor of {@code THREADS} threads, each round's µs a prediction and the
 * kernels' time on one thread and on all so far ({@link ThreadSwitch#totals()}, whole periods), then the median,
 * best and worst of rounds 6–30. Unlike {@code nn bench}'s latency (about 60,000 predictions in batches of 200 with
 * sleeps between), long enough for the one-sample switch of {@code VectorKernels} to settle. Also the bytes the
 * calling thread allocated a prediction over rounds 6–30 ({@link Predictor} promises none).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.SustainedPredictions [THREADS]</pre>
 */
public final class SustainedPredictions {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Network net = Network.create(new int[] {784, 100, 10}, Activation.SIGMOID, Activation.SIGMOID, 8);
        Predictor p = new Predictor(net, 1, Kernels.fast(threads));
        float[] x = new float[784], out = new float[10];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        int rounds = 30, calls = 20_000, warm = 5;
        double[] us = new double[rounds];
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = 0;                     // in the prediction loops of rounds 6-30 (not in the printing)
        for (int round = 0; round < rounds; round++) {
            long a0 = bean.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
            for (int c = 0; c < calls; c++) p.predict(x, 1, out);
            us[round] = (System.nanoTime() - t0) / 1e3 / calls;
            if (round >= warm) allocated += bean.getCurrentThreadAllocatedBytes() - a0;
            ThreadSwitch.Totals t = ThreadSwitch.totals();
            System.out.printf("round %2d  %.3f µs a prediction   kernels on one thread %6.1f ms, on %d %6.1f ms, switches %d%n",
                    round + 1, us[round], t.oneThreadNanos() / 1e6, threads, t.manyThreadsNanos() / 1e6, t.switches());
        }
        double bytes = (double) allocated / ((long) (rounds - warm) * calls);
        double[] s = Arrays.copyOfRange(us, warm, rounds);
        Arrays.sort(s);
        System.out.printf("%d threads, rounds %d-%d: median %.3f µs, best %.3f, worst %.3f; %.4f bytes allocated a prediction%n",
                threads, warm + 1, rounds, s[s.length / 2], s[0], s[s.length - 1], bytes);
    }
}
