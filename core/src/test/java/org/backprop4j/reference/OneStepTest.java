package org.backprop4j.reference;

import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link OneStep} records for a random network is what the engines compute: the reference's
 * own step (bit for bit), the fast float32 engine's step (to float precision), and calculus (the
 * central differences beside ∂J/∂W). The per-sample quantities add up to the batch's.
 */
class OneStepTest {
    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of(Activation.SIGMOID, Activation.SIGMOID, Loss.MSE),
                Arguments.of(Activation.TANH, Activation.SOFTMAX, Loss.CROSS_ENTROPY),
                Arguments.of(Activation.ELU, Activation.SIGMOID, Loss.CROSS_ENTROPY),
                Arguments.of(Activation.GELU, Activation.IDENTITY, Loss.MSE),
                Arguments.of(Activation.SOFTPLUS, Activation.SOFTMAX, Loss.MSE));
    }

    @ParameterizedTest
    @MethodSource("networks")
    void theRecordedStepIsTheEnginesStep(Activation hidden, Activation out, Loss loss) {
        Network net = Network.create(new int[] {4, 5, 3}, hidden, out, 11);
        Random random = new Random(5);
        int K = 3;
        float[][] xf = new float[K][4], yf = new float[K][3];
        double[][] x = new double[K][4], y = new double[K][3];
        for (int k = 0; k < K; k++) {
            for (int j = 0; j < 4; j++) x[k][j] = xf[k][j] = (float) random.nextGaussian();
            int label = random.nextInt(3);
            for (int j = 0; j < 3; j++) y[k][j] = yf[k][j] = j == label ? 1 : 0;
        }
        double alpha = 0.3, lambda = 0.02;
        OneStep s = OneStep.take(net, loss, x, y, alpha, lambda);

        // the reference's own step from the same parameters: the same bits
        ReferenceBackprop ref = new ReferenceBackprop(net, loss);
        double before = ref.cost(x, y, lambda);
        ref.step(x, y, alpha, lambda);
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < ref.W[l].length; i++) assertArrayEquals(ref.W[l][i], s.newW()[l][i], 0.0);
            assertArrayEquals(ref.b[l], s.newB()[l], 0.0);
        }
        assertEquals(before, s.cost(), 1e-15);
        assertEquals(ref.cost(x, y, lambda), s.costAfter(), 0.0);
        assertEquals(lambda / 2 * new ReferenceBackprop(net, loss).sumOfSquaredWeights(), s.l2Term(), 0.0);

        // the fast engine's one step on the same batch, in float32
        Dataset data = new Dataset(Matrix.of(xf), Matrix.of(yf), List.of(), "random");
        Network fast = new Trainer(TrainingConfig.builder().loss(loss).batchSize(K).epochs(1).learningRate(alpha).l2(lambda)
                .shuffle(false).build()).train(net, data);
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < s.newW()[l].length; i++) {
                for (int j = 0; j < s.newW()[l][0].length; j++) assertEquals(s.newW()[l][i][j], fast.layer(l).weights().get(i, j), 2e-6);
                assertEquals(s.newB()[l][i], fast.layer(l).bias()[i], 2e-6);
            }
        }

        // E10 is the sum of the per-sample E8, E9; ∂J/∂W agrees with the central differences of E4
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < s.W()[l].length; i++) {
                double db = 0;
                for (int k = 0; k < K; k++) db += s.sampleGradients().get(k).db()[l][i];
                assertEquals(s.sum().db()[l][i], db, 1e-15);
                assertEquals(s.sum().db()[l][i] / K, s.costGradient().db()[l][i], 1e-15);
                for (int j = 0; j < s.W()[l][0].length; j++) {
                    double dW = 0;
                    for (int k = 0; k < K; k++) dW += s.sampleGradients().get(k).dW()[l][i][j];
                    assertEquals(s.sum().dW()[l][i][j], dW, 1e-15);
                    double analytic = s.costGradient().dW()[l][i][j];
                    assertEquals(s.sum().dW()[l][i][j] / K + lambda * s.W()[l][i][j], analytic, 1e-15);
                    assertTrue(GradientCheck.error(analytic, s.centralDifference().dW()[l][i][j]) < 1e-6,
                            () -> "∂J/∂W against its central difference: " + analytic);
                }
                assertTrue(GradientCheck.error(s.costGradient().db()[l][i], s.centralDifference().db()[l][i]) < 1e-6);
            }
        }
        // the data term is the mean of the per-sample costs
        double mean = 0;
        for (double c : s.sampleCost()) mean += c / K;
        assertEquals(mean, s.dataTerm(), 1e-12);
        // the network handed in is not changed
        assertEquals((double) net.layer(0).weights().get(0, 0), s.W()[0][0][0], 0.0);
    }
}
