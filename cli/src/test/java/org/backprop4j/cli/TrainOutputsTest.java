package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn train}'s --metrics file, its diagnostics, and its stop on divergence. */
class TrainOutputsTest {
    @TempDir
    Path dir;

    private String[] irisTrain(String... more) throws Exception {
        Path iris = Files.exists(dir.resolve("iris.csv")) ? dir.resolve("iris.csv") : Cli.copyIris(dir);
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", iris.toString(), "--label", "species",
                "--layers", "6", "--loss", "cross-entropy", "--epochs", "4", "--out", dir.resolve("m.json").toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    @Test
    void theLastLineNamesTheModelAndTheHashOfItsWeights() throws Exception {
        Cli.Result r = Cli.run(irisTrain("--activation", "tanh", "--scale", "standard")).ok();
        List<String> lines = r.err().strip().lines().toList();
        String last = lines.get(lines.size() - 1);
        Model saved = ModelJson.read(dir.resolve("m.json"));
        assertEquals("saved " + dir.resolve("m.json") + " (weights sha256 " + saved.network().sha256() + ")", last);
        assertTrue(saved.network().sha256().matches("[0-9a-f]{64}"));
    }

    @Test
    void metricsAsCsv() throws Exception {
        Path csv = dir.resolve("metrics.csv");
        Cli.run(irisTrain("--activation", "tanh", "--scale", "standard", "--metrics", csv.toString(), "--quiet")).ok();
        List<String> lines = Files.readAllLines(csv);
        assertEquals(5, lines.size(), lines::toString);
        assertEquals("epoch,cost,data_cost,l2_cost,accuracy,validation_cost,validation_accuracy,steps,seconds,samples_per_s,"
                + "weight_norm_1,gradient_norm_1,saturated_1,dead_1,weight_norm_2,gradient_norm_2,saturated_2,dead_2", lines.get(0));
        for (int e = 1; e <= 4; e++) {
            String[] cells = lines.get(e).split(",", -1);
            assertEquals(18, cells.length, lines.get(e));
            assertEquals(Integer.toString(e), cells[0]);
            assertTrue(Double.parseDouble(cells[1]) > 0 && Double.parseDouble(cells[4]) <= 1, lines.get(e));
            assertEquals("", cells[5], "no validation set: an empty cell");
            assertEquals("5", cells[7], "150 samples in batches of 32: 5 steps");
            assertTrue(Double.parseDouble(cells[12]) >= 0, "tanh layer: a saturated share");
            assertEquals("", cells[13], "tanh layer: no dead share");
        }
    }

    @Test
    void metricsAsJsonLines() throws Exception {
        Path jsonl = dir.resolve("metrics.jsonl");
        Path iris = Cli.copyIris(dir);
        Cli.run(irisTrain("--activation", "tanh", "--scale", "standard", "--metrics", jsonl.toString(), "--test-data", iris.toString(), "--quiet")).ok();
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(4, lines.size());
        for (String line : lines) {
            Map<String, Object> f = Cli.jsonFields(line);
            for (String k : List.of("epoch", "cost", "data_cost", "l2_cost", "accuracy", "validation_cost", "validation_accuracy",
                    "steps", "seconds", "samples_per_s")) {
                assertTrue(f.get(k) instanceof Double, () -> k + " should be a number in " + line);
            }
            assertEquals("array", f.get("layers"));
            assertTrue(line.contains("\"activation\":\"tanh\"") && line.contains("\"dead\":null"), line);
        }
    }

    @Test
    void unscaledInputsAndSaturationAreWarnedAbout() throws Exception {
        Cli.Result raw = Cli.run(irisTrain("--activation", "sigmoid")).ok();
        assertTrue(raw.err().contains("warning: inputs look unscaled for sigmoid: column 0 has root mean square 5.9"), raw.err());
        Cli.Result scaled = Cli.run(irisTrain("--activation", "sigmoid", "--scale", "standard")).ok();
        assertFalse(scaled.err().contains("warning"), scaled.err());
        // inputs times 100 and labels without pattern: the first layer's sigmoid units saturate at once and the cost stalls
        Path big = dir.resolve("big.csv");
        StringBuilder s = new StringBuilder("a,b,label\n");
        Random r = new Random(1);
        for (int i = 0; i < 100; i++) s.append(100 * r.nextGaussian()).append(',').append(100 * r.nextGaussian()).append(',').append(i % 2).append('\n');
        Files.writeString(big, s);
        Cli.Result saturated = Cli.run("train", "--data", big.toString(), "--label", "label", "--layers", "8", "--epochs", "4",
                "--out", dir.resolve("b.json").toString()).ok();
        assertTrue(saturated.err().contains("warning: layer 1: 2\u21928 sigmoid: ") && saturated.err().contains("saturated")
                && saturated.err().contains("training cost fell only"), saturated.err());
    }

    /** The seed's own configuration learns well with saturated units: a newcomer's first run shows no warning. */
    @Test
    void theDemoWarnsAboutNothing() throws Exception {
        String previous = System.getProperty("nn.home");
        System.setProperty("nn.home", Cli.repoRoot().toString());
        try {
            Cli.Result demo = Cli.run("demo", "--epochs", "4", "--out", dir.resolve("demo.json").toString()).ok();
            assertFalse(demo.err().contains("warning"), demo.err());
        } finally {
            if (previous == null) System.clearProperty("nn.home");
            else System.setProperty("nn.home", previous);
        }
    }

    /** y = x1 + x2 on [-1, 1]²: full-batch gradient descent with alpha 33 multiplies the error by about 10 a step. */
    private Path line() throws Exception {
        Path csv = dir.resolve("line.csv");
        StringBuilder s = new StringBuilder("x1,x2,y\n");
        Random r = new Random(4);
        for (int i = 0; i < 200; i++) {
            double a = 2 * r.nextDouble() - 1, b = 2 * r.nextDouble() - 1;
            s.append(a).append(',').append(b).append(',').append(a + b).append('\n');
        }
        Files.writeString(csv, s);
        return csv;
    }

    @Test
    void anExplodingLearningRateStopsWithOneLineAndKeepsTheLastGoodModel() throws Exception {
        Path data = line(), out = dir.resolve("line.json"), metrics = dir.resolve("line.csv.metrics.csv"), report = dir.resolve("line.html");
        Cli.Result r = Cli.run("train", "--data", data.toString(), "--targets", "1", "--layers", "none", "--output-activation", "identity",
                "--batch-size", "full", "--learning-rate", "33", "--epochs", "20", "--out", out.toString(), "--metrics", metrics.toString(),
                "--report", report.toString());
        assertEquals(3, r.code(), r.err());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("nn train:")).toList();
        assertEquals(1, errors.size(), r.err());
        String line = errors.get(0);
        assertTrue(line.matches("nn train: training diverged in epoch (\\d+): the cost exploded to .*, over 1000 times the first "
                + "epoch's .*; try a smaller learning rate \\(now 33\\.0\\); saved the last good model \\(end of epoch \\d+\\) to .*line\\.json"), line);
        Model saved = ModelJson.read(out);
        for (float w : saved.network().layer(0).weights().data) assertTrue(Float.isFinite(w));
        int lastGood = Integer.parseInt(line.replaceAll(".*end of epoch (\\d+).*", "$1"));
        int failed = Integer.parseInt(line.replaceAll("nn train: training diverged in epoch (\\d+).*", "$1"));
        assertEquals(failed - 2, lastGood, "the weights that made epoch " + failed + "'s costs are those of epoch " + (failed - 1));
        assertEquals(1 + failed - 1, Files.readAllLines(metrics).size(), "the metrics file holds the epochs that passed");
        assertTrue(Files.readString(report).contains("Training stopped early."));

        // the same run for exactly that many epochs gives the same model, bit for bit
        Path again = dir.resolve("again.json");
        Cli.run("train", "--data", data.toString(), "--targets", "1", "--layers", "none", "--output-activation", "identity",
                "--batch-size", "full", "--learning-rate", "33", "--epochs", Integer.toString(lastGood), "--out", again.toString(), "--quiet").ok();
        Model expected = ModelJson.read(again);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.network().layer(0).weights().data, saved.network().layer(0).weights().data);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.network().layer(0).bias(), saved.network().layer(0).bias());
    }

    @Test
    void aRunThatDivergesInItsFirstEpochSavesNothing() throws Exception {
        Path data = line(), out = dir.resolve("none.json");
        Cli.Result r = Cli.run("train", "--data", data.toString(), "--targets", "1", "--layers", "none", "--output-activation", "identity",
                "--batch-size", "1", "--learning-rate", "1e30", "--out", out.toString(), "--quiet");
        assertEquals(3, r.code());
        assertTrue(r.err().matches("nn train: training diverged in epoch 1, step \\d+: the cost of a batch became (Infinity|NaN); "
                + "try a smaller learning rate \\(now 1\\.0E30\\); no epoch's weights were confirmed good by the next epoch, so no model was saved\\R"),
                r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void badReportAndMetricsOptionsAreRejectedBeforeTraining() throws Exception {
        Cli.assertRejected(dir, irisTrain("--metrics", dir.resolve("m.txt").toString()), "--metrics", "m.txt", ".csv");
        Cli.assertRejected(dir, irisTrain("--report", dir.resolve("no/such/r.html").toString()), "--report", "does not exist");
        Cli.assertRejected(dir, irisTrain("--metrics", dir.toString() + "/"), "--metrics");
    }
}
