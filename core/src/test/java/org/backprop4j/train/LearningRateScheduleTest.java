package org.backprop4j.train;

import org.backprop4j.ParameterException;
import org.backprop4j.TestData;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each schedule's learning rate at given epochs, and what the trainer uses per epoch. */
class LearningRateScheduleTest {

    @Test
    void constantIsAlpha0() {
        LearningRateSchedule.Run r = LearningRateSchedule.constant().start(0.3, 50);
        assertEquals(0.3, r.rate(1));
        assertEquals(0.3, r.rate(50));
    }

    @Test
    void stepHalvesEveryTenEpochs() {
        LearningRateSchedule.Run r = LearningRateSchedule.step(10, 0.5).start(0.8, 100);
        assertEquals(0.8, r.rate(1));
        assertEquals(0.8, r.rate(10));
        assertEquals(0.4, r.rate(11));
        assertEquals(0.4, r.rate(20));
        assertEquals(0.2, r.rate(21));
        assertEquals(0.8 / 1024, r.rate(101), 1e-18);
    }

    @Test
    void exponential() {
        LearningRateSchedule.Run r = LearningRateSchedule.exponential(0.9).start(1.0, 10);
        assertEquals(1.0, r.rate(1));
        assertEquals(0.9, r.rate(2), 1e-15);
        assertEquals(0.81, r.rate(3), 1e-15);
        assertEquals(Math.pow(0.9, 9), r.rate(10), 1e-15);
    }

    @Test
    void inverseScaling() {
        LearningRateSchedule.Run r = LearningRateSchedule.inverseScaling(0.5).start(0.1, 100);
        assertEquals(0.1, r.rate(1));
        assertEquals(0.05, r.rate(4), 1e-15);
        assertEquals(0.01, r.rate(100), 1e-15);
    }

    @Test
    void cosineFromAlpha0DownToTheMinimum() {
        LearningRateSchedule.Run r = LearningRateSchedule.cosine(0.01).start(0.11, 10);
        assertEquals(0.11, r.rate(1), 1e-15);
        assertEquals(0.06, r.rate(6), 1e-15);                                    // half way: the mean of the two
        assertEquals(0.01 + 0.1 * (1 + Math.cos(Math.PI * 0.9)) / 2, r.rate(10), 1e-15);
        assertEquals(0.01, r.rate(11), 1e-15);                                   // epoch T+1 would reach the floor
    }

    @Test
    void plateauReducesAfterPatienceEpochsWithoutImprovement() {
        LearningRateSchedule.Run r = LearningRateSchedule.plateau(0.5, 2, 0.3).start(1.0, 100);
        double[] costs = {5, 4, 4.2, 3.9, 3.95, 3.9, 3.89999, 3.9, 3.9, 3.9, 3.9};
        double[] rates = {1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.3, 0.3, 0.3};
        for (int t = 1; t <= costs.length; t++) {
            assertEquals(rates[t - 1], r.rate(t), 1e-15, "epoch " + t);
            r.observe(costs[t - 1]);
        }
        // epochs 5 and 6 do not improve on 3.9 → reduced for epoch 7; 3.89999 is within 1e-4 relative: no
        // improvement either, with 8 → 0.25, floored at 0.3
    }

    @Test
    void theTrainerUsesTheScheduleOfEachEpoch() {
        TrainingConfig config = TrainingConfig.builder().epochs(5).learningRate(0.8)
                .schedule(LearningRateSchedule.step(2, 0.5)).build();
        TrainingResult result = new Trainer(config).fit(Network.create(new int[] {3, 4, 2}, Activation.SIGMOID, Activation.SIGMOID, 1),
                TestData.random(20, 3, 2, Loss.MSE, Activation.SIGMOID, 2));
        double[] expected = {0.8, 0.8, 0.4, 0.4, 0.2};
        for (int e = 0; e < 5; e++) assertEquals(expected[e], result.history().get(e).learningRate(), 1e-15);
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() {
        assertEquals("stepEvery", assertThrows(ParameterException.class, () -> LearningRateSchedule.step(0, 0.5)).parameter());
        assertEquals("gamma", assertThrows(ParameterException.class, () -> LearningRateSchedule.exponential(1.5)).parameter());
        assertEquals("plateauFactor", assertThrows(ParameterException.class, () -> LearningRateSchedule.plateau(1, 3, 0)).parameter());
        ParameterException floor = assertThrows(ParameterException.class, () -> TrainingConfig.builder().learningRate(0.1)
                .schedule(LearningRateSchedule.cosine(0.2)).build());
        assertEquals("minRate", floor.parameter());
        assertEquals("minRate 0.2 must be below the learning rate 0.1", floor.getMessage(), "the library's words, no flag");
    }
}
