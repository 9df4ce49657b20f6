package org.backprop4j.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.math.OneSampleWeights;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Network;
import org.backprop4j.nn.Predictor;

/**
 * The parts of a one-sample prediction on W1's network (784-100-10, sigmoid), each timed in batches
 * of 200 calls, all parts interleaved in one JVM (so that they share its luck: where the allocator
 * put the arrays, which the JIT compiled first): the first layer's product from W in place and from
 * the predictor's copy ({@link Kernels#oneSampleWeights}), on 1 and 2 threads, the rest of the
 * prediction (and its three parts), and whole predictions. Medians; not a JMH benchmark. (The parts
 * write z1, a1 and z2 in place, so their inputs are those of a real prediction: z1 is rewritten by
 * the product cases before every round of bias + sigmoid.)
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.OneSample</pre>
 */
public final class OneSample {
    public static void main(String[] args) {
        Random r = new Random(1);
        Network net = new Network(List.of(new Dense(matrix(r, 100, 784), vector(r, 100), Activation.SIGMOID),
                new Dense(matrix(r, 10, 100), vector(r, 10), Activation.SIGMOID)));
        float[] x = vector(r, 784), out = new float[10], z1 = new float[100], a1 = new float[100], z2 = new float[10], a2 = new float[10];
        float[] w1 = net.layer(0).weights().data;
        Kernels one = Kernels.fast(1), two = Kernels.fast(2);
        OneSampleWeights[] laid = two.oneSampleWeights(new int[] {100, 10}, new int[] {784, 100}, new float[][] {w1, net.layer(1).weights().data});
        Predictor p1 = new Predictor(net, 1, Kernels.fast(1)), p2 = new Predictor(net, 1, Kernels.fast(2));
        // biasActivate writes z + b back into z (E1's z, which backpropagation needs), so repeated calls
        // on one z would drift it by b each time: into saturated sigmoids after a few dozen calls and,
        // past z = -87, denormal results, which this processor computes many times slower. So the
        // bias + sigmoid cases start every call from a prediction's own z (a copy: about 10 ns).
        float[] z1Fresh = new float[100], z2Fresh = new float[10];
        one.matrixVector(laid[0], x, z1Fresh);
        System.arraycopy(z1Fresh, 0, z1, 0, 100);
        one.biasActivate(Activation.SIGMOID, 1, 100, z1, net.layer(0).bias(), a1);
        one.matrixVector(laid[1], a1, z2Fresh);
        String[] names = {"layer 1 product, W in place, 1 thread", "layer 1 product, W in place, 2 threads",
            "layer 1 product, predictor's copy, 1 thread", "layer 1 product, predictor's copy, 2 threads",
            "the rest: bias + sigmoid, 10x100, bias + sigmoid", "  of which bias + sigmoid of 100", "  of which the 10x100 product",
            "  of which bias + sigmoid of 10", "prediction, 1 thread", "prediction, 2 threads"};
        int reps = 301, calls = 200;
        double[][] t = new double[names.length][reps];
        for (int round = 0; round < 2; round++) {
            for (int rep = 0; rep < reps; rep++) {
                for (int m = 0; m < names.length; m++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        switch (m) {
                            case 0 -> one.gemmNT(1, 100, 784, x, w1, z1);
                            case 1 -> two.gemmNT(1, 100, 784, x, w1, z1);
                            case 2 -> one.matrixVector(laid[0], x, z1);
                            case 3 -> two.matrixVector(laid[0], x, z1);
                            case 4 -> {
                                System.arraycopy(z1Fresh, 0, z1, 0, 100);
                                one.biasActivate(Activation.SIGMOID, 1, 100, z1, net.layer(0).bias(), a1);
                                one.matrixVector(laid[1], a1, z2);
                                one.biasActivate(Activation.SIGMOID, 1, 10, z2, net.layer(1).bias(), a2);
                            }
                            case 5 -> {
                                System.arraycopy(z1Fresh, 0, z1, 0, 100);
                                one.biasActivate(Activation.SIGMOID, 1, 100, z1, net.layer(0).bias(), a1);
                            }
                            case 6 -> one.matrixVector(laid[1], a1, z2);
                            case 7 -> {
                                System.arraycopy(z2Fresh, 0, z2, 0, 10);
                                one.biasActivate(Activation.SIGMOID, 1, 10, z2, net.layer(1).bias(), a2);
                            }
                            case 8 -> p1.predict(x, out);
                            default -> p2.predict(x, out);
                        }
                    }
                    t[m][rep] = (System.nanoTime() - t0) / 1e3 / calls;
                }
            }
        }
        System.out.printf("one-sample prediction, W1's network, %s; the first layer copied: %s%n", two.getClass().getSimpleName(), laid[0].copied());
        for (int m = 0; m < names.length; m++) {
            double[] v = t[m].clone();
            Arrays.sort(v);
            System.out.printf("  %-50s median %6.3f µs  p10 %6.3f%n", names[m], v[reps / 2], v[reps / 10]);
        }
    }

    private static Matrix matrix(Random r, int rows, int cols) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (r.nextFloat() - 0.5f) * 0.1f;
        return m;
    }

    private static float[] vector(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextFloat() - 0.5f;
        return v;
    }
}
