package org.backprop4j.reference;

import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One step of the seed's 3-4-2 network (figure 1 of the derivation), sigmoid everywhere, mse, one
 * sample (K = 1), alpha = 0.5, lambda = 0.01, written out by hand. The expected numbers were
 * computed with the formulas below in plain double arithmetic, independently of this code.
 *
 * <pre>
 * x = (0.5, −0.2, 0.1), y = (1, 0)
 * E1  z2 = W1 x + b1 = (0.1, −0.25, 0.17, 0.07)
 * E2  a2 = σ(z2)     = (0.524979, 0.437823, 0.542398, 0.517493)
 * E1  z3 = W2 a2 + b2 = (0.381166, −0.007462)
 * E2  a3 = σ(z3)      = (0.594154, 0.498135)
 * E3  J = ½‖a3 − y‖²  = 0.206424
 * E6  δ3 = (a3 − y) ⊙ a3(1 − a3) = (−0.097864, 0.124532)
 * E7  δ2 = (W2ᵀ δ3) ⊙ a2(1 − a2)  = (−0.010427, 0.010948, 0.006844, −0.019103)
 * E11 W := W − α(δ aᵀ + λW);  E12 b := b − α δ
 * </pre>
 */
class HandWorkedStepTest {
    static final double[] X = {0.5, -0.2, 0.1};
    static final double[] Y = {1.0, 0.0};
    static final float[][] W1 = {{0.1f, 0.2f, -0.1f}, {-0.3f, 0.1f, 0.2f}, {0.2f, -0.2f, 0.3f}, {0.0f, 0.4f, -0.5f}};
    static final float[] B1 = {0.1f, -0.1f, 0.0f, 0.2f};
    static final float[][] W2 = {{0.3f, -0.2f, 0.1f, 0.4f}, {-0.1f, 0.2f, 0.3f, -0.3f}};
    static final float[] B2 = {0.05f, -0.05f};

    static final double[] Z2 = {0.1, -0.24999999999999997, 0.17, 0.07};
    static final double[] A2 = {0.52497918747894, 0.43782349911420193, 0.542397940774351, 0.5174928576663897};
    static final double[] Z3 = {0.38116599356483266, -0.007461693992665233};
    static final double[] A3 = {0.5941542955942124, 0.4981345851568651};
    static final double J = 0.20642440035701598;
    static final double[] D3 = {-0.09786359119692123, 0.12453191289416712};
    static final double[] D2 = {-0.010426977987042606, 0.010947822680885167, 0.006843738479375358, -0.019102842048283875};
    static final double[][] W1_AFTER = {
            {0.10210674449676066, 0.19795730220129576, -0.09897865110064788},
            {-0.3012369556702213, 0.10059478226808852, 0.19845260886595575},
            {0.19728906538015617, -0.19831562615206247, 0.29815781307603123},
            {0.004775710512070969, 0.39608971579517166, -0.4965448578975858}};
    static final double[] B1_AFTER = {0.10521348899352131, -0.1054739113404426, -0.003421869239687679, 0.20955142102414195};
    static final double[][] W2_AFTER = {
            {0.32418817429516544, -0.17757651003314107, 0.1260405051709965, 0.42332185473499506},
            {-0.13218833122318902, 0.17173850107264538, 0.2647270734427564, -0.33072218773713224}};
    static final double[] B2_AFTER = {0.09893179559846062, -0.11226595644708356};

    /** The network with the float32 values above, widened exactly to double by the reference. */
    static Network seedNetwork() {
        return new Network(List.of(new Dense(Matrix.of(W1), B1.clone(), Activation.SIGMOID),
                new Dense(Matrix.of(W2), B2.clone(), Activation.SIGMOID)));
    }

    @Test
    void referenceFollowsTheHandWorkedStep() {
        ReferenceBackprop ref = new ReferenceBackprop(seedNetwork(), Loss.MSE);
        ReferenceBackprop.Pass p = ref.forward(X);
        // The hand computation used the decimal weights; the network holds their float32 roundings,
        // which differ by up to 1e-8 relative, so compare to 1e-7.
        assertArrayEquals(Z2, p.z()[1], 1e-7);
        assertArrayEquals(A2, p.a()[1], 1e-7);
        assertArrayEquals(Z3, p.z()[2], 1e-7);
        assertArrayEquals(A3, p.a()[2], 1e-7);
        assertEquals(J, ref.cost(X, Y), 1e-7);
        double[][] delta = ref.deltas(p, Y);
        assertArrayEquals(D3, delta[2], 1e-7);
        assertArrayEquals(D2, delta[1], 1e-7);

        ref.step(new double[][] {X}, new double[][] {Y}, 0.5, 0.01);
        for (int i = 0; i < 4; i++) assertArrayEquals(W1_AFTER[i], ref.W[0][i], 1e-7);
        assertArrayEquals(B1_AFTER, ref.b[0], 1e-7);
        for (int i = 0; i < 2; i++) assertArrayEquals(W2_AFTER[i], ref.W[1][i], 1e-7);
        assertArrayEquals(B2_AFTER, ref.b[1], 1e-7);
    }

    @Test
    void fastEngineFollowsTheHandWorkedStep() {
        Dataset one = new Dataset(Matrix.of(new float[][] {{0.5f, -0.2f, 0.1f}}), Matrix.of(new float[][] {{1f, 0f}}),
                List.of(), "hand");
        TrainingConfig config = TrainingConfig.builder().loss(Loss.MSE).batchSize(1).epochs(1)
                .learningRate(0.5).l2(0.01).shuffle(false).build();
        Network after = new Trainer(config).train(seedNetwork(), one);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) assertEquals(W1_AFTER[i][j], after.layer(0).weights().get(i, j), 1e-6);
            assertEquals(B1_AFTER[i], after.layer(0).bias()[i], 1e-6);
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) assertEquals(W2_AFTER[i][j], after.layer(1).weights().get(i, j), 1e-6);
            assertEquals(B2_AFTER[i], after.layer(1).bias()[i], 1e-6);
        }
    }
}
