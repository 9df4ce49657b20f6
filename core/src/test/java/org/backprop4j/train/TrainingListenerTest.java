package org.backprop4j.train;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What listeners hear: the network in training, the running cost and accuracy, and a stop when they ask. */
class TrainingListenerTest {
    private static final Dataset DATA = classes(TestData.random(60, 4, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 2));

    /** The same one-hot rows, named as classes, so that accuracy is measured. */
    private static Dataset classes(Dataset d) {
        return new Dataset(d.x(), d.y(), List.of("a", "b", "c"), d.source());
    }
    private static final Network START = Network.create(new int[] {4, 5, 3}, Activation.TANH, Activation.SOFTMAX, 1);

    @Test
    void fullBatchReportsTheStartingNetworksCostAndAccuracyForEpochOne() {
        List<EpochStats> epochs = new ArrayList<>();
        List<Double> stepCosts = new ArrayList<>();
        Network[] training = new Network[1];
        TrainingListener l = new TrainingListener() {
            @Override public void onStart(Network net) {
                training[0] = net;
            }
            @Override public void onStep(int epoch, int done, int total, double cost) {
                stepCosts.add(cost);
            }
            @Override public void onEpoch(EpochStats s) {
                epochs.add(s);
            }
        };
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).fullBatch().epochs(2).learningRate(0.5).threads(1).build();
        Network trained = new Trainer(config, l).train(START, DATA);
        assertSame(trained, training[0], "onStart hands over the network the trainer updates and returns");

        Evaluation before = Evaluation.of(new Model(START, Loss.CROSS_ENTROPY), DATA, 0);
        assertEquals(before.dataCost(), epochs.get(0).dataCost(), 1e-6);
        assertTrue(before.accuracy() > 0 && before.accuracy() < 1, "a start that is neither all right nor all wrong");
        assertEquals(before.accuracy(), epochs.get(0).accuracy(), 1e-12, "K = N: the epoch's accuracy is the start's");
        assertEquals(epochs.get(0).dataCost(), stepCosts.get(0), 1e-12, "one step: its running mean is the epoch's cost");
    }

    @Test
    void aStopRequestEndsTrainingAfterThatStep() {
        int[] steps = {0};
        List<EpochStats> epochs = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override public void onStep(int epoch, int done, int total) {
                steps[0]++;
            }
            @Override public void onEpoch(EpochStats s) {
                epochs.add(s);
            }
            @Override public boolean stopRequested() {
                return steps[0] == 17;
            }
        };
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(5).threads(1).build();
        new Trainer(config, l).train(START, DATA);
        assertEquals(17, steps[0]);
        assertEquals(2, epochs.size(), "6 steps an epoch: epochs 1 and 2 ended, the third was cut short and is not reported");
        assertTrue(epochs.stream().allMatch(s -> s.accuracy() >= 0 && s.accuracy() <= 1));
    }
}
