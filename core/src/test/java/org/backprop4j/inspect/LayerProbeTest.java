package org.backprop4j.inspect;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.reference.ReferenceBackprop;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LayerProbe} against hand-made extremes and the reference's gradient; {@link InputCheck}. */
class LayerProbeTest {

    @Test
    void normsMatchTheReference() {
        Network net = Network.create(new int[] {5, 7, 3}, Activation.TANH, Activation.SOFTMAX, 2);
        Dataset data = TestData.random(40, 5, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 9);
        double lambda = 0.01;
        List<LayerStats> stats = new LayerProbe(data, Loss.CROSS_ENTROPY, lambda, 1000, 1).measure(net); // the probe: all 40

        ReferenceBackprop ref = new ReferenceBackprop(net, Loss.CROSS_ENTROPY);
        ReferenceBackprop.Gradients g = ref.gradients(TestData.rows(data.x()), TestData.rows(data.y()));
        for (int l = 0; l < 2; l++) {
            double w = 0, grad = 0;
            for (int i = 0; i < ref.W[l].length; i++) {
                for (int j = 0; j < ref.W[l][0].length; j++) {
                    w += ref.W[l][i][j] * ref.W[l][i][j];
                    double d = g.dW()[l][i][j] / 40 + lambda * ref.W[l][i][j];   // E11's bracket
                    grad += d * d;
                }
            }
            assertEquals(Math.sqrt(w), stats.get(l).weightNorm(), 1e-9 * Math.sqrt(w));
            assertEquals(Math.sqrt(grad), stats.get(l).gradientNorm(), 1e-4 * Math.sqrt(grad), "layer " + (l + 1));
        }
        assertEquals(Double.NaN, stats.get(1).saturated()); // softmax: not measured
        assertEquals(Double.NaN, stats.get(0).dead());      // tanh cannot die
    }

    @Test
    void sigmoidWithHugeWeightsIsSaturatedAndWithSmallOnesIsNot() {
        Dataset data = TestData.random(100, 5, 2, Loss.MSE, Activation.SIGMOID, 9);
        Network small = Network.create(new int[] {5, 8, 2}, Activation.SIGMOID, Activation.SIGMOID, 2);
        Network huge = scaled(small, 0, 1000f);
        LayerProbe probe = new LayerProbe(data, Loss.MSE, 0, 64, 1);
        assertEquals(0.0, probe.measure(small).get(0).saturated(), 0.05);
        assertTrue(probe.measure(huge).get(0).saturated() > 0.95, "saturated share with weights x1000");
    }

    @Test
    void reluWithVeryNegativeBiasesIsDead() {
        Dataset data = TestData.random(100, 5, 2, Loss.MSE, Activation.IDENTITY, 9);
        Network net = Network.create(new int[] {5, 8, 2}, Activation.RELU, Activation.IDENTITY, 2);
        LayerProbe probe = new LayerProbe(data, Loss.MSE, 0, 512, 1);
        assertEquals(0.0, probe.measure(net).get(0).dead(), 0.26, "a fresh ReLU layer is mostly alive");
        Dense d = net.layer(0);
        float[] b = d.bias().clone();
        Arrays.fill(b, 0, 6, -100f);                      // 6 of 8 units can never fire on inputs in [-1, 1]
        Network sixDead = new Network(List.of(new Dense(d.weights(), b, d.activation()), net.layer(1)));
        assertEquals(0.75, probe.measure(sixDead).get(0).dead(), 1e-12);
    }

    @Test
    void inputCheckFlagsLargeColumnsOnly() {
        Matrix x = new Matrix(3, 2, new float[] {0.5f, 10f, -0.5f, 12f, 0.1f, 9f});
        InputCheck.Unscaled u = InputCheck.check(x, Activation.SIGMOID);
        assertEquals(1, u.column());
        assertEquals(Math.sqrt((100 + 144 + 81) / 3.0), u.rms(), 1e-5);
        assertTrue(u.consequence().contains("saturated"));
        assertNull(InputCheck.check(new Matrix(2, 2, new float[] {1, -1, 0.5f, 2}), Activation.RELU));
    }

    /** A copy of net with layer l's weights times factor. */
    private static Network scaled(Network net, int l, float factor) {
        Network copy = net.copy();
        float[] w = copy.layer(l).weights().data;
        for (int i = 0; i < w.length; i++) w[i] *= factor;
        return copy;
    }
}
