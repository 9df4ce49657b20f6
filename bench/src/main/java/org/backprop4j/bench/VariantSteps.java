package org.backprop4j.bench;

import org.backprop4j.data.Shuffle;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.math.vector.Variant;
import org.backprop4j.math.vector.VectorKernels;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Backprop;

import java.util.Arrays;
import java.util.Random;

/**
 * Two kernel variants compared inside one JVM: training steps of W1 or W2 that alternate between the
 * variants step by step, on one network, so that both see the same host from moment to moment (this
 * machine kind's hosts change speed by a third within minutes; runs in separate JVMs cannot tell 5 %
 * apart). Prints each variant's median step. The variants' steps give the same bits (KernelsTest), so the
 * network trains as it would with either.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.VariantSteps W2 THREADS 6x2-units 5x2-units [STEPS]</pre>
 */
public final class VariantSteps {

    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: VariantSteps W1|W2 THREADS VARIANT VARIANT [STEPS]");
            System.exit(2);
        }
        boolean w2 = args[0].equalsIgnoreCase("W2");
        int threads = Integer.parseInt(args[1]);
        Variant[] variants = {Variant.parse(args[2]), Variant.parse(args[3])};
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : (w2 ? 600 : 40_000);
        int[] sizes = w2 ? new int[] {784, 1024, 1024, 10} : new int[] {784, 100, 10};
        int K = w2 ? 256 : 32, n = 60_000;
        Network net = w2 ? Network.create(sizes, Activation.RELU, Activation.SOFTMAX, 1)
                : Network.create(sizes, Activation.SIGMOID, Activation.SIGMOID, 1);
        Loss loss = w2 ? Loss.CROSS_ENTROPY : Loss.MSE;
        Random r = new Random(1);
        Matrix x = new Matrix(n, sizes[0]), y = new Matrix(n, sizes[sizes.length - 1]);
        for (int i = 0; i < x.data.length; i++) x.data[i] = r.nextFloat();
        for (int i = 0; i < n; i++) y.data[i * y.cols + r.nextInt(y.cols)] = 1f;
        int[] order = Shuffle.identity(n);
        Shuffle.shuffle(order, r);

        Kernels[] kernels = {new VectorKernels(threads, variants[0]), new VectorKernels(threads, variants[1])};
        Backprop[] engines = {new Backprop(net, loss, K, kernels[0]), new Backprop(net, loss, K, kernels[1])};
        long[][] times = new long[2][steps / 2];
        int warm = steps / 4;
        for (int s = 0; s < steps; s++) {
            int v = s % 2;
            long t0 = System.nanoTime();
            engines[v].gradients(x, y, order, (s * K) % (n - K), K);
            for (int l = 0; l < net.layers().size(); l++) {
                Dense d = net.layer(l);
                kernels[v].descend(d.outputs(), d.inputs(), d.weights().data, engines[v].weightGradient(l), 1e-6f, K, 1e-4f);
                kernels[v].descend(d.bias().length, d.bias(), engines[v].biasGradient(l), 1e-6f, K, 0f);
            }
            times[v][s / 2] = System.nanoTime() - t0;
        }
        double[] medians = new double[2];
        for (int v = 0; v < 2; v++) {
            long[] t = Arrays.copyOfRange(times[v], warm / 2, steps / 2);
            Arrays.sort(t);
            medians[v] = t[t.length / 2] / 1e3;
        }
        System.out.printf("%s %d thread(s), Java %s: %s %.1f µs, %s %.1f µs a step (median of %d steps each after %d warm-up); second/first %.3f%n",
                w2 ? "W2" : "W1", threads, System.getProperty("java.version"), variants[0], medians[0], variants[1], medians[1],
                steps / 2 - warm / 2, warm, medians[1] / medians[0]);
    }
}
