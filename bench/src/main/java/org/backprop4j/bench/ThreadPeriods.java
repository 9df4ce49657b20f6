package org.backprop4j.bench;

import org.backprop4j.math.Kernels;
import org.backprop4j.train.Backprop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Would switching between one and two threads pay? W1's (or W2's) training steps in alternating periods on one
 * thread and on two — two gradient engines over the same network, one on {@code Kernels.fast(1)}, one on
 * {@code Kernels.fast(2)} — for a given time. Prints, over all pairs of periods, the mean of the periods' median
 * step times on each, the mean of the better of each pair (what a trainer that always picked the faster would get,
 * were the choice free), and how often two threads won. On a host whose second vCPU comes and goes in phases
 * (docs/PERFORMANCE.md, Zen 5, session 24) the pairs show the phases; the models are the same bits either way.
 *
 * <pre>java -XX:PerMethodTrapLimit=1000 -XX:+UseTransparentHugePages --add-modules jdk.incubator.vector \
 *     -cp bench/target/benchmarks.jar org.backprop4j.bench.ThreadPeriods W1 SECONDS PERIOD_STEPS</pre>
 */
public final class ThreadPeriods {

    public static void main(String[] args) {
        boolean w2 = args.length > 0 && args[0].equalsIgnoreCase("W2");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 30;
        int period = args.length > 2 ? Integer.parseInt(args[2]) : (w2 ? 20 : 500);
        StepWorkload work = StepWorkload.of(w2);
        Kernels one = Kernels.fast(1), two = Kernels.fast(2);
        Backprop onOne = work.engine(one), onTwo = work.engine(two);
        int s = 0;
        for (int warm = 0; warm < 20 * period; warm++) {       // both engines compiled before the first period counts
            work.step(onOne, one, s++);
            work.step(onTwo, two, s++);
        }
        long[] times = new long[period];
        List<double[]> pairs = new ArrayList<>();
        for (long end = System.nanoTime() + (long) (seconds * 1e9); System.nanoTime() < end; ) {
            double[] medians = new double[2];
            for (int mode = 0; mode < 2; mode++) {
                Backprop engine = mode == 0 ? onOne : onTwo;
                Kernels kernels = mode == 0 ? one : two;
                for (int i = 0; i < period; i++) {
                    long t0 = System.nanoTime();
                    work.step(engine, kernels, s++);
                    times[i] = System.nanoTime() - t0;
                }
                Arrays.sort(times);
                medians[mode] = times[period / 2] / 1e3;
            }
            pairs.add(medians);
        }
        double sumOne = 0, sumTwo = 0, sumBetter = 0;
        int twoWon = 0;
        for (double[] m : pairs) {
            sumOne += m[0];
            sumTwo += m[1];
            sumBetter += Math.min(m[0], m[1]);
            if (m[1] < m[0]) twoWon++;
        }
        int n = pairs.size();
        System.out.printf("%s, periods of %d steps, %d pairs: mean of the periods' median steps %.1f µs on one thread, %.1f on two,"
                        + " %.1f the better of each pair; two threads faster in %d of %d%n",
                w2 ? "W2" : "W1", period, n, sumOne / n, sumTwo / n, sumBetter / n, twoWon, n);
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < Math.min(n, 30); i++) first.append(String.format(" %.0f/%.0f", pairs.get(i)[0], pairs.get(i)[1]));
        System.out.println("first pairs (one / two threads, µs):" + first);
        System.exit(0);                                         // the pool's workers are daemons; exit without waiting for the Cleaner
    }
}
