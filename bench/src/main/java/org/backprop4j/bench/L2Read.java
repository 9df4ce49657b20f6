package org.backprop4j.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A bare read of N floats (default 78,400: W1's first layer, 306 KB, which lives in L2) with 512-bit loads
 * and eight accumulators, no FMA: the ceiling of a one-sample product that streams its weights from L2
 * (docs/PERFORMANCE.md, model 207). Seven rounds; prints µs per pass and GB/s.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.L2Read [FLOATS]</pre>
 */
public final class L2Read {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) / 128 * 128 : 78_336;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i % 7;
        int reps = Math.max(100, 400_000_000 / Math.max(1, n));
        float sink = 0;
        for (int round = 0; round < 7; round++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) sink += sum(a, n);
            double us = (System.nanoTime() - t0) / 1e3 / reps;
            System.out.printf("%d KB: %.3f us per pass, %.1f GB/s%n", n * 4 / 1024, us, n * 4 / us / 1e3);
        }
        if (sink == 42f) System.out.println();                       // keeps the reads
    }

    private static float sum(float[] a, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int i = 0; i < n; i += 128) {
            s0 = s0.add(FloatVector.fromArray(S, a, i));
            s1 = s1.add(FloatVector.fromArray(S, a, i + 16));
            s2 = s2.add(FloatVector.fromArray(S, a, i + 32));
            s3 = s3.add(FloatVector.fromArray(S, a, i + 48));
            s4 = s4.add(FloatVector.fromArray(S, a, i + 64));
            s5 = s5.add(FloatVector.fromArray(S, a, i + 80));
            s6 = s6.add(FloatVector.fromArray(S, a, i + 96));
            s7 = s7.add(FloatVector.fromArray(S, a, i + 112));
        }
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).reduceLanes(VectorOperators.ADD);
    }
}
