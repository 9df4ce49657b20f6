package org.backprop4j.reference;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backpropagation (E5–E10, via the reference) against central finite differences of E4 in double,
 * for every activation in hidden and output position and both losses, with and without L2.
 * The gradient of E4 with respect to W is (1/K)ΔW + λW (E11's bracket) and with respect to b is
 * (1/K)Δb (E12's).
 */
class GradientCheckTest {
    private static final double H = 1e-6;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation hidden : Activation.values()) {
            if (hidden == Activation.SOFTMAX) continue;
            for (Activation out : Activation.values()) cases.add(Arguments.of(hidden, out, Loss.MSE, 0.0));
            cases.add(Arguments.of(hidden, Activation.SOFTMAX, Loss.CROSS_ENTROPY, 0.0));
            cases.add(Arguments.of(hidden, Activation.SIGMOID, Loss.CROSS_ENTROPY, 0.0));
            cases.add(Arguments.of(hidden, Activation.SIGMOID, Loss.MSE, 0.01));
            cases.add(Arguments.of(hidden, Activation.SOFTMAX, Loss.CROSS_ENTROPY, 0.03));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} hidden, {1} output, {2}, lambda {3}")
    @MethodSource("cases")
    void backpropMatchesFiniteDifferences(Activation hidden, Activation out, Loss loss, double lambda) {
        Network net = Network.create(new int[] {4, 5, 3, 3}, hidden, out, 7);
        ReferenceBackprop ref = new ReferenceBackprop(net, loss);
        Dataset data = TestData.random(6, 4, 3, loss, out, 11);
        double[][] x = TestData.rows(data.x()), y = TestData.rows(data.y());
        int K = x.length;
        ReferenceBackprop.Gradients g = ref.gradients(x, y);

        for (int l = 0; l < ref.layers(); l++) {
            double num = 0, den = 0, worst = 0;
            for (int i = 0; i < ref.W[l].length; i++) {
                for (int j = 0; j < ref.W[l][0].length; j++) {
                    double analytic = g.dW()[l][i][j] / K + lambda * ref.W[l][i][j];
                    double numeric = centralDifference(ref, x, y, lambda, ref.W[l][i], j);
                    num += sq(analytic - numeric);
                    den += sq(analytic) + sq(numeric);
                    worst = Math.max(worst, relative(analytic, numeric));
                }
                double analytic = g.db()[l][i] / K;
                double numeric = centralDifference(ref, x, y, lambda, ref.b[l], i);
                num += sq(analytic - numeric);
                den += sq(analytic) + sq(numeric);
                worst = Math.max(worst, relative(analytic, numeric));
            }
            double rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
            assertTrue(rel < 1e-6, "layer " + (l + 1) + ": relative error " + rel);
            assertTrue(worst < 1e-5, "layer " + (l + 1) + ": worst element relative error " + worst);
        }
    }

    /** dJ/dp by (J(p+h) − J(p−h)) / 2h, p = params[index]; params is restored afterwards. */
    private static double centralDifference(ReferenceBackprop ref, double[][] x, double[][] y, double lambda,
                                            double[] params, int index) {
        double p = params[index];
        params[index] = p + H;
        double plus = ref.cost(x, y, lambda);
        params[index] = p - H;
        double minus = ref.cost(x, y, lambda);
        params[index] = p;
        return (plus - minus) / (2 * H);
    }

    /** Relative error with an absolute floor, so that gradients that are ~0 compare by absolute difference. */
    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.max(Math.abs(a), Math.abs(b)), 1e-4);
    }

    private static double sq(double v) {
        return v * v;
    }
}
