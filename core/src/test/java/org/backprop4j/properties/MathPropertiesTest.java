package org.backprop4j.properties;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.io.ModelJson;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.reference.GradientCheck;
import org.backprop4j.reference.ReferenceBackprop;
import org.backprop4j.train.Backprop;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the math, on networks, activations and data that jqwik draws (and shrinks to a
 * smallest failing case): E5–E10 against central differences of E4, a batch's gradient not
 * depending on the order of its samples, and input scaling that inverts and survives the model file.
 */
class MathPropertiesTest {

    /** Activations with a continuous derivative: at a kink (relu at 0) central differences are not the derivative. */
    @Provide
    Arbitrary<Activation> smooth() {
        return Arbitraries.of(Activation.SIGMOID, Activation.TANH, Activation.IDENTITY, Activation.ELU, Activation.SOFTPLUS, Activation.GELU);
    }

    @Property(tries = 40)
    void backpropagationMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 5) int inputs, @ForAll @IntRange(min = 1, max = 6) int hidden,
                                                 @ForAll @IntRange(min = 2, max = 4) int outputs, @ForAll @IntRange(min = 1, max = 6) int samples,
                                                 @ForAll("smooth") Activation f, @ForAll boolean softmax, @ForAll long seed) {
        Loss loss = softmax ? Loss.CROSS_ENTROPY : Loss.MSE;
        Activation out = softmax ? Activation.SOFTMAX : Activation.SIGMOID;
        Network net = Network.create(new int[] {inputs, hidden, outputs}, f, out, seed);
        Dataset data = TestData.random(samples, inputs, outputs, loss, out, seed + 1);
        GradientCheck.Result r = GradientCheck.check(new ReferenceBackprop(net, loss), TestData.rows(data.x()), TestData.rows(data.y()),
                0.01, 50, seed);
        assertTrue(r.passed(), "worst relative error " + r.worst());
    }

    @Property(tries = 40)
    void aBatchsGradientDoesNotDependOnTheOrderOfItsSamples(@ForAll @IntRange(min = 1, max = 6) int inputs,
                                                           @ForAll @IntRange(min = 1, max = 8) int hidden,
                                                           @ForAll @IntRange(min = 2, max = 12) int samples, @ForAll("smooth") Activation f,
                                                           @ForAll long seed) {
        Network net = Network.create(new int[] {inputs, hidden, 3}, f, Activation.SOFTMAX, seed);
        Dataset data = TestData.random(samples, inputs, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, seed + 1);
        int[] order = new int[samples], shuffled = new int[samples];
        for (int i = 0; i < samples; i++) order[i] = i;
        Random r = new Random(seed);
        for (int i = 0; i < samples; i++) shuffled[i] = i;
        for (int i = samples - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        // the literal reference in double: the same sums up to the last bits
        ReferenceBackprop ref = new ReferenceBackprop(net, Loss.CROSS_ENTROPY);
        double[][] x = TestData.rows(data.x()), y = TestData.rows(data.y()), px = new double[samples][], py = new double[samples][];
        for (int i = 0; i < samples; i++) {
            px[i] = x[shuffled[i]];
            py[i] = y[shuffled[i]];
        }
        ReferenceBackprop.Gradients a = ref.gradients(x, y), b = ref.gradients(px, py);
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < a.dW()[l].length; i++) assertArrayEquals(a.dW()[l][i], b.dW()[l][i], 1e-12, "dW layer " + l);
            assertArrayEquals(a.db()[l], b.db()[l], 1e-12, "db layer " + l);
        }
        // the float32 engine: the same to float precision
        Backprop one = new Backprop(net.copy(), Loss.CROSS_ENTROPY, samples, Kernels.fast(1));
        Backprop two = new Backprop(net.copy(), Loss.CROSS_ENTROPY, samples, Kernels.fast(1));
        assertEquals(one.gradients(data.x(), data.y(), order, 0, samples), two.gradients(data.x(), data.y(), shuffled, 0, samples), 1e-5 * samples);
        for (int l = 0; l < 2; l++) {
            float[] g1 = one.weightGradient(l), g2 = two.weightGradient(l);
            for (int i = 0; i < g1.length; i++) assertEquals(g1[i], g2[i], 1e-5 * (1 + Math.abs(g1[i])), "engine dW layer " + l);
        }
    }

    @Property(tries = 60)
    void scalingInvertsAndSurvivesTheModelFileBitForBit(@ForAll @IntRange(min = 2, max = 30) int rows, @ForAll @IntRange(min = 1, max = 5) int cols,
                                                        @ForAll boolean standard, @ForAll long seed) {
        Random r = new Random(seed);
        Matrix x = new Matrix(rows, cols);
        for (int i = 0; i < x.data.length; i++) x.data[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
        Scaler s = Scaler.fit(standard ? "standard" : "minmax", x);
        Matrix scaled = s.transform(x);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double back = (double) scaled.get(i, j) * s.divide()[j] + s.shift()[j];    // x = x'·divide + shift
                assertEquals(x.get(i, j), back, 1e-5 * (Math.abs(x.get(i, j)) + s.divide()[j]), "row " + i + ", column " + j);
            }
        }
        Network net = Network.create(new int[] {cols, 2}, Activation.SIGMOID, Activation.SIGMOID, seed);
        Model back = ModelJson.parse(ModelJson.toJson(new Model(net, Loss.MSE, List.of(), s, 0)), "scaled.json");
        assertArrayEquals(s.shift(), back.scaler().shift());
        assertArrayEquals(s.divide(), back.scaler().divide());
        assertArrayEquals(s.transform(x).data, back.scaler().transform(x).data);
    }
}
