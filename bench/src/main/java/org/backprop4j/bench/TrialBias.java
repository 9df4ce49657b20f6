package org.backprop4j.bench;

import java.util.Arrays;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.vector.SwitchedKernels;
import org.backprop4j.train.Backprop;

/**
 * Does a period right after a switch measure its mode fairly? W1's (or W2's) steps in one JVM, in rounds of
 * {@code ONE} steps on one thread, then {@code TWO} steps on two threads, each step timed; prints for each mode
 * the median step time in bins of {@code BIN} steps counted from the switch into it (medians over rounds). If the
 * first bins after a switch into two threads are slower than the later ones (a worker parked during the one-thread
 * stretch, its vCPU descheduled, W's rows in the other cache), the kernels' {@code ThreadSwitch}, whose trials last
 * one period, underrates two threads.
 *
 * <pre>java -XX:PerMethodTrapLimit=1000 -XX:+UseTransparentHugePages --add-modules jdk.incubator.vector \
 *     -cp bench/target/benchmarks.jar org.backprop4j.bench.TrialBias W1 ONE TWO BIN ROUNDS</pre>
 */
public final class TrialBias {

    public static void main(String[] args) {
        boolean w2 = args.length > 0 && args[0].equalsIgnoreCase("W2");
        int one = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int two = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        int bin = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        StepWorkload work = StepWorkload.of(w2);
        int[] mode = {2};
        Kernels kernels = SwitchedKernels.of(2, () -> mode[0]);
        Backprop engine = work.engine(kernels);
        int s = 0;
        for (int warm = 0; warm < 4000; warm++) {                 // compiled in both modes first
            mode[0] = warm % 1000 < 500 ? 1 : 2;
            work.step(engine, kernels, s++);
        }
        long[][] times = {new long[one], new long[two]};
        double[][][] bins = {new double[rounds][one / bin], new double[rounds][two / bin]};
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < 2; m++) {
                mode[0] = m + 1;
                long[] t = times[m];
                for (int i = 0; i < t.length; i++) {
                    long t0 = System.nanoTime();
                    work.step(engine, kernels, s++);
                    t[i] = System.nanoTime() - t0;
                }
                for (int b = 0; b < bins[m][r].length; b++) {
                    long[] part = Arrays.copyOfRange(t, b * bin, (b + 1) * bin);
                    Arrays.sort(part);
                    bins[m][r][b] = part[bin / 2] / 1e3;
                }
            }
        }
        for (int m = 0; m < 2; m++) {
            StringBuilder line = new StringBuilder((m + 1) + " thread" + (m == 0 ? ": " : "s:"));
            for (int b = 0; b < bins[m][0].length; b++) {
                double[] col = new double[rounds];
                for (int r = 0; r < rounds; r++) col[r] = bins[m][r][b];
                Arrays.sort(col);
                line.append(String.format(" %.1f", col[rounds / 2]));
            }
            System.out.println(line + "   (µs a step, median over " + rounds + " rounds, by bins of " + bin + " steps after the switch)");
        }
    }
}
