package org.backprop4j.train;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation data, the validation split, and early stopping with its best weights. */
class EarlyStoppingTest {
    /** Random targets: a big network learns the training noise, and the cost on other noise soon rises. */
    private final Dataset training = TestData.random(40, 4, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 1);
    private final Dataset validation = TestData.random(40, 4, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 2);
    // ReLU and softmax: computed the same way whatever the kernels and the JIT do, so runs compare bit for bit
    private final Network start = Network.create(new int[] {4, 30, 3}, Activation.RELU, Activation.SOFTMAX, 3);

    private TrainingConfig.Builder config() {
        return TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(8).epochs(300).learningRate(0.5).seed(4);
    }

    @Test
    void restoresTheBestEpochsWeightsAndRecordsWhereItStopped() {
        TrainingResult result = new Trainer(config().earlyStopping(5, 0).build()).fit(start, TrainingRecord.NONE, training, validation);
        int best = result.bestEpoch(), stopped = result.stoppedEpoch();
        assertTrue(stopped < 300, "the validation cost rises on noise, so training stops early; stopped at " + stopped);
        assertEquals(best + 5, stopped, "stops after 5 epochs without improvement");
        assertEquals(stopped, result.history().size());
        double lowest = result.history().stream().mapToDouble(EpochStats::validationCost).min().orElseThrow();
        assertEquals(lowest, result.history().get(best - 1).validationCost(), "the best epoch has the lowest validation cost");

        // the weights handed back are those at the end of the best epoch: the same run cut there gives them bit for bit
        Network cut = new Trainer(config().epochs(best).build()).fit(start, TrainingRecord.NONE, training, validation).network();
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(cut.layer(l).weights().data, result.network().layer(l).weights().data);
            assertArrayEquals(cut.layer(l).bias(), result.network().layer(l).bias());
        }
        // and the reported validation cost is the network's cost on the validation data (E4's first term)
        double evaluated = Evaluation.of(new Model(result.network(), Loss.CROSS_ENTROPY), validation, 0).dataCost();
        assertEquals(evaluated, lowest, 1e-6 * evaluated);
    }

    @Test
    void minDeltaDecidesWhatCountsAsAnImprovement() {
        TrainingResult result = new Trainer(config().earlyStopping(3, 1e9).build()).fit(start, TrainingRecord.NONE, training, validation);
        assertEquals(1, result.bestEpoch());
        assertEquals(4, result.stoppedEpoch());
    }

    @Test
    void withoutValidationTheTrainingCostIsMonitored() {
        TrainingResult result = new Trainer(config().epochs(30).earlyStopping(3, 0).build()).fit(start, training);
        assertTrue(result.history().stream().allMatch(s -> !s.hasValidation()));
        double lowest = result.history().stream().mapToDouble(EpochStats::cost).min().orElseThrow();
        assertEquals(lowest, result.history().get(result.bestEpoch() - 1).cost());
    }

    @Test
    void withoutEarlyStoppingAllEpochsRunAndTheLastWeightsAreKept() {
        TrainingResult result = new Trainer(config().epochs(12).build()).fit(start, TrainingRecord.NONE, training, validation);
        assertEquals(12, result.stoppedEpoch());
        assertEquals(12, result.bestEpoch());
        assertTrue(result.history().stream().allMatch(EpochStats::hasValidation));
        assertArrayEquals(new Trainer(config().epochs(12).build()).train(start, training).layer(0).weights().data,
                result.network().layer(0).weights().data, "validation data only watches: the model is the same");
    }

    @Test
    void theSplitHoldsOutSeededRowsInFileOrder() {
        Dataset all = TestData.random(50, 4, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 9);
        Trainer.Split a = Trainer.splitValidation(all, 0.2, 7), b = Trainer.splitValidation(all, 0.2, 7);
        Trainer.Split c = Trainer.splitValidation(all, 0.2, 8);
        assertEquals(40, a.training().size());
        assertEquals(10, a.validation().size());
        assertEquals(a.validation().x(), b.validation().x(), "the same seed holds out the same rows");
        assertTrue(!a.validation().x().equals(c.validation().x()), "another seed other rows");
        Set<String> rows = new HashSet<>();
        for (Dataset part : new Dataset[] {a.training(), a.validation()}) {
            for (int i = 0; i < part.size(); i++) rows.add(Arrays.toString(part.x().row(i)));
        }
        assertEquals(50, rows.size(), "the parts are disjoint and together the whole");
        int last = -1;
        for (int i = 0; i < a.validation().size(); i++) {             // file order kept
            int index = indexOf(all, a.validation().x().row(i));
            assertTrue(index > last);
            last = index;
        }
        assertThrows(IllegalArgumentException.class, () -> Trainer.splitValidation(all, 0.001, 7));
        assertThrows(IllegalArgumentException.class, () -> Trainer.splitValidation(all, 1.0, 7));
    }

    @Test
    void theConfiguredSplitIsTheSameAsGivingTheSplitData() {
        Dataset all = TestData.random(50, 4, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 9);
        TrainingResult viaConfig = new Trainer(config().epochs(20).validationSplit(0.2).earlyStopping(2, 0).build()).fit(start, all);
        Trainer.Split split = Trainer.splitValidation(all, 0.2, 4);
        TrainingResult given = new Trainer(config().epochs(20).earlyStopping(2, 0).build())
                .fit(start, TrainingRecord.NONE, split.training(), split.validation());
        assertEquals(given.bestEpoch(), viaConfig.bestEpoch());
        assertArrayEquals(given.network().layer(0).weights().data, viaConfig.network().layer(0).weights().data);
        assertThrows(IllegalArgumentException.class, () -> new Trainer(config().validationSplit(0.2).build())
                .fit(start, TrainingRecord.NONE, all, split.validation()), "a split and validation data: which one?");
    }

    private static int indexOf(Dataset d, float[] row) {
        for (int i = 0; i < d.size(); i++) if (Arrays.equals(d.x().row(i), row)) return i;
        return -1;
    }
}
