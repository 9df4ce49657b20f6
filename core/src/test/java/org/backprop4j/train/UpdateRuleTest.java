package org.backprop4j.train;

import org.backprop4j.ParameterException;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each update rule's first steps against values worked out by hand from its equation, on one
 * parameter with given gradients; then the gradient g the trainer hands to every rule (L2, L1,
 * clipping) on a one-weight network whose gradient is known in closed form.
 */
class UpdateRuleTest {

    /** Steps a single parameter w0 with gradients g1, g2, …; returns w after each step. */
    private static float[] steps(UpdateRule rule, float w0, float alpha, boolean weight, float... gradients) {
        float[] w = {w0};
        float[][] state = new float[rule.state().size()][1];
        float[] after = new float[gradients.length];
        for (int t = 0; t < gradients.length; t++) {
            rule.update(1, w, new float[] {gradients[t]}, state, alpha, t + 1, weight);
            after[t] = w[0];
        }
        return after;
    }

    @Test
    void sgdIsTheSeedsStep() {
        // w := w − α g: 1 − 0.1·0.5 = 0.95; 0.95 − 0.1·(−0.2) = 0.97
        float[] w = steps(UpdateRule.sgd(), 1f, 0.1f, true, 0.5f, -0.2f);
        assertEquals(0.95f, w[0], 1e-7);
        assertEquals(0.97f, w[1], 1e-7);
    }

    @Test
    void adamFirstStepsByHand() {
        // α = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8, w0 = 1, g1 = 0.5, g2 = −0.2.
        // t = 1: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025, m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25,
        //        w = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.900000002
        // t = 2: m = 0.9·0.05 − 0.1·0.2 = 0.025, v = 0.999·0.00025 + 0.001·0.04 = 0.00028975,
        //        m̂ = 0.025/(1 − 0.81) = 0.1315789474, v̂ = 0.00028975/(1 − 0.998001) = 0.1449474737, √v̂ = 0.3807197841,
        //        w = 0.9 − 0.1·0.1315789474/0.3807197841 = 0.8654396556
        float[] w = steps(UpdateRule.adam(0.9, 0.999, 1e-8), 1f, 0.1f, true, 0.5f, -0.2f);
        assertEquals(0.900000002, w[0], 1e-7);
        assertEquals(0.8654396556, w[1], 1e-6);
    }

    @Test
    void adamWDecaysWeightsOnlyAndSeparatelyFromTheGradient() {
        UpdateRule adamw = UpdateRule.adamw(0.9, 0.999, 1e-8, 0.5);
        assertEquals("adamw", adamw.id());
        // g = 0: Adam's step is 0; the weight shrinks by α·decay·w = 0.1·0.5·2 = 0.1; a bias does not
        assertEquals(1.9f, steps(adamw, 2f, 0.1f, true, 0f)[0], 1e-6);
        assertEquals(2f, steps(adamw, 2f, 0.1f, false, 0f)[0]);
        // with a gradient: both at once, w = 2 − 0.1·0.5·2 − 0.1·sign(g) (Adam's first step is α·g/|g|)
        assertEquals(1.8f, steps(adamw, 2f, 0.1f, true, 3f)[0], 1e-6);
        assertEquals("adam", UpdateRule.adam(0.9, 0.999, 1e-8).id());
    }

    @Test
    void momentumByHand() {
        // μ = 0.9: v1 = 0.5, w1 = 1 − 0.1·0.5 = 0.95; v2 = 0.45 − 0.2 = 0.25, w2 = 0.95 − 0.025 = 0.925
        float[] w = steps(UpdateRule.momentum(0.9), 1f, 0.1f, true, 0.5f, -0.2f);
        assertEquals(0.95f, w[0], 1e-7);
        assertEquals(0.925f, w[1], 1e-7);
    }

    @Test
    void nesterovByHand() {
        // μ = 0.9: v1 = 0.5, w1 = 1 − 0.1·(0.5 + 0.45) = 0.905; v2 = 0.25, w2 = 0.905 − 0.1·(−0.2 + 0.225) = 0.9025
        float[] w = steps(UpdateRule.nesterov(0.9), 1f, 0.1f, true, 0.5f, -0.2f);
        assertEquals(0.905f, w[0], 1e-7);
        assertEquals(0.9025f, w[1], 1e-7);
    }

    @Test
    void adagradByHand() {
        // G1 = 0.25, w1 = 1 − 0.1·0.5/0.5 = 0.9; G2 = 0.29, w2 = 0.9 + 0.1·0.2/√0.29 = 0.9371390676
        float[] w = steps(UpdateRule.adagrad(1e-10), 1f, 0.1f, true, 0.5f, -0.2f);
        assertEquals(0.9f, w[0], 1e-7);
        assertEquals(0.9371390676, w[1], 1e-6);
    }

    @Test
    void rmspropByHand() {
        // ρ = 0.9: r1 = 0.1·0.25 = 0.025, w1 = 1 − 0.1·0.5/√0.025 = 0.6837722340;
        // r2 = 0.0225 + 0.1·0.04 = 0.0265, w2 = w1 + 0.1·0.2/√0.0265 = 0.8066314160
        float[] w = steps(UpdateRule.rmsprop(0.9, 1e-8), 1f, 0.1f, true, 0.5f, -0.2f);
        assertEquals(0.6837722340, w[0], 1e-6);
        assertEquals(0.8066314160, w[1], 1e-6);
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() {
        assertEquals("momentum", assertThrows(ParameterException.class, () -> UpdateRule.momentum(1.0)).parameter());
        assertEquals("beta2", assertThrows(ParameterException.class, () -> UpdateRule.adam(0.9, -0.1, 1e-8)).parameter());
        assertEquals("epsilon", assertThrows(ParameterException.class, () -> UpdateRule.rmsprop(0.9, 0)).parameter());
        assertEquals("weightDecay", assertThrows(ParameterException.class, () -> UpdateRule.adamw(0.9, 0.999, 1e-8, 0)).parameter());
    }

    // ------------------------------------------------------------------ g as the trainer forms it

    /** One identity unit a = w x + b, one sample (x, y), mse: ΔW = (a − y) x and Δb = a − y. */
    private static Network unit(float w, float b) {
        return new Network(List.of(new Dense(Matrix.of(new float[][] {{w}}), new float[] {b}, Activation.IDENTITY)));
    }

    private static Dataset sample(float x, float y) {
        return new Dataset(Matrix.of(new float[][] {{x}}), Matrix.of(new float[][] {{y}}), List.of(), "one sample");
    }

    private static Network oneStep(UpdateRule rule, Network start, Dataset data, double l2, double l1, double clip) {
        TrainingConfig.Builder b = TrainingConfig.builder().updateRule(rule).fullBatch().epochs(1).learningRate(0.1)
                .l2(l2).l1(l1).shuffle(false);
        if (clip > 0) b.clipNorm(clip);
        return new Trainer(b.build()).train(start, data);
    }

    @Test
    void l2AndL1EnterTheGradientOfEveryRuleOnWeightsOnly() {
        // x = 0 and b = y: the data gradient is 0, so g_W = λw + l1·sign(w) = 0.1·2 + 0.3 = 0.5 and g_b = 0.
        for (UpdateRule rule : List.of(UpdateRule.sgd(), UpdateRule.momentum(0.9), UpdateRule.adam(0.9, 0.999, 1e-8))) {
            Network after = oneStep(rule, unit(2f, 0.7f), sample(0f, 0.7f), 0.1, 0.3, 0);
            float expected = steps(rule, 2f, 0.1f, true, 0.5f)[0];
            assertEquals(expected, after.layer(0).weights().data[0], 1e-6, rule.id());
            assertEquals(0.7f, after.layer(0).bias()[0], rule.id() + ": no L1 or L2 on biases");
        }
    }

    @Test
    void clippingScalesTheWholeGradientToTheNorm() {
        // w = 3, b = 0, x = 1, y = 0: a = 3, g = (3, 3), ‖g‖ = √18. Clipped to 1: g = (3, 3)/√18.
        Network clipped = oneStep(UpdateRule.sgd(), unit(3f, 0f), sample(1f, 0f), 0, 0, 1.0);
        double step = 0.1 * 3 / Math.sqrt(18);
        assertEquals(3 - step, clipped.layer(0).weights().data[0], 1e-6);
        assertEquals(-step, clipped.layer(0).bias()[0], 1e-6);
        // a threshold above the norm changes nothing
        Network loose = oneStep(UpdateRule.sgd(), unit(3f, 0f), sample(1f, 0f), 0, 0, 10.0);
        assertEquals(3 - 0.3f, loose.layer(0).weights().data[0], 1e-6);
    }

    @Test
    void adamsFirstStepThroughTheTrainerMovesEachParameterByAlpha() {
        // m̂/√v̂ = g/|g| on the first step: every parameter moves by α against its gradient's sign
        Network after = oneStep(UpdateRule.adam(0.9, 0.999, 1e-8), unit(3f, 0f), sample(1f, 0f), 0, 0, 0);
        assertEquals(2.9f, after.layer(0).weights().data[0], 1e-6);
        assertEquals(-0.1f, after.layer(0).bias()[0], 1e-6);
    }
}
