package org.backprop4j.nn;

import org.backprop4j.math.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Weight initialisation: the default's exact draws, each rule's mean and variance, determinism per seed. */
class InitTest {

    /** The default stays the seed project's rule, draw for draw: weights row by row, then biases, U(±1/√fan-in). */
    @Test
    void defaultIsUnchangedBitForBit() {
        Network net = Network.create(new int[] {3, 4, 2}, Activation.SIGMOID, Activation.SIGMOID, 42);
        Random r = new Random(42);
        for (int l = 0; l < 2; l++) {
            Dense d = net.layer(l);
            double bound = 1.0 / Math.sqrt(d.inputs());
            for (float w : d.weights().data) assertEquals((float) ((2 * r.nextDouble() - 1) * bound), w);
            for (float b : d.bias()) assertEquals((float) ((2 * r.nextDouble() - 1) * bound), b);
        }
    }

    /** Expected variance of W for a layer of fan-in 400 and fan-out 600. */
    private static double variance(Init init) {
        double in = 400, out = 600;
        return switch (init) {
            case DEFAULT -> 1 / (3 * in);              // U(±1/√in): bound²/3
            case XAVIER_UNIFORM, XAVIER_NORMAL -> 2 / (in + out);
            case HE_UNIFORM, HE_NORMAL -> 2 / in;
            case LECUN_UNIFORM, LECUN_NORMAL -> 1 / in;
        };
    }

    @ParameterizedTest
    @EnumSource(Init.class)
    void meanAndVarianceOnABigLayer(Init init) {
        Matrix w = new Matrix(600, 400);
        float[] b = new float[600];
        init.fill(w, b, new Random(7));
        double sum = 0, squares = 0, largest = 0;
        for (float v : w.data) {
            sum += v;
            squares += (double) v * v;
            largest = Math.max(largest, Math.abs(v));
        }
        int n = w.data.length;                              // 240,000 draws: the sample variance is within ~1% of the truth
        double mean = sum / n, var = squares / n - mean * mean, expected = variance(init);
        assertEquals(0, mean, 0.01 * Math.sqrt(expected), init + ": mean");
        assertEquals(expected, var, 0.02 * expected, init + ": variance");
        if (init.id().endsWith("uniform") || init == Init.DEFAULT) {
            assertTrue(largest <= Math.sqrt(3 * expected) * (1 + 1e-6), init + ": uniform draws stay within the bound");
        } else {
            assertTrue(largest > Math.sqrt(3 * expected), init + ": normal draws go past the uniform bound");
        }
        if (init != Init.DEFAULT) {
            for (float v : b) assertEquals(0f, v, init + ": biases start at 0");
        }
    }

    @ParameterizedTest
    @EnumSource(Init.class)
    void sameSeedSameWeightsOtherSeedOthers(Init init) {
        Network a = Network.create(new int[] {6, 5, 3}, Activation.RELU, Activation.SOFTMAX, init, 11);
        Network b = Network.create(new int[] {6, 5, 3}, Activation.RELU, Activation.SOFTMAX, init, 11);
        Network c = Network.create(new int[] {6, 5, 3}, Activation.RELU, Activation.SOFTMAX, init, 12);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(a.layer(l).weights().data, b.layer(l).weights().data);
            assertFalse(java.util.Arrays.equals(a.layer(l).weights().data, c.layer(l).weights().data));
        }
    }

    @Test
    void namesRoundTrip() {
        for (Init i : Init.values()) assertSame(i, Init.of(i.id()));
        assertEquals("he-normal", Init.HE_NORMAL.id());
    }
}
