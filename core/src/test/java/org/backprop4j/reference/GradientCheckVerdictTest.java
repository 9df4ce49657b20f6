package org.backprop4j.reference;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GradientCheck}'s verdict: PASS on backpropagation as written, FAIL as soon as a hidden
 * layer's f' is wrong — the test-only broken activations below — and the failure shows in the
 * layers below the mistake, not above it.
 */
class GradientCheckVerdictTest {

    /** A plausible slip for each activation: the derivative a learner might write by mistake. */
    private static ReferenceBackprop.Derivative broken(Activation f) {
        return switch (f) {
            case SIGMOID -> (z, a, g) -> times(g, a, v -> v);                 // f' = a, forgot (1 − a)
            case TANH -> (z, a, g) -> times(g, a, v -> 1 - v);                // f' = 1 − a, forgot the square
            case RELU -> (z, a, g) -> times(g, z, v -> v >= 0 ? 1 : 0.5);     // f' = 1/2 for z < 0 (a leaky slope that f does not have)
            case IDENTITY -> (z, a, g) -> times(g, z, v -> 2);                // f' = 2
            default -> throw new IllegalArgumentException("no planted mistake for " + f);
        };
    }

    private static double[] times(double[] g, double[] v, java.util.function.DoubleUnaryOperator fPrime) {
        double[] d = new double[g.length];
        for (int i = 0; i < g.length; i++) d[i] = g[i] * fPrime.applyAsDouble(v[i]);
        return d;
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"SIGMOID", "TANH", "RELU", "IDENTITY"})
    void passesOnBackpropagationAsWritten(Activation hidden) {
        Network net = Network.create(new int[] {4, 6, 5, 3}, hidden, Activation.SOFTMAX, 3);
        Dataset data = TestData.random(10, 4, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 5);
        GradientCheck.Result r = GradientCheck.check(new ReferenceBackprop(net, Loss.CROSS_ENTROPY),
                TestData.rows(data.x()), TestData.rows(data.y()), 0.01, 1000, 1);
        assertTrue(r.passed(), () -> "worst error " + r.worst() + ": " + r.layers());
        assertTrue(r.worst() < 1e-6, () -> "worst error " + r.worst());
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"SIGMOID", "TANH", "RELU", "IDENTITY"})
    void failsOnAWrongDerivativeInTheLayerItBreaks(Activation hidden) {
        Network net = Network.create(new int[] {4, 6, 5, 3}, hidden, Activation.SIGMOID, 3);
        Dataset data = TestData.random(10, 4, 3, Loss.MSE, Activation.SIGMOID, 5);
        ReferenceBackprop ref = new ReferenceBackprop(net, Loss.MSE);
        ref.fPrime[1] = broken(hidden);   // f' of the second hidden layer (the outputs of W^(2))
        GradientCheck.Result r = GradientCheck.check(ref, TestData.rows(data.x()), TestData.rows(data.y()), 0, 1000, 1);

        assertFalse(r.passed(), () -> "a wrong f' passed, worst error " + r.worst());
        // delta^(3) = (W^(3)ᵀ delta^(4)) ⊙ f'(z^(3)) is wrong, so dJ/dW^(2) and dJ/dW^(1) are; dJ/dW^(3) is not.
        assertFalse(r.layers().get(0).passed(), () -> "layer 1: " + r.layers().get(0));
        assertFalse(r.layers().get(1).passed(), () -> "layer 2: " + r.layers().get(1));
        assertTrue(r.layers().get(2).passed(), () -> "layer 3 lies above the mistake: " + r.layers().get(2));
    }

    @org.junit.jupiter.api.Test
    void checksARandomSubsetOfABigLayer() {
        Network net = Network.create(new int[] {50, 40, 2}, Activation.TANH, Activation.IDENTITY, 3);
        Dataset data = TestData.random(3, 50, 2, Loss.MSE, Activation.IDENTITY, 5);
        GradientCheck.Result r = GradientCheck.check(new ReferenceBackprop(net, Loss.MSE),
                TestData.rows(data.x()), TestData.rows(data.y()), 0, 30, 1);
        assertTrue(r.passed());
        assertTrue(r.layers().get(0).weightsChecked() == 30 && r.layers().get(0).weights() == 2000, r.layers().get(0)::toString);
        assertTrue(r.layers().get(1).weightsChecked() == 30 && r.layers().get(1).biasesChecked() == 2, r.layers().get(1)::toString);
    }
}
