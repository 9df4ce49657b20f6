package org.backprop4j.train;

import org.backprop4j.ParameterException;
import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.nn.Predictor;
import org.backprop4j.reference.ReferenceBackprop;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inverted dropout: its mask, its gradient, that rate 0 changes nothing, and that prediction never drops. */
class DropoutTest {

    @Test
    void maskDropsAboutPAndScalesTheRestByOneOverOneMinusP() {
        int n = 200_000;
        Dropout d = new Dropout(0.3, n, new Random(5));
        float[] a = new float[n], out = new float[n], g = new float[n];
        Arrays.fill(a, 1f);
        Arrays.fill(g, 2f);
        d.forward(a, out, n);
        d.backward(g, n);
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            if (out[i] == 0f) {
                dropped++;
                assertEquals(0f, g[i], "the gradient of a dropped unit is 0");
            } else {
                assertEquals((float) (1 / 0.7), out[i]);
                assertEquals(2f * (float) (1 / 0.7), g[i], "the gradient goes through the same mask");
            }
        }
        assertEquals(0.3, (double) dropped / n, 0.005);
    }

    /**
     * With one sample, dropping hidden unit j with factor m_j is the network whose next layer's
     * column j is multiplied by m_j. So the engine's gradients with dropout must be the reference
     * gradients of that thinned network, with ΔW of the next layer taken with ã = m ⊙ a.
     */
    @Test
    void gradientIsTheGradientOfTheThinnedNetwork() {
        Network net = Network.create(new int[] {4, 6, 3}, Activation.TANH, Activation.SOFTMAX, 8);
        Dataset data = TestData.random(1, 4, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 9);
        double p = 0.5;
        Backprop engine = new Backprop(net.copy(), Loss.CROSS_ENTROPY, 1, Kernels.fast(), new double[] {p}, new Random(77));
        engine.gradients(data.x(), data.y(), new int[] {0}, 0, 1);

        Random same = new Random(77);                 // the mask the engine drew: one nextFloat per hidden unit
        float[] m = new float[6];
        for (int j = 0; j < 6; j++) m[j] = same.nextFloat() < p ? 0f : (float) (1 / (1 - p));
        Matrix w2 = net.layer(1).weights().copy();
        for (int i = 0; i < 3; i++) for (int j = 0; j < 6; j++) w2.set(i, j, w2.get(i, j) * m[j]);
        Network thinned = new Network(List.of(net.layer(0), new Dense(w2, net.layer(1).bias(), Activation.SOFTMAX)));
        ReferenceBackprop.Gradients g = new ReferenceBackprop(thinned, Loss.CROSS_ENTROPY)
                .gradients(TestData.rows(data.x()), TestData.rows(data.y()));
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 4; j++) assertEquals(g.dW()[0][i][j], engine.weightGradient(0)[i * 4 + j], 1e-6, "dW1");
            assertEquals(g.db()[0][i], engine.biasGradient(0)[i], 1e-6, "db1");
        }
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 6; j++) assertEquals(g.dW()[1][i][j] * m[j], engine.weightGradient(1)[i * 6 + j], 1e-6, "dW2");
            assertEquals(g.db()[1][i], engine.biasGradient(1)[i], 1e-6, "db2");
        }
    }

    @Test
    void rateZeroIsBitIdenticalToNoDropout() {
        Network start = Network.create(new int[] {5, 8, 6, 3}, Activation.RELU, Activation.SOFTMAX, 2);
        Dataset data = TestData.random(40, 5, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 3);
        TrainingConfig.Builder b = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(7).epochs(3).learningRate(0.3);
        Network plain = new Trainer(b.build()).train(start, data);
        Network zero = new Trainer(b.dropout(0).build()).train(start, data);
        Network zeros = new Trainer(b.dropout(0, 0).build()).train(start, data);
        Network some = new Trainer(b.dropout(0.5, 0).build()).train(start, data);
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(plain.layer(l).weights().data, zero.layer(l).weights().data);
            assertArrayEquals(plain.layer(l).weights().data, zeros.layer(l).weights().data);
            assertArrayEquals(plain.layer(l).bias(), zeros.layer(l).bias());
        }
        assertFalse(Arrays.equals(plain.layer(0).weights().data, some.layer(0).weights().data), "rate 0.5 does drop");
    }

    @Test
    void predictionIgnoresDropout() {
        Network start = Network.create(new int[] {5, 9, 3}, Activation.ELU, Activation.SOFTMAX, 4);
        Dataset data = TestData.random(30, 5, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 5);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(5).epochs(3).dropout(0.5).build();
        Network trained = new Trainer(config).train(start, data);
        // inference is the plain E1–E2 of the weights: the same every time, and the same as the reference's
        Matrix first = trained.predict(data.x()), again = trained.predict(data.x());
        assertEquals(first, again);
        Matrix served = new Predictor(trained, 30, Kernels.fast()).predict(data.x());
        ReferenceBackprop ref = new ReferenceBackprop(trained, Loss.CROSS_ENTROPY);
        double[][] x = TestData.rows(data.x());
        for (int i = 0; i < 30; i++) {
            double[] expected = ref.forward(x[i]).output();
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[j], first.get(i, j), 1e-6);
                assertEquals(first.get(i, j), served.get(i, j), 1e-6);
            }
        }
        Model model = new Model(trained, Loss.CROSS_ENTROPY);
        assertEquals(Evaluation.of(model, data, 0).dataCost(), Evaluation.of(model, data, 0).dataCost());
    }

    @Test
    void ratesMustFitTheHiddenLayers() {
        Network start = Network.create(new int[] {5, 9, 3}, Activation.SIGMOID, Activation.SOFTMAX, 4);
        Dataset data = TestData.random(30, 5, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 5);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).dropout(0.5, 0.5).build();
        ParameterException e = assertThrows(ParameterException.class, () -> new Trainer(config).train(start, data));
        assertTrue(e.parameter().equals("dropout") && e.getMessage().contains("1 hidden layer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().dropout(1.0).build());
    }
}
