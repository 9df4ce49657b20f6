package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.backprop4j.onnx.OnnxExport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.backprop4j.cli.Cli.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn cross-validate} on Iris and {@code nn export --format onnx}. */
class CrossValidateAndExportTest {
    private static final String[] TRAINING = {"--label", "species", "--layers", "8", "--activation", "tanh", "--loss", "cross-entropy",
            "--batch-size", "10", "--epochs", "60", "--learning-rate", "0.1", "--scale", "standard", "--l2", "0.001"};

    @TempDir
    Path dir;
    Path iris;

    @BeforeEach
    void setUp() throws IOException {
        iris = Cli.copyIris(dir);
    }

    private String[] cv(String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("cross-validate", "--data", iris.toString()));
        a.addAll(List.of(TRAINING));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void fiveFoldsOnIrisReportPerFoldValuesAndTheirMeanAndSpread() {
        Cli.Result r = Cli.run(cv("--folds", "5", "--seed", "3", "--json")).ok();
        Map<String, Object> j = JsonTree.object(r.out().trim());
        List<Object> folds = JsonTree.list(j, "per_fold");
        assertEquals(5, folds.size());
        assertEquals(true, j.get("stratified"));
        double sum = 0, samples = 0;
        double[] accuracy = new double[5];
        for (int f = 0; f < 5; f++) {
            @SuppressWarnings("unchecked") Map<String, Object> fold = (Map<String, Object>) folds.get(f);
            accuracy[f] = JsonTree.number(fold, "accuracy");
            sum += accuracy[f];
            samples += JsonTree.number(fold, "samples");
            assertEquals(30.0, JsonTree.number(fold, "samples"), "stratified folds of 150: 30 each");
            assertEquals(JsonTree.number(fold, "data_loss") + JsonTree.number(fold, "l2_loss"), JsonTree.number(fold, "loss"), 1e-12);
            assertTrue(JsonTree.number(fold, "l2_loss") > 0, "the cost is reported in its two parts");
            for (String key : List.of("macro_precision", "macro_recall", "macro_f1", "log_loss")) assertTrue(fold.containsKey(key), key);
        }
        assertEquals(150.0, samples, "every sample held out once");
        double mean = sum / 5, ss = 0;
        for (double a : accuracy) ss += (a - mean) * (a - mean);
        assertEquals(mean, JsonTree.number(JsonTree.child(j, "mean"), "accuracy"), 1e-12);
        assertEquals(Math.sqrt(ss / 4), JsonTree.number(JsonTree.child(j, "std"), "accuracy"), 1e-12);
        assertTrue(mean > 0.85, "Iris is easy: " + mean);

        // the same seed gives the same folds and models; the text form shows the same means
        assertEquals(r.out(), Cli.run(cv("--folds", "5", "--seed", "3", "--json")).ok().out());
        String text = Cli.run(cv("--folds", "5", "--seed", "3")).ok().out();
        assertTrue(text.contains("mean ± std") && text.contains(String.format("%.6f", mean)), text);
    }

    @Test
    void plainFoldsAndRegression() throws IOException {
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 40; i++) csv.append(i % 7 * 0.1).append(',').append(i % 5 * 0.2).append(',').append(i % 7 * 0.1 - i % 5 * 0.2).append('\n');
        Path data = Files.writeString(dir.resolve("reg.csv"), csv.toString());
        Map<String, Object> j = JsonTree.object(Cli.run("cross-validate", "--data", data.toString(), "--targets", "1", "--layers", "none",
                "--output-activation", "identity", "--epochs", "100", "--batch-size", "5", "--learning-rate", "0.2", "--folds", "4",
                "--json").ok().out().trim());
        assertEquals(false, j.get("stratified"));
        assertTrue(JsonTree.number(JsonTree.child(j, "mean"), "r2") > 0.99, j.toString());
        for (String key : List.of("mse", "mae", "r2", "loss", "data_loss", "l2_loss")) assertTrue(JsonTree.child(j, "mean").containsKey(key), key);
        Map<String, Object> plain = JsonTree.object(Cli.run(cv("--folds", "3", "--no-stratify", "--json")).ok().out().trim());
        assertEquals(false, plain.get("stratified"));
    }

    @Test
    void crossValidateMistakes() {
        assertRejected(dir, cv("--folds", "1"), "--folds");
        assertRejected(dir, cv("--folds", "151"), "--folds 151", "150 samples");
        assertRejected(dir, cv("--out", dir.resolve("m.json").toString()), "--out", "cross-validate");
        assertRejected(dir, cv("--test-data", iris.toString()), "--test-data");
        assertRejected(dir, cv("--learning-rate", "0"), "--learning-rate");
        assertRejected(dir, cv("--report", dir.resolve("r.html").toString()), "--report");
        boolean modelInWorkingFolder = Files.exists(Path.of("model.json"));
        String[] diverging = {"cross-validate", "--data", iris.toString(), "--label", "species", "--output-activation", "identity",
                "--learning-rate", "1e30", "--epochs", "3"};
        assertRejected(dir, diverging, "fold 1", "diverged");
        assertEquals(modelInWorkingFolder, Files.exists(Path.of("model.json")), "a diverged fold saves nothing");
    }

    @Test
    void exportWritesTheOnnxGraphOfTheModel() throws IOException {
        Path model = dir.resolve("m.json"), onnx = dir.resolve("m.onnx");
        Cli.run("train", "--data", iris.toString(), "--label", "species", "--layers", "5", "--epochs", "2", "--scale", "minmax",
                "--out", model.toString(), "--quiet").ok();
        Cli.run("export", "--model", model.toString(), "--format", "onnx", "--out", onnx.toString()).ok();
        assertArrayEquals(OnnxExport.toBytes(ModelJson.read(model)), Files.readAllBytes(onnx));
        // an existing file is replaced whole
        Cli.run("export", "--model", model.toString(), "--out", onnx.toString()).ok();
        assertArrayEquals(OnnxExport.toBytes(ModelJson.read(model)), Files.readAllBytes(onnx));

        assertRejected(dir, new String[] {"export", "--model", model.toString(), "--format", "pmml", "--out", onnx.toString()}, "--format", "pmml");
        assertRejected(dir, new String[] {"export", "--model", dir.resolve("none.json").toString(), "--out", onnx.toString()}, "none.json");
        assertRejected(dir, new String[] {"export", "--model", model.toString(), "--out", dir.resolve("no/m.onnx").toString()}, "--out");
        assertRejected(dir, new String[] {"export", "--model", model.toString()}, "--out");
    }

    @Test
    void helpOfTheNewCommands() {
        String cv = Cli.run("cross-validate", "--help").ok().out();
        for (String o : List.of("--folds", "--no-stratify", "--json", "--data", "--label", "--layers", "--learning-rate", "--seed")) {
            assertTrue(cv.contains(o), o + " in:\n" + cv);
        }
        String export = Cli.run("export", "--help").ok().out();
        for (String o : List.of("--model", "--format", "--out")) assertTrue(export.contains(o), o + " in:\n" + export);
        String train = Cli.run("train", "--help").ok().out();
        for (String o : List.of("--format", "--features", "--categorical")) assertTrue(train.contains(o), o + " in:\n" + train);
        String root = Cli.run("--help").ok().out();
        assertTrue(root.contains("cross-validate") && root.contains("export"), root);
    }
}
