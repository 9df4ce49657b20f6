package org.backprop4j.nn;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.reference.ReferenceBackprop;
import org.backprop4j.train.Backprop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The activations added beyond the seed's (leaky ReLU, ELU, softplus, GELU): their values at known
 * points, f' against a central difference of f, the float32 batch forms against the double forms,
 * and the fast engine against the reference with them. (GradientCheckTest covers every activation
 * in whole networks as well.)
 */
class ActivationTest {

    @Test
    void valuesAtKnownPoints() {
        assertEquals(2.0, Activation.LEAKY_RELU.f(2.0));
        assertEquals(-0.03, Activation.LEAKY_RELU.f(-3.0), 1e-15);              // slope 0.01
        assertEquals(0.01, Activation.LEAKY_RELU.df(-3.0, Double.NaN));
        assertEquals(Math.exp(-1) - 1, Activation.ELU.f(-1.0), 1e-15);          // alpha = 1
        assertEquals(1.5, Activation.ELU.f(1.5));
        assertEquals(Math.log(2), Activation.SOFTPLUS.f(0.0), 1e-15);
        assertEquals(50.0, Activation.SOFTPLUS.f(50.0), 1e-15);                 // no overflow, no log(1 + huge) rounding
        assertEquals(0.5, Activation.SOFTPLUS.df(0.0, Double.NaN), 1e-15);
        // GELU, tanh form: 0.5·1·(1 + tanh(√(2/π)·(1 + 0.044715))) = 0.8411919906082768
        assertEquals(0.8411919906082768, Activation.GELU.f(1.0), 1e-15);
        assertEquals(0.0, Activation.GELU.f(0.0));
        assertEquals(0.5, Activation.GELU.df(0.0, 0.0), 1e-15);
        // within 1e-3 of the erf form z·Φ(z): Φ(1) = 0.8413447460685429
        assertEquals(0.8413447460685429, Activation.GELU.f(1.0), 1e-3);
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"LEAKY_RELU", "ELU", "SOFTPLUS", "GELU"})
    void derivativeMatchesCentralDifferences(Activation f) {
        double h = 1e-6;
        for (double z = -4.05; z <= 4; z += 0.1) {           // steps past 0, where leaky ReLU and ELU have their kinks
            double numeric = (f.f(z + h) - f.f(z - h)) / (2 * h);
            assertEquals(numeric, f.df(z, f.f(z)), 1e-8, f + "'(" + z + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = "SOFTMAX", mode = EnumSource.Mode.EXCLUDE)
    void floatBatchFormsMatchTheDoubleForms(Activation f) {
        Random r = new Random(3);
        int rows = 7, cols = 9, n = rows * cols;
        float[] z = new float[n], a = new float[n], g = new float[n], back = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = (float) (8 * r.nextDouble() - 4);
            g[i] = (float) (2 * r.nextDouble() - 1);
        }
        f.forward(z, a, rows, cols);
        System.arraycopy(g, 0, back, 0, n);
        f.backward(z, a, back, rows, cols);
        for (int i = 0; i < n; i++) {
            assertEquals((float) f.f(z[i]), a[i], Math.ulp((float) f.f(z[i])), f + " f at " + z[i]);
            double expected = g[i] * f.df(z[i], f.f(z[i]));
            assertEquals(expected, back[i], 2e-6 * Math.max(1, Math.abs(expected)), f + " g·f' at " + z[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"LEAKY_RELU", "ELU", "SOFTPLUS", "GELU"})
    void engineMatchesTheReference(Activation hidden) {
        Network net = Network.create(new int[] {5, 7, 3}, hidden, Activation.SOFTMAX, 4);
        Dataset data = TestData.random(9, 5, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 6);
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        Backprop engine = new Backprop(net.copy(), Loss.CROSS_ENTROPY, 9, Kernels.fast());
        engine.gradients(data.x(), data.y(), order, 0, 9);
        ReferenceBackprop.Gradients g = new ReferenceBackprop(net, Loss.CROSS_ENTROPY)
                .gradients(TestData.rows(data.x()), TestData.rows(data.y()));
        for (int l = 0; l < 2; l++) {
            int cols = g.dW()[l][0].length;
            for (int i = 0; i < g.dW()[l].length; i++) {
                for (int j = 0; j < cols; j++) assertEquals(g.dW()[l][i][j], engine.weightGradient(l)[i * cols + j], 1e-5);
                assertEquals(g.db()[l][i], engine.biasGradient(l)[i], 1e-5);
            }
        }
    }

    @Test
    void namesRoundTrip() {
        for (Activation f : Activation.values()) assertSame(f, Activation.of(f.id()));
        assertEquals("leaky-relu", Activation.LEAKY_RELU.id());
    }
}
