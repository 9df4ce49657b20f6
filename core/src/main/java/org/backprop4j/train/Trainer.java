package org.backprop4j.train;

import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Network;

import java.util.Random;

/**
 * Turns a data set and a starting network into a trained network: the one loop of seed sections
 * 6–8, epochs → batches → step, the same for K = N (batch gradient descent), 1 (stochastic) and
 * B (mini-batch).
 *
 * <p>Shuffling: at the start of each epoch the sample order is permuted by Fisher–Yates with a
 * {@link Random} seeded once per run with the config's seed; with shuffling off, file order is kept.
 */
public final class Trainer {
    private final TrainingConfig config;
    private final TrainingListener listener;

    public Trainer(TrainingConfig config) {
        this(config, TrainingListener.NONE);
    }

    public Trainer(TrainingConfig config, TrainingListener listener) {
        this.config = config;
        this.listener = listener;
    }

    /**
     * Trains a copy of {@code initial} on {@code data} and returns it; {@code initial} is not changed.
     *
     * @throws IllegalArgumentException    if the data does not fit the network
     * @throws TrainingDivergedException   if the cost becomes NaN or infinite
     */
    public Network train(Network initial, Dataset data) {
        if (data.x().cols != initial.inputs()) {
            throw new IllegalArgumentException("the network takes " + initial.inputs() + " inputs but " + data.source()
                    + " has " + data.x().cols);
        }
        if (data.y().cols != initial.outputs()) {
            throw new IllegalArgumentException("the network has " + initial.outputs() + " outputs but " + data.source()
                    + " has " + data.y().cols + " targets" + (data.isClassification() ? " (classes)" : ""));
        }
        int n = data.size();
        int maxK = config.batchSize().k(n);
        Kernels kernels = Kernels.fast(config.threads());
        Backprop engine = new Backprop(initial.copy(), config.loss(), maxK, kernels);
        GradientDescent rule = new GradientDescent(config.learningRate(), config.l2(), kernels);
        Network net = engine.network();
        Random random = new Random(config.seed());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;

        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long start = System.nanoTime();
            if (config.shuffle()) shuffle(order, random);
            double costSum = 0;
            int steps = 0;
            for (int from = 0; from < n; from += maxK) {
                int K = Math.min(maxK, n - from);   // a ragged last batch uses its own K
                costSum += engine.gradients(data.x(), data.y(), order, from, K);
                rule.step(net, engine, K);
                steps++;
                listener.onStep(epoch, from + K, n);
            }
            double dataCost = costSum / n;
            double l2Cost = config.l2() / 2 * net.sumOfSquaredWeights(); // E4, second term
            if (!Double.isFinite(dataCost) || !Double.isFinite(l2Cost)) {
                throw new TrainingDivergedException("training diverged in epoch " + epoch + ": the cost became "
                        + (dataCost + l2Cost) + "; try a smaller learning rate");
            }
            listener.onEpoch(new EpochStats(epoch, config.epochs(), dataCost, l2Cost, steps, (System.nanoTime() - start) / 1e9));
        }
        return net;
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
