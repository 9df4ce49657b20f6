package org.backprop4j.train;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Continuing from a saved model: 2 epochs, save (model file round trip), 2 more epochs from the
 * file equals 4 epochs in one run, bit for bit — with shuffling and dropout on, and the optimizer's
 * state carried over.
 */
class ContinueTrainingTest {
    private final Dataset data = TestData.random(45, 5, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 1);
    private final Network start = Network.create(new int[] {5, 8, 6, 3}, Activation.RELU, Activation.SOFTMAX, 2);

    static Stream<UpdateRule> rules() {
        return Stream.of(UpdateRule.sgd(), UpdateRule.momentum(0.9), UpdateRule.nesterov(0.8), UpdateRule.adagrad(1e-10),
                UpdateRule.rmsprop(0.9, 1e-8), UpdateRule.adam(0.9, 0.999, 1e-8), UpdateRule.adamw(0.9, 0.999, 1e-8, 0.01));
    }

    private TrainingConfig config(UpdateRule rule, int epochs) {
        return TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(epochs).learningRate(0.01)
                .updateRule(rule).schedule(LearningRateSchedule.exponential(0.9)).dropout(0.2, 0.1).seed(3).build();
    }

    @ParameterizedTest
    @MethodSource("rules")
    void twoAndTwoMoreFromTheFileIsFourInOneRun(UpdateRule rule) {
        TrainingResult four = new Trainer(config(rule, 4)).fit(start, data);
        TrainingResult two = new Trainer(config(rule, 2)).fit(start, data);

        String json = ModelJson.toJson(new ModelFile(new Model(two.network(), Loss.CROSS_ENTROPY), two.record()));
        ModelFile saved = ModelJson.parseFile(json, "two.json");
        assertEquals(2, saved.training().stoppedEpoch());
        assertEquals(rule.id(), saved.training().optimizer().rule());
        TrainingResult more = new Trainer(config(rule, 2)).fit(saved.model().network(), saved.training(), data, null);

        assertEquals(List.of(3, 4), more.history().stream().map(EpochStats::epoch).toList(), "epochs are counted on");
        assertEquals(4, more.stoppedEpoch());
        assertEquals(four.history().get(3).learningRate(), more.history().get(1).learningRate(), "the schedule goes on");
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(four.network().layer(l).weights().data, more.network().layer(l).weights().data, rule.id() + " layer " + l);
            assertArrayEquals(four.network().layer(l).bias(), more.network().layer(l).bias());
        }
        assertEquals(four.optimizerState().step(), more.optimizerState().step());
    }

    @Test
    void anotherRulesStateIsNotTakenOver() {
        UpdateRule adam = UpdateRule.adam(0.9, 0.999, 1e-8), momentum = UpdateRule.momentum(0.9);
        TrainingResult two = new Trainer(config(adam, 2)).fit(start, data);
        TrainingResult withAdamState = new Trainer(config(momentum, 2)).fit(two.network(), two.record(), data, null);
        TrainingResult withoutState = new Trainer(config(momentum, 2))
                .fit(two.network(), new TrainingRecord(2, 2, null), data, null);
        assertArrayEquals(withoutState.network().layer(0).weights().data, withAdamState.network().layer(0).weights().data);
        assertEquals(momentum.id(), withAdamState.optimizerState().rule());
        // and the state does matter: continuing Adam from a fresh state differs from continuing it with its own
        TrainingResult adamFresh = new Trainer(config(adam, 2)).fit(two.network(), new TrainingRecord(2, 2, null), data, null);
        TrainingResult adamOwn = new Trainer(config(adam, 2)).fit(two.network(), two.record(), data, null);
        assertFalse(java.util.Arrays.equals(adamFresh.network().layer(0).weights().data, adamOwn.network().layer(0).weights().data));
    }
}
