package org.backprop4j.train;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The seed's configuration stays the seed's arithmetic bit for bit, whatever the trainer grew
 * around it: the trainer's default run equals the seed's loop written out here — shuffle with
 * Random(seed) each epoch, E1–E10 by the engine, E11–E12 by Kernels.descend.
 */
class SeedReproducibilityTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7})
    void defaultTrainingIsTheSeedLoop(int batch) {
        // ReLU and identity: the update is what is under test, and these activations are computed the same
        // way by every kernel at every JIT stage, so the two runs compare bit for bit
        Network start = Network.create(new int[] {6, 9, 4}, Activation.RELU, Activation.IDENTITY, 5);
        Dataset data = TestData.random(31, 6, 4, Loss.MSE, Activation.IDENTITY, 6);
        BatchSize k = batch == 0 ? BatchSize.FULL : BatchSize.of(batch);
        TrainingConfig config = TrainingConfig.builder().batchSize(k).epochs(3).learningRate(0.05).l2(0.01).seed(8).threads(1).build();
        Network trained = new Trainer(config).train(start, data);

        int n = data.size(), maxK = k.k(n);
        Kernels kernels = Kernels.fast(1);
        Backprop engine = new Backprop(start.copy(), Loss.MSE, maxK, kernels);
        Network net = engine.network();
        Random random = new Random(8);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from < n; from += maxK) {
                int K = Math.min(maxK, n - from);
                engine.gradients(data.x(), data.y(), order, from, K);
                for (int l = 0; l < 2; l++) {
                    Dense d = net.layer(l);
                    kernels.descend(d.weights().data.length, d.weights().data, engine.weightGradient(l), 0.05f, K, 0.01f); // E11
                    kernels.descend(d.bias().length, d.bias(), engine.biasGradient(l), 0.05f, K, 0f);                       // E12
                }
            }
        }
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(net.layer(l).weights().data, trained.layer(l).weights().data);
            assertArrayEquals(net.layer(l).bias(), trained.layer(l).bias());
        }
    }
}
