package org.backprop4j.train;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.reference.ReferenceBackprop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast float32 engine against the literal double reference on random networks and data: the
 * gradients of one batch, and whole training runs in all three batch modes (full, 1, B with a
 * ragged last batch), L2 on and off.
 */
class EngineMatchesReferenceTest {

    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of(new int[] {7, 9, 4}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE));
        cases.add(Arguments.of(new int[] {5, 8, 6, 3}, Activation.TANH, Activation.IDENTITY, Loss.MSE));
        cases.add(Arguments.of(new int[] {6, 11, 5}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY));
        cases.add(Arguments.of(new int[] {4, 6, 3}, Activation.IDENTITY, Activation.SIGMOID, Loss.CROSS_ENTROPY));
        cases.add(Arguments.of(new int[] {3, 4, 4}, Activation.SIGMOID, Activation.SOFTMAX, Loss.MSE));
        cases.add(Arguments.of(new int[] {9, 3}, Activation.SIGMOID, Activation.TANH, Loss.MSE));
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("networks")
    void batchGradientsMatch(int[] sizes, Activation hidden, Activation out, Loss loss) {
        Network net = Network.create(sizes, hidden, out, 3);
        Dataset data = TestData.random(13, sizes[0], sizes[sizes.length - 1], loss, out, 5);
        int[] order = new int[13];
        for (int i = 0; i < order.length; i++) order[i] = (i * 5) % 13; // a permutation
        int from = 2, K = 9;
        Backprop engine = new Backprop(net.copy(), loss, 10, Kernels.fast());
        double cost = engine.gradients(data.x(), data.y(), order, from, K);

        double[][] x = new double[K][], y = new double[K][];
        double[][] allX = TestData.rows(data.x()), allY = TestData.rows(data.y());
        for (int r = 0; r < K; r++) {
            x[r] = allX[order[from + r]];
            y[r] = allY[order[from + r]];
        }
        ReferenceBackprop ref = new ReferenceBackprop(net, loss);
        ReferenceBackprop.Gradients g = ref.gradients(x, y);
        double refCost = 0;
        for (int r = 0; r < K; r++) refCost += ref.cost(x[r], y[r]);
        assertEquals(refCost, cost, 1e-5 * Math.max(1, refCost));
        for (int l = 0; l < ref.layers(); l++) {
            float[] dW = engine.weightGradient(l);
            int cols = ref.W[l][0].length;
            for (int i = 0; i < ref.W[l].length; i++) {
                for (int j = 0; j < cols; j++) assertClose(g.dW()[l][i][j], dW[i * cols + j], "dW" + l);
                assertClose(g.db()[l][i], engine.biasGradient(l)[i], "db" + l);
            }
        }
    }

    static Stream<Arguments> trainingRuns() {
        List<Arguments> cases = new ArrayList<>();
        for (BatchSize k : List.of(BatchSize.FULL, BatchSize.of(1), BatchSize.of(5))) {
            for (double lambda : new double[] {0, 0.01}) {
                cases.add(Arguments.of(k, lambda, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE));
                cases.add(Arguments.of(k, lambda, Activation.TANH, Activation.SOFTMAX, Loss.CROSS_ENTROPY));
                cases.add(Arguments.of(k, lambda, Activation.RELU, Activation.IDENTITY, Loss.MSE));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "batch {0}, lambda {1}, {2}/{3}/{4}")
    @MethodSource("trainingRuns")
    void trainingRunsMatch(BatchSize k, double lambda, Activation hidden, Activation out, Loss loss) {
        int n = 23; // with B = 5 the last batch holds 3 samples and uses K = 3
        Network start = Network.create(new int[] {6, 8, 4}, hidden, out, 17);
        Dataset data = TestData.random(n, 6, 4, loss, out, 19);
        TrainingConfig config = TrainingConfig.builder().loss(loss).batchSize(k).epochs(3)
                .learningRate(0.2).l2(lambda).shuffle(false).build();
        Network fast = new Trainer(config).train(start, data);

        ReferenceBackprop ref = new ReferenceBackprop(start, loss);
        ref.train(TestData.rows(data.x()), TestData.rows(data.y()), k.size(), 3, 0.2, lambda);
        double worst = 0;
        for (int l = 0; l < ref.layers(); l++) {
            int cols = ref.W[l][0].length;
            for (int i = 0; i < ref.W[l].length; i++) {
                for (int j = 0; j < cols; j++) {
                    worst = Math.max(worst, Math.abs(ref.W[l][i][j] - fast.layer(l).weights().get(i, j)));
                }
                worst = Math.max(worst, Math.abs(ref.b[l][i] - fast.layer(l).bias()[i]));
            }
        }
        // float32 against double over up to 69 steps: parameters are O(1), so 1e-4 absolute is
        // many ulps of rounding but far below any error in an equation.
        assertTrue(worst < 1e-4, "largest parameter difference " + worst);
    }

    @Test
    void sameSeedGivesTheSameModelBitForBit() {
        Network start = Network.create(new int[] {6, 8, 4}, Activation.SIGMOID, Activation.SIGMOID, 1);
        Dataset data = TestData.random(50, 6, 4, Loss.MSE, Activation.SIGMOID, 2);
        TrainingConfig config = TrainingConfig.builder().batchSize(7).epochs(4).seed(99).build();
        Network a = new Trainer(config).train(start, data);
        Network b = new Trainer(config).train(start, data);
        for (int l = 0; l < 2; l++) {
            assertEquals(a.layer(l).weights(), b.layer(l).weights());
            assertTrue(java.util.Arrays.equals(a.layer(l).bias(), b.layer(l).bias()));
        }
        Network c = new Trainer(TrainingConfig.builder().batchSize(7).epochs(4).seed(100).build()).train(start, data);
        assertTrue(!a.layer(0).weights().equals(c.layer(0).weights()), "another seed shuffles differently");
    }

    @Test
    void trainingLeavesTheStartingNetworkUnchanged() {
        Network start = Network.create(new int[] {3, 4, 2}, Activation.SIGMOID, Activation.SIGMOID, 1);
        Network copy = start.copy();
        new Trainer(TrainingConfig.builder().build()).train(start, TestData.random(10, 3, 2, Loss.MSE, Activation.SIGMOID, 1));
        assertEquals(copy.layer(0).weights(), start.layer(0).weights());
    }

    private static void assertClose(double expected, float actual, String what) {
        assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
    }
}
