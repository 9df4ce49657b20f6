package org.backprop4j.train;

import org.backprop4j.TestData;
import org.backprop4j.data.ClassWeights;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.reference.ReferenceBackprop;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Sample weights in E3's sum, J = (1/K) Σ w_i J_i: one step worked by hand, the engine's weighted gradient
 * against central differences of the weighted cost, and the seed's unweighted arithmetic left untouched.
 */
class SampleWeightsTest {
    /** The network, the two weighted samples and the one full-batch step of {@link #oneStepByHand}. */
    private static final Network HAND_NET =
            new Network(List.of(new Dense(Matrix.of(new float[][] {{0.5f}}), new float[] {0.1f}, Activation.IDENTITY)));
    private static final Dataset HAND_DATA =
            new Dataset(Matrix.of(new float[][] {{1}, {2}}), Matrix.of(new float[][] {{0}, {1}}), List.of(), "hand").withWeights(new float[] {2f, 0.5f});
    private static final TrainingConfig HAND_CONFIG =
            TrainingConfig.builder().loss(Loss.MSE).fullBatch().epochs(1).learningRate(0.1).shuffle(false).seed(1).build();

    /**
     * 1 input → 1 identity output, W = 0.5, b = 0.1, mse, full batch K = 2, alpha 0.1.
     * Sample 1: x = 1, y = 0, w = 2:   a = 0.6, δ = 0.6, weighted 1.2.
     * Sample 2: x = 2, y = 1, w = 0.5: a = 1.1, δ = 0.1, weighted 0.05.
     * ΔW = 1.2·1 + 0.05·2 = 1.3, Δb = 1.25; W ← 0.5 − 0.1·1.3/2 = 0.435, b ← 0.1 − 0.1·1.25/2 = 0.0375.
     * Data cost (1/K) Σ w_i ½(a − y)² = (2·0.18 + 0.5·0.005)/2 = 0.18125.
     */
    @Test
    void oneStepByHand() {
        TrainingResult r = new Trainer(HAND_CONFIG).fit(HAND_NET, HAND_DATA);
        assertEquals(0.435f, r.network().layer(0).weights().get(0, 0), 1e-6f);
        assertEquals(0.0375f, r.network().layer(0).bias()[0], 1e-6f);
        assertEquals(0.18125, r.history().get(0).dataCost(), 1e-6);
    }

    /**
     * The validation cost is weighed like the objective: the network of {@link #oneStepByHand} after its step
     * (W = 0.435, b = 0.0375) on the same two samples as validation data, weights 2 and 0.5:
     * a = 0.4725 and 0.9075, J = ½(a − y)² = 0.111628125 and 0.004278125,
     * (1/N) Σ w_i J_i = (2·0.111628125 + 0.5·0.004278125)/2 = 0.11269765625 (unweighted: 0.057953125).
     * Weights of 1 give the unweighted cost's bits.
     */
    @Test
    void validationCostIsWeighedLikeTheObjective() {
        Network net = HAND_NET;
        Dataset data = HAND_DATA;
        Trainer trainer = new Trainer(HAND_CONFIG);
        assertEquals(0.11269765625, trainer.fit(net, TrainingRecord.NONE, data, data).history().get(0).validationCost(), 1e-6);
        Dataset plain = data.withWeights(null), ones = data.withWeights(new float[] {1f, 1f});
        double unweighted = trainer.fit(net, TrainingRecord.NONE, data, plain).history().get(0).validationCost();
        assertEquals(0.057953125, unweighted, 1e-6);
        assertEquals(Double.doubleToLongBits(unweighted),
                Double.doubleToLongBits(trainer.fit(net, TrainingRecord.NONE, data, ones).history().get(0).validationCost()));
    }

    /** ΔW of the weighted batch equals ∂/∂W of Σ w_i J_i, by central differences on the double reference. */
    @Test
    void weightedGradientPassesTheGradientCheck() {
        for (Loss loss : List.of(Loss.MSE, Loss.CROSS_ENTROPY)) {
            Activation out = loss == Loss.MSE ? Activation.SIGMOID : Activation.SOFTMAX;
            Network net = Network.create(new int[] {4, 5, 3}, Activation.TANH, out, 7);
            Dataset data = TestData.random(6, 4, 3, loss, out, 11);
            float[] w = {0.5f, 2f, 0f, 1f, 3.25f, 0.75f};
            double[][] x = TestData.rows(data.x()), y = TestData.rows(data.y());

            Backprop engine = new Backprop(net.copy(), loss, 6, Kernels.fast());
            int[] order = {0, 1, 2, 3, 4, 5};
            double cost = engine.gradients(data.x(), data.y(), w, order, 0, 6);

            ReferenceBackprop ref = new ReferenceBackprop(net, loss);
            assertEquals(weightedCost(ref, x, y, w), cost, 1e-5 * Math.max(1, cost), "the weighted cost Σ w_i J_i");
            double h = 1e-6;
            for (int l = 0; l < ref.layers(); l++) {
                int cols = ref.W[l][0].length;
                for (int i = 0; i < ref.W[l].length; i++) {
                    for (int j = 0; j < cols; j++) {
                        double keep = ref.W[l][i][j];
                        ref.W[l][i][j] = keep + h;
                        double plus = weightedCost(ref, x, y, w);
                        ref.W[l][i][j] = keep - h;
                        double minus = weightedCost(ref, x, y, w);
                        ref.W[l][i][j] = keep;
                        double numeric = (plus - minus) / (2 * h);
                        float engineValue = engine.weightGradient(l)[i * cols + j];
                        assertEquals(numeric, engineValue, 1e-4 * Math.max(1, Math.abs(numeric)), loss + " dW" + l + "[" + i + "][" + j + "]");
                    }
                    double keep = ref.b[l][i];
                    ref.b[l][i] = keep + h;
                    double plus = weightedCost(ref, x, y, w);
                    ref.b[l][i] = keep - h;
                    double minus = weightedCost(ref, x, y, w);
                    ref.b[l][i] = keep;
                    assertEquals((plus - minus) / (2 * h), engine.biasGradient(l)[i], 1e-4 * Math.max(1, Math.abs(plus - minus) / (2 * h)),
                            loss + " db" + l + "[" + i + "]");
                }
            }
        }
    }

    private static double weightedCost(ReferenceBackprop ref, double[][] x, double[][] y, float[] w) {
        double s = 0;
        for (int k = 0; k < x.length; k++) s += w[k] * ref.cost(x[k], y[k]);   // E3, weighted
        return s;
    }

    /** Weights of 1 change no weight bit against the seed's unweighted sum (which multiplies nothing). */
    @Test
    void unitWeightsGiveTheUnweightedNetworkBitForBit() {
        Dataset data = TestData.random(40, 5, 3, Loss.MSE, Activation.SIGMOID, 2);
        float[] ones = new float[40];
        Arrays.fill(ones, 1f);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.MSE).batchSize(10).epochs(3).learningRate(3.0).seed(1).build();
        Network start = Network.create(new int[] {5, 8, 3}, Activation.SIGMOID, Activation.SIGMOID, 1);
        Network plain = new Trainer(config).train(start, data);
        Network weighted = new Trainer(config).train(start, data.withWeights(ones));
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(plain.layer(l).weights().data, weighted.layer(l).weights().data);
            assertArrayEquals(plain.layer(l).bias(), weighted.layer(l).bias());
        }
    }

    /** scikit-learn's balanced rule by hand: 3 of class a, 1 of class b, N = 4, C = 2: w_a = 4/6, w_b = 4/2. */
    @Test
    void balancedClassWeights() {
        Dataset data = Dataset.classification(new Matrix(4, 1), new int[] {0, 0, 1, 0}, List.of("a", "b"), "four");
        double[] w = ClassWeights.balanced(data);
        assertArrayEquals(new double[] {4.0 / 6, 2.0}, w, 1e-12);
        assertArrayEquals(new float[] {4f / 6, 4f / 6, 2f, 4f / 6}, ClassWeights.perSample(data, w), 1e-7f);
        assertArrayEquals(new double[] {1, 2.5}, ClassWeights.parse("b=2.5, a=1", List.of("a", "b")), 0);
        assertArrayEquals(new double[] {1, 2.5}, ClassWeights.parse("1,2.5", List.of("a", "b")), 0);
        assertEquals("'c' is not one of the classes [a, b]",
                assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("c=1,a=2", List.of("a", "b"))).getMessage());
        assertEquals("no weight for class 'b'",
                assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("a=1", List.of("a", "b"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,-2", List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> data.withWeights(new float[] {1, 1, Float.NaN, 1}));
    }

    /** A subset (the validation split, a fold) keeps each sample's weight. */
    @Test
    void subsetsKeepTheirWeights() {
        Dataset data = TestData.random(5, 2, 2, Loss.MSE, Activation.SIGMOID, 3).withWeights(new float[] {1, 2, 3, 4, 5});
        assertArrayEquals(new float[] {4, 1}, data.subset(new int[] {3, 0}).weights());
    }
}
