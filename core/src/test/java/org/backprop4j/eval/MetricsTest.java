package org.backprop4j.eval;

import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every metric against values worked out by hand on tiny examples. */
class MetricsTest {
    private static final double EXACT = 1e-12;

    @Test
    void precisionRecallF1AndMacroMeansFromAConfusionMatrix() {
        // true class in rows, predicted in columns
        int[][] confusion = {
                {5, 1, 0},   // class 0: 6 samples
                {2, 3, 1},   // class 1: 6 samples
                {0, 0, 4}};  // class 2: 4 samples
        ClassificationMetrics m = ClassificationMetrics.of(confusion);
        assertEquals(12.0 / 16, m.accuracy(), EXACT);
        // precision = diagonal / column sum: 5/7, 3/4, 4/5; recall = diagonal / row sum: 5/6, 3/6, 4/4
        assertArrayEquals(new double[] {5.0 / 7, 3.0 / 4, 4.0 / 5}, m.precision(), EXACT);
        assertArrayEquals(new double[] {5.0 / 6, 0.5, 1.0}, m.recall(), EXACT);
        double f0 = 2 * (5.0 / 7) * (5.0 / 6) / (5.0 / 7 + 5.0 / 6);   // = 10/13
        double f1 = 2 * 0.75 * 0.5 / 1.25;                              // = 0.6
        double f2 = 2 * 0.8 * 1.0 / 1.8;                                // = 8/9
        assertArrayEquals(new double[] {10.0 / 13, 0.6, 8.0 / 9}, m.f1(), EXACT);
        assertEquals(f0, m.f1()[0], EXACT);
        assertArrayEquals(new int[] {6, 6, 4}, m.support());
        assertEquals((5.0 / 7 + 0.75 + 0.8) / 3, m.macroPrecision(), EXACT);
        assertEquals((5.0 / 6 + 0.5 + 1.0) / 3, m.macroRecall(), EXACT);
        assertEquals((f0 + f1 + f2) / 3, m.macroF1(), EXACT);
    }

    @Test
    void aClassNeverPredictedScoresZeroAndAClassAbsentEverywhereIsLeftOutOfTheMacroMeans() {
        int[][] confusion = {
                {2, 0, 0},
                {1, 0, 0},   // class 1 is never predicted: precision 0/0 -> 0, recall 0
                {0, 0, 0}};  // class 2 occurs neither in truth nor in predictions
        ClassificationMetrics m = ClassificationMetrics.of(confusion);
        assertArrayEquals(new double[] {2.0 / 3, 0, 0}, m.precision(), EXACT);
        assertArrayEquals(new double[] {1, 0, 0}, m.recall(), EXACT);
        assertEquals((2.0 / 3 + 0) / 2, m.macroPrecision(), EXACT, "averaged over classes 0 and 1 only");
        assertEquals(0.5, m.macroRecall(), EXACT);
        assertEquals((0.8 + 0) / 2, m.macroF1(), EXACT);
    }

    @Test
    void logLossIsTheMeanNegativeLogOfTheTrueClassProbability() {
        Matrix p = Matrix.of(new float[][] {{0.5f, 0.25f, 0.25f}, {0.125f, 0.75f, 0.125f}, {0f, 0f, 1f}});
        double expected = -(Math.log(0.5) + Math.log(0.125) + Math.log(1 - 1e-15)) / 3;
        assertEquals(expected, Metrics.logLoss(p, new int[] {0, 0, 2}), 1e-12);
        // a zero probability for the true class is clipped to 1e-15, not infinite
        double clipped = Metrics.logLoss(Matrix.of(new float[][] {{0f, 1f}}), new int[] {0});
        assertEquals(-Math.log(1e-15 / (1e-15 + (1 - 1e-15))), clipped, 1e-9);
        assertTrue(clipped > 34 && clipped < 35);
    }

    @Test
    void logLossOfSigmoidOutputsNormalisesEachRowAndIsUndefinedForNonProbabilities() {
        Matrix sigmoid = Matrix.of(new float[][] {{0.5f, 0.5f, 1f}});   // sums to 2: p(class 2) = 0.5
        assertEquals(-Math.log(0.5), Metrics.logLoss(sigmoid, new int[] {2}), 1e-9);
        assertTrue(Double.isNaN(Metrics.logLoss(Matrix.of(new float[][] {{-0.5f, 1.5f}}), new int[] {1})));
    }

    @Test
    void regressionMseMaeAndR2() {
        // two outputs; output 0: y = 1,2,3 h = 1,2,4; output 1: y = 0,0,0 h = 0,1,0
        Matrix y = Matrix.of(new float[][] {{1, 0}, {2, 0}, {3, 0}});
        Matrix h = Matrix.of(new float[][] {{1, 0}, {2, 1}, {4, 0}});
        RegressionMetrics r = RegressionMetrics.of(h, y);
        assertEquals((0 + 0 + 1 + 0 + 1 + 0) / 6.0, r.mse(), EXACT, "mean over samples and outputs");
        assertEquals(2 / 6.0, r.mae(), EXACT);
        // output 0: SS_res = 1, SS_tot = 2 -> R² = 0.5; output 1: constant targets, not exact -> 0
        assertEquals((0.5 + 0) / 2, r.r2(), EXACT);
        assertEquals(1.0, RegressionMetrics.of(y, y).r2(), EXACT, "exact predictions of constant targets score 1");
    }

    @Test
    void metricsOfAModelOnData() {
        // one layer, identity output: h = x·2 + 1 (one input, one output)
        Network net = new Network(List.of(new Dense(Matrix.of(new float[][] {{2}}), new float[] {1}, Activation.IDENTITY)));
        Model m = new Model(net, Loss.MSE);
        Dataset data = new Dataset(Matrix.of(new float[][] {{0}, {1}, {2}}), Matrix.of(new float[][] {{1}, {3}, {4}}), List.of(), "t");
        Metrics metrics = Metrics.of(m, data, 0);
        // h = 1, 3, 5 against 1, 3, 4
        assertEquals(1 / 3.0, metrics.regression().mse(), EXACT);
        // ȳ = 8/3, SS_tot = 25/9 + 1/9 + 16/9 = 42/9, SS_res = 1
        assertEquals(1 - 1 / (42.0 / 9), metrics.regression().r2(), 1e-9);
        assertEquals(metrics.regression().mse() / 2, metrics.cost().dataCost(), EXACT, "E4's data term is half the MSE for one output");
        assertNull(metrics.classification());
        assertTrue(Double.isNaN(metrics.logLoss()));
    }

    @Test
    void forSoftmaxWithCrossEntropyTheLogLossIsTheDataCost() {
        Network net = Network.create(new int[] {3, 4, 3}, Activation.TANH, Activation.SOFTMAX, 5);
        Model m = new Model(net, Loss.CROSS_ENTROPY, List.of("a", "b", "c"), org.backprop4j.data.Scaler.NONE, 0);
        Dataset data = Dataset.classification(Matrix.of(new float[][] {{1, 2, 3}, {-1, 0, 1}, {0.5f, 0.5f, -2}, {3, -3, 0}}),
                new int[] {0, 2, 1, 1}, List.of("a", "b", "c"), "t");
        Metrics metrics = Metrics.of(m, data, 0);
        assertEquals(metrics.cost().dataCost(), metrics.logLoss(), 1e-6);
        assertEquals(metrics.cost().accuracy(), metrics.classification().accuracy(), EXACT);
        assertNull(metrics.regression());
    }
}
