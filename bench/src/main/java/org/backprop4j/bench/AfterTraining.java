package org.backprop4j.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.nn.Predictor;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;

/**
 * One-sample predictions on W1's network as a user who has just trained it gets them, over time: W1
 * trained as {@code nn bench --workload W1} trains it (4 epochs of 60,000 synthetic samples, unless the
 * third argument says "fresh": then an untrained network in a fresh JVM), then a predictor on the given
 * threads, and the median time of a call in each window of 50 batches of 200 back-to-back calls (about
 * 30 ms a window), from the first prediction on. Shows how long the JIT takes to settle. Not a JMH
 * benchmark.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.backprop4j.bench.AfterTraining [threads] [windows] [fresh]</pre>
 */
public final class AfterTraining {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int windows = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        boolean fresh = args.length > 2 && args[2].equals("fresh");
        Dataset data = synthetic(60_000, 784, 10, 42);
        Network net = Network.create(new int[] {784, 100, 10}, Activation.SIGMOID, Activation.SIGMOID, 1);
        if (!fresh) {
            TrainingConfig config = TrainingConfig.builder().loss(Loss.MSE).batchSize(32).epochs(4)
                    .learningRate(0.1).l2(1e-4).seed(1).threads(threads).build();
            net = new Trainer(config).train(net, data);
        }
        Predictor p = new Predictor(net, 1, Kernels.fast(threads));
        float[] in = Arrays.copyOf(data.x().data, 784), out = new float[10];
        StringBuilder line = new StringBuilder();
        for (int w = 0; w < windows; w++) {
            double[] perCall = new double[50];
            for (int b = 0; b < perCall.length; b++) {
                long t0 = System.nanoTime();
                for (int c = 0; c < 200; c++) p.predict(in, out);
                perCall[b] = (System.nanoTime() - t0) / 1e3 / 200;
            }
            Arrays.sort(perCall);
            line.append(String.format(" %.2f", perCall[perCall.length / 2]));
        }
        System.out.printf("%s, %d thread(s), µs a prediction per window of 10,000 calls:%s%n",
                fresh ? "untrained network" : "after training", threads, line);
    }

    /** The synthetic data of nn bench: inputs uniform in [0,1), targets one-hot of random classes. */
    private static Dataset synthetic(int n, int inputs, int classes, long seed) {
        Random r = new Random(seed);
        Matrix x = new Matrix(n, inputs);
        for (int i = 0; i < x.data.length; i++) x.data[i] = r.nextFloat();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(classes);
        List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) names.add(Integer.toString(c));
        return Dataset.classification(x, labels, names, "synthetic");
    }
}
