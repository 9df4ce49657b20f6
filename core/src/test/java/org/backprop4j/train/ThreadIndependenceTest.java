package org.backprop4j.train;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training with 1, 2 or 3 kernel threads gives bit-identical models: every sum is taken in an order
 * fixed by the shapes, and threads only share out output tiles. The layers are wide enough that
 * the products really are split (more than 2^19 multiply-adds each).
 */
class ThreadIndependenceTest {

    @Test
    void modelsAreBitIdenticalForAnyThreadCount() {
        Network start = Network.create(new int[] {300, 256, 128, 10}, Activation.RELU, Activation.SOFTMAX, 4);
        Dataset data = TestData.random(200, 300, 10, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 5);
        Network[] trained = new Network[3];
        for (int t = 1; t <= 3; t++) {
            TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(64).epochs(2)
                    .learningRate(0.05).l2(1e-4).seed(9).threads(t).build();
            trained[t - 1] = new Trainer(config).train(start, data);
        }
        assertTrue(Kernels.fast(2).getClass().getSimpleName().startsWith("Vector"), "the multi-threaded kernels are under test");
        for (int t = 1; t < 3; t++) {
            for (int l = 0; l < 3; l++) {
                assertEquals(trained[0].layer(l).weights(), trained[t].layer(l).weights(), "layer " + l + ", " + (t + 1) + " threads");
                assertTrue(Arrays.equals(trained[0].layer(l).bias(), trained[t].layer(l).bias()));
            }
        }
    }
}
