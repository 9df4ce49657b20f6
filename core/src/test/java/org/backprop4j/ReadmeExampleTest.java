package org.backprop4j;

import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.ModelJson;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java API example, verbatim but for the paths. */
class ReadmeExampleTest {
    @TempDir Path dir;

    @Test
    void readmeExampleRuns() throws Exception {
        Dataset data = CsvReader.read(Path.of("../data/iris.csv"), Columns.label("species"), null);
        Scaler scaler = Scaler.fit("standard", data.x());
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, /* seed */ 1);
        TrainingConfig config = TrainingConfig.builder()
                .loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(300).learningRate(0.1).seed(1).build();
        Network trained = new Trainer(config).train(start, data.scaled(scaler));

        Model model = new Model(trained, Loss.CROSS_ENTROPY, data.classes(), scaler, 0);
        ModelJson.write(model, dir.resolve("iris.json"));
        Matrix probabilities = ModelJson.read(dir.resolve("iris.json")).predict(data.x());
        List<String> species = model.predictClasses(data.x());   // class labels: "setosa", ...
        Evaluation e = Evaluation.of(model, data, 0);

        assertEquals(150, probabilities.rows);
        assertEquals(1.0, probabilities.get(0, 0) + probabilities.get(0, 1) + probabilities.get(0, 2), 1e-5);
        assertTrue(e.accuracy() > 0.95, "training accuracy " + e.accuracy());
        assertEquals(e.dataCost() + e.l2Cost(), e.cost());
        assertEquals("setosa", species.get(0));
        assertEquals(150, species.size());
    }
}
