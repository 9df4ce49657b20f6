package org.backprop4j.bench;

import org.backprop4j.math.vector.Peak;

/**
 * The FMA peak of one thread and of two at once, alternating six times: shows whether the two cores
 * deliver the same rate (on a shared host one vCPU may be slowed; docs/PERFORMANCE.md, model 207).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.PeakPair</pre>
 */
public final class PeakPair {
    public static void main(String[] args) {
        for (int i = 0; i < 6; i++) {
            Peak one = Peak.measure(1), two = Peak.measure(2);
            System.out.printf("1 thread %.1f GFLOP/s | 2 threads %.1f together, the faster core %.1f, the other %.1f | %.2fx one thread%n",
                    one.gflops(), two.gflops(), two.gflopsPerCore(), two.gflops() - two.gflopsPerCore(), two.gflops() / one.gflops());
        }
    }
}
