package org.backprop4j.train;

import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's guard against divergence: a deliberately exploding learning rate stops training
 * with a clear message, and the network handed back is exactly the one of the last good epoch.
 * Data: linear regression y = x1 + x2 with x uniform in [-1, 1]², network 2-1 identity, so that
 * full-batch gradient descent multiplies the error by about |1 − α/3| per step (E[x²] = 1/3).
 */
class DivergenceTest {
    private static Dataset line(int n) {
        Random r = new Random(4);
        Matrix x = new Matrix(n, 2), y = new Matrix(n, 1);
        for (int i = 0; i < n; i++) {
            x.set(i, 0, (float) (2 * r.nextDouble() - 1));
            x.set(i, 1, (float) (2 * r.nextDouble() - 1));
            y.set(i, 0, x.get(i, 0) + x.get(i, 1));
        }
        return new Dataset(x, y, List.of(), "line");
    }

    private static Network start() {
        return Network.create(new int[] {2, 1}, Activation.IDENTITY, Activation.IDENTITY, 1);
    }

    private static TrainingConfig.Builder fullBatch(double alpha, int epochs) {
        return TrainingConfig.builder().loss(Loss.MSE).fullBatch().learningRate(alpha).epochs(epochs).threads(1);
    }

    @Test
    void aCostThatExplodesStopsTrainingAndKeepsTheLastGoodEpoch() {
        Dataset data = line(200);
        List<EpochStats> seen = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            @Override public void onEpoch(EpochStats s) {
                seen.add(s);
            }
        };
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(fullBatch(33, 20).build(), record).train(start(), data));
        assertTrue(e.getMessage().contains("exploded"), e.getMessage());
        assertTrue(e.getMessage().contains("try a smaller learning rate (now 33.0)"), e.getMessage());
        // Full batch: epoch e's cost is J of the weights at the end of epoch e - 1. The failing epoch
        // (seen.size() + 1) condemns the weights of the last reported epoch; the ones before are good.
        assertEquals(seen.size() - 1, e.lastGoodEpoch(), "the last good epoch");
        assertTrue(e.lastGoodEpoch() >= 1 && e.lastGoodEpoch() < 20, "last good epoch " + e.lastGoodEpoch());
        assertTrue(seen.get(seen.size() - 1).cost() < Trainer.EXPLOSION * seen.get(0).cost());

        // the last good network is bit for bit the one that training for that many epochs gives
        Network expected = new Trainer(fullBatch(33, e.lastGoodEpoch()).build()).train(start(), data);
        assertArrayEquals(expected.layer(0).weights().data, e.lastGood().layer(0).weights().data);
        assertArrayEquals(expected.layer(0).bias(), e.lastGood().layer(0).bias());
    }

    @Test
    void aNonFiniteBatchCostStopsTrainingAtOnce() {
        Dataset data = line(50);
        int[] stepsSeen = {0};
        TrainingListener count = new TrainingListener() {
            @Override public void onStep(int epoch, int done, int total) {
                stepsSeen[0]++;
            }
        };
        TrainingConfig sgd = TrainingConfig.builder().loss(Loss.MSE).batchSize(1).learningRate(1e30).epochs(5).threads(1).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new Trainer(sgd, count).train(start(), data));
        assertTrue(e.getMessage().matches("training diverged in epoch 1, step \\d+: the cost of a batch became (Infinity|NaN); .*"),
                e.getMessage());
        assertTrue(stepsSeen[0] < 50, "stopped within the first epoch, after " + stepsSeen[0] + " steps");
        assertEquals(0, e.lastGoodEpoch());
        assertEquals(null, e.lastGood(), "no epoch's weights were confirmed");
    }

    @Test
    void weightsThatOverflowAreCaughtAtTheEpochsEndEvenWithoutL2() {
        // one full-batch step with α = 1e200 leaves weights whose squares overflow: ΣW² = ∞ and 0·∞ = NaN
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(fullBatch(1e200, 3).build()).train(start(), line(20)));
        assertTrue(e.getMessage().startsWith("training diverged in epoch 1: the cost became NaN"), e.getMessage());
    }

    @Test
    void aGentleRateTrainsToTheEnd() {
        Network net = new Trainer(fullBatch(1.0, 50).build()).train(start(), line(200));
        assertEquals(1.0, net.layer(0).weights().get(0, 0), 0.05);
    }
}
