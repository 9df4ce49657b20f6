package org.backprop4j;

import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Init;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.LearningRateSchedule;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingResult;
import org.backprop4j.train.UpdateRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's second Java example (update rules, schedules, early stopping, continuing), verbatim but for the paths. */
class ReadmeTrainingExampleTest {
    @TempDir Path dir;

    @Test
    void readmeTrainingExampleRuns() throws Exception {
        Path file = dir.resolve("iris.json");
        Dataset data = CsvReader.read(Path.of("../data/iris.csv"), Columns.label("species"), null);
        Scaler scaler = Scaler.fit("standard", data.x());
        Network start = Network.create(new int[] {4, 16, 3}, Activation.RELU, Activation.SOFTMAX, Init.HE_NORMAL, 1);
        TrainingConfig config = TrainingConfig.builder()
                .loss(Loss.CROSS_ENTROPY).batchSize(16).epochs(500).learningRate(0.01).seed(1)
                .updateRule(UpdateRule.adam(0.9, 0.999, 1e-8))   // sgd() is the seed's E11-E12
                .schedule(LearningRateSchedule.cosine(0.001))    // constant() is the seed's
                .dropout(0.1).clipNorm(5)
                .validationSplit(0.2).earlyStopping(20, 0)       // patience 20 epochs, any improvement counts
                .build();
        TrainingResult result = new Trainer(config).fit(start, data.scaled(scaler));
        Model model = new Model(result.network(), Loss.CROSS_ENTROPY, data.classes(), scaler, 0);
        ModelJson.write(new ModelFile(model, result.record()), file);       // with best and stopped epoch, Adam's m and v

        ModelFile saved = ModelJson.readFile(file);                         // continue: epochs and Adam's state carry on
        TrainingResult more = new Trainer(config).fit(saved.model().network(), saved.training(), data.scaled(scaler), null);

        assertTrue(result.stoppedEpoch() < 500, "stopped early at " + result.stoppedEpoch());
        assertEquals(result.stoppedEpoch() - 20, result.bestEpoch());
        assertEquals(result.bestEpoch() + 1, more.history().get(0).epoch());
        assertTrue(Evaluation.of(model, data, 0).accuracy() > 0.95, "accuracy " + Evaluation.of(model, data, 0).accuracy());
    }
}
