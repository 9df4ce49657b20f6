package org.backprop4j.train;

import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact resume: a run that saves a checkpoint after every step and every epoch, then, from each of
 * those checkpoints (through the file format's text), a resumed run: every one ends with the
 * network of the uninterrupted run, bit for bit — with shuffling, dropout, a ragged last batch,
 * Adam's state, reduce-on-plateau and early stopping.
 */
class ExactResumeTest {
    private final Dataset data = TestData.random(47, 5, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 1);
    private final Network start = Network.create(new int[] {5, 8, 6, 3}, Activation.RELU, Activation.SOFTMAX, 2);

    static Stream<TrainingConfig> configs() {
        TrainingConfig.Builder base = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(6).learningRate(0.05).seed(3);
        return Stream.of(
                base.build(),
                TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(6).learningRate(0.01).seed(4)
                        .updateRule(UpdateRule.adam(0.9, 0.999, 1e-8)).dropout(0.2, 0.1)
                        .schedule(LearningRateSchedule.plateau(0.5, 1, 0)).build(),
                TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(7).epochs(8).learningRate(0.5).seed(5)
                        .updateRule(UpdateRule.momentum(0.9)).earlyStopping(EarlyStopping.after(2, 0)).validationSplit(0.2)
                        .schedule(LearningRateSchedule.cosine(0.01)).build());
    }

    /** Saves every checkpoint offered, as the text of a checkpoint file. */
    private static final class Everything implements Checkpoints {
        final List<String> files = new ArrayList<>();

        @Override public boolean due(int epoch, boolean endOfEpoch) {
            return true;
        }

        @Override public void save(Checkpoint c) {
            files.add(ModelJson.toJson(new ModelFile(new Model(c.network(), Loss.CROSS_ENTROPY), c.record(), c)));
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void resumingFromAnyCheckpointGivesTheUninterruptedNetwork(TrainingConfig config) {
        TrainingResult plain = new Trainer(config).fit(start, data);
        Everything saved = new Everything();
        TrainingResult checkpointed = new Trainer(config).fit(start, TrainingRecord.NONE, data, null, null, saved);
        assertSameNetwork(plain.network(), checkpointed.network(), "saving checkpoints changes nothing");
        assertTrue(saved.files.size() > config.epochs(), saved.files.size() + " checkpoints");
        boolean midEpoch = false;
        for (int i = 0; i < saved.files.size(); i++) {
            ModelFile file = ModelJson.parseFile(saved.files.get(i), "checkpoint " + i);
            Checkpoint c = file.checkpoint();
            midEpoch |= c.nextSample() > 0;
            TrainingResult resumed = new Trainer(config).fit(file.model().network(), file.training(), data, null, c, Checkpoints.NONE);
            String at = "resumed after epoch " + c.epoch() + " + " + c.nextSample() + " samples";
            assertSameNetwork(plain.network(), resumed.network(), at);
            assertEquals(plain.record().stoppedEpoch(), resumed.record().stoppedEpoch(), at);
            assertEquals(plain.record().bestEpoch(), resumed.record().bestEpoch(), at);
            assertEquals(plain.record().optimizer().step(), resumed.record().optimizer().step(), at);
        }
        assertTrue(midEpoch, "some checkpoints are mid-epoch");
    }

    @Test
    void aCheckpointOfAnotherRunIsRefused() {
        TrainingConfig config = configs().findFirst().orElseThrow();
        Everything saved = new Everything();
        new Trainer(config).fit(start, TrainingRecord.NONE, data, null, null, saved);
        Checkpoint c = ModelJson.parseFile(saved.files.get(3), "c").checkpoint();
        TrainingConfig otherSeed = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(6).learningRate(0.05).seed(9).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Trainer(otherSeed).fit(start, TrainingRecord.NONE, data, null, c,
                Checkpoints.NONE)).getMessage().contains("seed 3, not 9"));
        Dataset other = TestData.random(47, 5, 3, Loss.CROSS_ENTROPY, Activation.SOFTMAX, 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Trainer(config).fit(start, TrainingRecord.NONE, other, null, c,
                Checkpoints.NONE)).getMessage().contains("other data"));
        TrainingConfig longer = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(7).learningRate(0.05).seed(3).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Trainer(longer).fit(start, TrainingRecord.NONE, data, null, c,
                Checkpoints.NONE)).getMessage().contains("ends after epoch 6"));
    }

    /**
     * Checkpoints at the ends of even epochs and whenever a stop was asked for, as nn train's saver does;
     * the stop (SIGTERM) lands while call number {@code arrival} to {@link #due} decides — after the
     * decision read the flag, before the trainer reads it again.
     */
    private static final class StopDuringDecision implements Checkpoints {
        final int arrival;
        int calls;
        volatile boolean stop;
        String last;
        int savedAfterStop;

        StopDuringDecision(int arrival) {
            this.arrival = arrival;
        }

        @Override public boolean due(int epoch, boolean endOfEpoch) {
            boolean due = stop || endOfEpoch && epoch % 2 == 0;
            if (++calls == arrival) stop = true;
            return due;
        }

        @Override public void save(Checkpoint c) {
            last = ModelJson.toJson(new ModelFile(new Model(c.network(), Loss.CROSS_ENTROPY), c.record(), c));
            if (stop) savedAfterStop++;
        }
    }

    /**
     * A stop that arrives between the checkpoint decision and the trainer's own look at the flag ends
     * the run at the next step, with a checkpoint of the step it stopped at: never a run that stopped
     * without one (nn train would then have written its model as if the run had ended). 47 samples in
     * batches of 10: five steps an epoch, four mid-epoch decisions and one at the end; arrival 3 is
     * mid-epoch 1, 5 the end of epoch 1 (not a checkpoint epoch), 14 mid-epoch 3.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 5, 14})
    void aStopThatArrivesWhileACheckpointIsDecidedEndsWithACheckpointOfItsLastStep(int arrival) {
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(6).learningRate(0.05).seed(3).build();
        StopDuringDecision saver = new StopDuringDecision(arrival);
        TrainingListener signal = new TrainingListener() {
            @Override public boolean stopRequested() {
                return saver.stop;
            }
        };
        TrainingResult stopped = new Trainer(config, signal).fit(start, TrainingRecord.NONE, data, null, null, saver);
        assertEquals(1, saver.savedAfterStop, "one checkpoint on the stop");
        ModelFile file = ModelJson.parseFile(saver.last, "the last checkpoint");
        assertSameNetwork(stopped.network(), file.model().network(), "the last checkpoint holds the step the run stopped at");
        TrainingResult resumed = new Trainer(config).fit(file.model().network(), file.training(), data, null, file.checkpoint(),
                Checkpoints.NONE);
        assertSameNetwork(new Trainer(config).fit(start, data).network(), resumed.network(), "resumed: the uninterrupted run");
    }

    private static void assertSameNetwork(Network expected, Network actual, String what) {
        for (int l = 0; l < expected.layers().size(); l++) {
            assertArrayEquals(expected.layer(l).weights().data, actual.layer(l).weights().data, what + ", layer " + l);
            assertArrayEquals(expected.layer(l).bias(), actual.layer(l).bias(), what + ", layer " + l);
        }
    }
}
