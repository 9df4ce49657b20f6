package org.backprop4j.train;

import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fisher's Iris (data/iris.csv) learned to at least 95% accuracy on held-out rows. */
class IrisTest {

    @Test
    void irisIsLearnedToAtLeast95Percent() {
        Dataset all = CsvReader.read(Path.of("../data/iris.csv"), Columns.label("species"), null);
        // every third row is held out: 50 test rows, the three classes equally represented
        Dataset train = all.subset(IntStream.range(0, all.size()).filter(i -> i % 3 != 0).toArray());
        Dataset test = all.subset(IntStream.range(0, all.size()).filter(i -> i % 3 == 0).toArray());
        Scaler scaler = Scaler.fit("standard", train.x());

        for (Loss loss : Loss.values()) {
            Activation out = loss == Loss.MSE ? Activation.SIGMOID : Activation.SOFTMAX;
            Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, out, 1);
            TrainingConfig config = TrainingConfig.builder().loss(loss).batchSize(10).epochs(300)
                    .learningRate(loss == Loss.MSE ? 0.5 : 0.1).seed(1).build();
            Network trained = new Trainer(config).train(start, train.scaled(scaler));
            Model model = new Model(trained, loss, train.classes(), scaler, 0);
            double accuracy = Evaluation.of(model, test, 0).accuracy();
            assertTrue(accuracy >= 0.95, loss + ": test accuracy " + accuracy);
        }
    }
}
