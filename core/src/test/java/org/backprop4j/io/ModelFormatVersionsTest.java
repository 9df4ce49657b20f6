package org.backprop4j.io;

import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.OptimizerState;
import org.backprop4j.train.TrainingRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model files across format versions: version-1 files saved by the first release (fixtures in
 * src/test/resources/models/v1) load and predict what that release predicted; version 2 carries
 * the training record and the optimizer's state, exactly; newer versions are refused.
 */
class ModelFormatVersionsTest {
    @TempDir Path dir;

    private static Path fixture(String name) throws Exception {
        return Path.of(ModelFormatVersionsTest.class.getResource("/models/v1/" + name).toURI());
    }

    /** The CSV nn predict wrote: header, then per row an optional class and the outputs. */
    private static void assertPredicts(Model model, Dataset data, Path predictions, boolean withClass) throws Exception {
        List<String> lines = Files.readAllLines(predictions);
        Matrix y = model.predict(data.x());
        assertEquals(data.size(), lines.size() - 1);
        for (int i = 0; i < data.size(); i++) {
            String[] cells = lines.get(i + 1).split(",");
            int first = withClass ? 1 : 0;
            if (withClass) assertEquals(model.classes().get(Dataset.argmax(y, i)), cells[0], "class of row " + i);
            for (int j = 0; j < y.cols; j++) {
                float expected = Float.parseFloat(cells[first + j]);
                // the kernels may sum in another order than the release did: allow a few float32 roundings
                assertEquals(expected, y.get(i, j), 1e-6f * Math.max(1, Math.abs(expected)), "row " + i + " output " + j);
            }
        }
    }

    @Test
    void version1ClassifierWithScalingLoadsAndPredictsAsBefore() throws Exception {
        ModelFile file = ModelJson.readFile(fixture("iris-classifier.json"));
        Model m = file.model();
        assertEquals(List.of("setosa", "versicolor", "virginica"), m.classes());
        assertEquals("standard", m.scaler().method());
        assertEquals(0.001, m.l2());
        assertEquals(Loss.CROSS_ENTROPY, m.loss());
        assertEquals(TrainingRecord.NONE, file.training());
        Dataset iris = CsvReader.read(Path.of("../data/iris.csv"), Columns.label("species"), null);
        assertPredicts(m, iris, fixture("iris-classifier.predictions.csv"), true);
    }

    @Test
    void version1RegressionLoadsAndPredictsAsBefore() throws Exception {
        Model m = ModelJson.read(fixture("regression.json"));
        assertEquals(Activation.IDENTITY, m.network().layer(2).activation());
        assertEquals("minmax", m.scaler().method());
        Dataset data = CsvReader.read(fixture("regression.csv"), Columns.targets(2), null);
        assertPredicts(m, data, fixture("regression.predictions.csv"), false);
    }

    @Test
    void aHandWrittenFileWithOnlyLayersLoadsAndPredictsAsBefore() throws Exception {
        ModelFile file = ModelJson.readFile(fixture("minimal.json"));
        assertEquals(TrainingRecord.NONE, file.training());
        Dataset inputs = CsvReader.read(fixture("minimal-inputs.csv"), Columns.inputsOnly(), null);
        assertPredicts(file.model(), inputs, fixture("minimal.predictions.csv"), false);
    }

    @Test
    void version1FilesAreRewrittenAsVersion2WithTheSameBits() throws Exception {
        Model old = ModelJson.read(fixture("regression.json"));
        Path again = dir.resolve("again.json");
        ModelJson.write(old, again);
        assertTrue(Files.readString(again).contains("\"version\": 2"));
        Model back = ModelJson.read(again);
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(old.network().layer(l).weights().data, back.network().layer(l).weights().data);
            assertArrayEquals(old.network().layer(l).bias(), back.network().layer(l).bias());
        }
    }

    @Test
    void version2CarriesTheTrainingRecordAndOptimizerStateExactly() throws Exception {
        Network net = Network.create(new int[] {3, 4, 2}, Activation.RELU, Activation.SOFTMAX, 1);
        Random r = new Random(2);
        float[][][] w = new float[2][2][], b = new float[2][2][];
        for (int l = 0; l < 2; l++) {
            for (int k = 0; k < 2; k++) {
                w[l][k] = new float[net.layer(l).weights().data.length];
                b[l][k] = new float[net.layer(l).bias().length];
                for (int i = 0; i < w[l][k].length; i++) w[l][k][i] = Float.intBitsToFloat(r.nextInt() & 0x3fffffff); // finite
                for (int i = 0; i < b[l][k].length; i++) b[l][k][i] = (float) r.nextGaussian() * 1e-30f;
                if (k == 1) for (int i = 0; i < b[l][k].length; i++) b[l][k][i] = Math.abs(b[l][k][i]); // v is a mean square
            }
        }
        OptimizerState state = new OptimizerState("adam", 12345678901L, List.of("m", "v"), w, b);
        ModelFile saved = new ModelFile(new Model(net, Loss.CROSS_ENTROPY), new TrainingRecord(17, 12, state));
        Path file = dir.resolve("v2.json");
        ModelJson.write(saved, file);
        ModelFile back = ModelJson.readFile(file);
        assertEquals(17, back.training().stoppedEpoch());
        assertEquals(12, back.training().bestEpoch());
        OptimizerState s = back.training().optimizer();
        assertEquals("adam", s.rule());
        assertEquals(12345678901L, s.step());
        assertEquals(List.of("m", "v"), s.names());
        for (int l = 0; l < 2; l++) {
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(w[l][k], s.weights()[l][k]);
                assertArrayEquals(b[l][k], s.bias()[l][k]);
            }
        }
        assertEquals(ModelJson.toJson(saved), ModelJson.toJson(back));
        // a model without a record writes none, and reads back with none
        assertNull(ModelJson.parseFile(ModelJson.toJson(new Model(net, Loss.CROSS_ENTROPY)), "plain").training().optimizer());
    }

    @Test
    void badVersionsAndBadOptimizerStatesGiveOneLineNamingThePlace() throws Exception {
        String layers = "\"layers\": [{\"activation\": \"relu\", \"weights\": [[1, 2]], \"bias\": [0]}]";
        assertMessage("{\"version\": 3, " + layers + "}", "version 3 is newer than this program's 2");
        assertMessage("{" + layers + ", \"optimizer\": {\"name\": \"adam\", \"step\": 3, \"state\": ["
                + "{\"weights\": {\"m\": [[1, 2]], \"v\": [[1]]}, \"bias\": {\"m\": [0], \"v\": [0]}}]}}",
                "optimizer.state[0].weights.v[0] has 1 numbers, the layer takes 2");
        assertMessage("{" + layers + ", \"optimizer\": {\"name\": \"adam\", \"step\": -1, \"state\": []}}",
                "optimizer.step must be a whole number from 0 to 1000000000000, got -1");
        assertMessage("{" + layers + ", \"optimizer\": {\"name\": \"adam\", \"step\": 1, \"state\": []}}",
                "optimizer.state has 0 layers, the network 1");
        assertMessage("{" + layers + ", \"training\": {\"stopped_epoch\": 2, \"best_epoch\": 5}}", "training:");
    }

    private void assertMessage(String json, String... fragments) throws Exception {
        RefusedModelFile.assertMessage(dir, json, fragments);
    }
}
