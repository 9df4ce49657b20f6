package org.backprop4j.bench;

import org.backprop4j.data.Shuffle;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Backprop;

import java.util.Arrays;
import java.util.Random;

/**
 * Where a W1 training step spends its time, call by call, with N kernel threads: the calls
 * {@link Backprop#gradients} and the seed's update make, in their order, on W1's shapes (784-100-10,
 * batch 32, rows gathered at random from 60,000 samples), each timed alone; then whole steps through
 * {@link Backprop} itself, with their spread (a step that waits for a descheduled thread shows up in
 * the tail, not the median). Not a JMH benchmark: it answers "which call", not "how fast".
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.StepPhases 2</pre>
 */
public final class StepPhases {
    private static final int N = 60_000, IN = 784, H = 100, O = 10, K = 32, STEPS = 20_000, WARM = 5_000;

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        Kernels k = Kernels.fast(threads);
        Random r = new Random(1);
        Matrix x = new Matrix(N, IN), y = new Matrix(N, O);
        for (int i = 0; i < x.data.length; i++) x.data[i] = r.nextFloat();
        for (int i = 0; i < N; i++) y.data[i * O + r.nextInt(O)] = 1f;
        int[] order = Shuffle.identity(N);
        Shuffle.shuffle(order, r);
        System.out.printf("W1 step, %d thread(s), %s%n", threads, k.getClass().getSimpleName());
        phases(k, x, order, r);
        steps(k, x, y, order);
    }

    /** Each call of a step timed on its own (System.nanoTime around it); medians and means over 15,000 steps. */
    private static void phases(Kernels k, Matrix x, int[] order, Random r) {
        float[] a0 = new float[K * IN], w1 = rnd(r, H * IN), b1 = rnd(r, H), z1 = new float[K * H], a1 = new float[K * H];
        float[] w2 = rnd(r, O * H), b2 = rnd(r, O), z2 = new float[K * O], a2 = new float[K * O], d2 = rnd(r, K * O);
        float[] d1 = new float[K * H], dw1 = new float[H * IN], dw2 = new float[O * H], db1 = new float[H], db2 = new float[O];
        String[] names = {"gather (E1 input)", "gemmNT 32x100x784 (E1)", "bias+sigmoid 32x100 (E1, E2)", "gemmNT 32x10x100 (E1)",
            "bias+sigmoid 32x10 (E1, E2)", "gemmTN 10x100x32 + colsums (E10)", "gemmNN 32x100x10 (E7)", "sigmoid' 32x100 (E7)",
            "gemmTN 100x784x32 (E10)", "column sums 32x100 (E10)", "descend 100x784 (E11)"};
        long[][] t = new long[names.length + 1][STEPS];
        for (int it = 0; it < STEPS; it++) {
            int from = (it * K) % (N - K);
            long s0 = System.nanoTime(), start = s0, s;
            k.gatherRows(x.data, IN, order, from, K, a0);
            s = System.nanoTime(); t[0][it] = s - s0; s0 = s;
            k.gemmNT(K, H, IN, a0, w1, z1);
            s = System.nanoTime(); t[1][it] = s - s0; s0 = s;
            k.biasActivate(Activation.SIGMOID, K, H, z1, b1, a1);
            s = System.nanoTime(); t[2][it] = s - s0; s0 = s;
            k.gemmNT(K, O, H, a1, w2, z2);
            s = System.nanoTime(); t[3][it] = s - s0; s0 = s;
            k.biasActivate(Activation.SIGMOID, K, O, z2, b2, a2);
            s = System.nanoTime(); t[4][it] = s - s0; s0 = s;
            k.gemmTN(O, H, K, d2, a1, dw2);
            k.columnSums(K, O, d2, db2);
            s = System.nanoTime(); t[5][it] = s - s0; s0 = s;
            k.gemmNN(K, H, O, d2, w2, d1);
            s = System.nanoTime(); t[6][it] = s - s0; s0 = s;
            k.activationBackward(Activation.SIGMOID, K, H, z1, a1, d1);
            s = System.nanoTime(); t[7][it] = s - s0; s0 = s;
            k.gemmTN(H, IN, K, d1, a0, dw1);
            s = System.nanoTime(); t[8][it] = s - s0; s0 = s;
            k.columnSums(K, H, d1, db1);
            s = System.nanoTime(); t[9][it] = s - s0; s0 = s;
            k.descend(H, IN, w1, dw1, 1e-9f, K, 0f);               // a tiny step: the weights stay put
            s = System.nanoTime(); t[10][it] = s - s0;
            t[11][it] = s - start;
        }
        for (int i = 0; i <= names.length; i++) {
            long[] v = Arrays.copyOfRange(t[i], WARM, STEPS);
            System.out.printf("  %-34s median %7.2f µs  mean %7.2f µs%n", i < names.length ? names[i] : "sum of the calls",
                    median(v) / 1e3, Arrays.stream(v).average().orElse(0) / 1e3);
        }
    }

    /** Whole steps: Backprop.gradients, then E11–E12 on both layers, as the seed's trainer does. */
    private static void steps(Kernels k, Matrix x, Matrix y, int[] order) {
        Network net = Network.create(new int[] {IN, H, O}, Activation.SIGMOID, Activation.SIGMOID, 1);
        Backprop engine = new Backprop(net, Loss.MSE, K, k);
        int perEpoch = N / K;
        long[] t = new long[perEpoch];
        for (int epoch = 1; epoch <= 4; epoch++) {
            for (int s = 0; s < perEpoch; s++) {
                long t0 = System.nanoTime();
                engine.gradients(x, y, order, s * K, K);
                for (int l = 0; l < 2; l++) {
                    Dense d = net.layer(l);
                    k.descend(d.outputs(), d.inputs(), d.weights().data, engine.weightGradient(l), 0.1f, K, 1e-4f);
                    k.descend(d.bias().length, d.bias(), engine.biasGradient(l), 0.1f, K, 0f);
                }
                t[s] = System.nanoTime() - t0;
            }
            long[] v = t.clone();
            Arrays.sort(v);
            System.out.printf("  whole steps, epoch %d: median %.1f µs, mean %.1f, p90 %.1f, p99 %.1f, max %.1f%n", epoch,
                    v[v.length / 2] / 1e3, Arrays.stream(v).average().orElse(0) / 1e3, v[v.length * 9 / 10] / 1e3,
                    v[v.length * 99 / 100] / 1e3, v[v.length - 1] / 1e3);
        }
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static float[] rnd(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 0.1f;
        return a;
    }
}
