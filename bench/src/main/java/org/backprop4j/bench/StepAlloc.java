package org.backprop4j.bench;

import org.backprop4j.data.Shuffle;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.math.Pointwise;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Backprop;

import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * Which kernel call allocates in a W2 training step, and how much: real steps through {@link Backprop}
 * and the seed's update (E11, E12), as {@code nn bench} runs them, with every kernel call wrapped to read
 * the calling thread's allocated bytes before and after it ({@code ThreadMXBean}, which allocates
 * nothing itself). After a quarter of the steps as warm-up, prints the bytes per step of each kind of
 * call on the calling thread; a step of the fast kernels should allocate nothing. The forward products
 * are told apart by shape: the output layer's 256×10×1024 runs on the dot engine, the others on the panels.
 * Whether a JVM allocates depends on how C2 compiled the kernels in it, so run it several times.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.StepAlloc [THREADS [STEPS]]</pre>
 */
public final class StepAlloc {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String[] NAMES = {"gemmNT 256x1024x*", "gemmNT 256x10x1024 (dots)", "gemmNN", "gemmTN",
        "columnSums", "biasActivate", "activationBackward", "descend W", "descend b", "gather", "outside the calls"};
    private static final int NT_OUT = 1, NN = 2, TN = 3, SUMS = 4, BIAS = 5, BACK = 6, DW = 7, DB = 8, GATHER = 9, OUTSIDE = 10;
    private static final long[] bytes = new long[NAMES.length];
    private static boolean recording;

    private static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    private static void count(int call, long before) {
        long b = allocated() - before;
        if (recording) bytes[call] += b;
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 240;
        int[] sizes = {784, 1024, 1024, 10};
        int K = 256, n = 15_360;
        Network net = Network.create(sizes, Activation.RELU, Activation.SOFTMAX, 1);
        Random r = new Random(1);
        Matrix x = new Matrix(n, 784), y = new Matrix(n, 10);
        for (int i = 0; i < x.data.length; i++) x.data[i] = r.nextFloat();
        for (int i = 0; i < n; i++) y.data[i * 10 + r.nextInt(10)] = 1f;
        int[] order = Shuffle.identity(n);
        Shuffle.shuffle(order, r);
        Kernels f = Kernels.fast(threads);
        Kernels k = new Kernels() {
            @Override public void gemmNT(int m, int nn, int kk, float[] a, float[] b, float[] c) {
                long t = allocated(); f.gemmNT(m, nn, kk, a, b, c); count(nn == 10 ? NT_OUT : 0, t);
            }
            @Override public void gemmNN(int m, int nn, int kk, float[] a, float[] b, float[] c) {
                long t = allocated(); f.gemmNN(m, nn, kk, a, b, c); count(NN, t);
            }
            @Override public void gemmTN(int m, int nn, int kk, float[] a, float[] b, float[] c) {
                long t = allocated(); f.gemmTN(m, nn, kk, a, b, c); count(TN, t);
            }
            @Override public void columnSums(int m, int nn, float[] a, float[] out) {
                long t = allocated(); f.columnSums(m, nn, a, out); count(SUMS, t);
            }
            @Override public void biasActivate(Pointwise p, int m, int nn, float[] z, float[] b, float[] a) {
                long t = allocated(); f.biasActivate(p, m, nn, z, b, a); count(BIAS, t);
            }
            @Override public void activationBackward(Pointwise p, int m, int nn, float[] z, float[] a, float[] g) {
                long t = allocated(); f.activationBackward(p, m, nn, z, a, g); count(BACK, t);
            }
            @Override public void descend(int nn, float[] w, float[] dw, float alpha, int kk, float lambda) {
                long t = allocated(); f.descend(nn, w, dw, alpha, kk, lambda); count(DB, t);
            }
            @Override public void descend(int rows, int cols, float[] w, float[] dw, float alpha, int kk, float lambda) {
                long t = allocated(); f.descend(rows, cols, w, dw, alpha, kk, lambda); count(DW, t);
            }
            @Override public void gatherRows(float[] src, int cols, int[] o, int from, int kk, float[] dst) {
                long t = allocated(); f.gatherRows(src, cols, o, from, kk, dst); count(GATHER, t);
            }
        };
        Backprop engine = new Backprop(net, Loss.CROSS_ENTROPY, K, k);
        int warm = steps / 4;
        long total = 0;
        for (int s = 0; s < steps; s++) {
            recording = s >= warm;
            long t = allocated();
            engine.gradients(x, y, order, (s * K) % (n - K), K);
            for (int l = 0; l < net.layers().size(); l++) {
                Dense d = net.layer(l);
                k.descend(d.outputs(), d.inputs(), d.weights().data, engine.weightGradient(l), 1e-6f, K, 1e-4f);
                k.descend(d.bias().length, d.bias(), engine.biasGradient(l), 1e-6f, K, 0f);
            }
            if (recording) total += allocated() - t;
        }
        long inCalls = 0;
        for (int i = 0; i < OUTSIDE; i++) inCalls += bytes[i];
        bytes[OUTSIDE] = total - inCalls;
        System.out.printf("W2 steps, %d thread(s): bytes allocated per step by the calling thread, %d steps after %d warm-up%n",
                threads, steps - warm, warm);
        for (int i = 0; i < NAMES.length; i++) {
            System.out.printf("  %-28s %10.1f%n", NAMES[i], bytes[i] / (double) (steps - warm));
        }
    }
}
