package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Model;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Train, evaluate, predict and re-train through the command line, with the model file in between. */
class ModelRoundTripTest {
    private static final List<String> CLASSES = List.of("setosa", "versicolor", "virginica");

    @TempDir
    Path dir;

    Path iris;
    Path model;

    @BeforeEach
    void trainIris() throws IOException {
        iris = Cli.copyIris(dir);
        model = dir.resolve("m.json");
        Cli.Result r = Cli.run("train", "--data", s(iris), "--label", "species", "--layers", "8", "--loss", "cross-entropy",
                "--epochs", "50", "--learning-rate", "0.1", "--batch-size", "8", "--scale", "standard", "--out", s(model)).ok();
        assertTrue(r.err().contains("epoch 50/50"), r.err());
        assertTrue(Files.isRegularFile(model));
    }

    /** Outputs of a non-softmax classifier are not called probabilities. */
    @Test
    void sigmoidOutputsAreLabelledOutNotP() throws IOException {
        Path sig = dir.resolve("sig.json");
        Cli.run("train", "--data", s(iris), "--label", "species", "--layers", "4", "--epochs", "2", "--out", s(sig)).ok();
        String header = Cli.run("predict", "--model", s(sig), "--data", s(iris), "--label", "species", "--outputs").ok().out().lines().findFirst().orElse("");
        assertEquals("class,out_setosa,out_versicolor,out_virginica", header);
    }

    /** With --init, network options may be repeated if they agree with the file, and are refused if not. */
    @Test
    void initAcceptsNetworkOptionsThatAgreeWithTheFile() throws IOException {
        Path out = dir.resolve("again.json");
        Cli.run("train", "--data", s(iris), "--label", "species", "--init", s(model), "--layers", "8", "--activation", "sigmoid",
                "--output-activation", "softmax", "--loss", "cross-entropy", "--no-shuffle", "--epochs", "1", "--out", s(out)).ok();
        assertTrue(Files.isRegularFile(out));
        Cli.Result r = Cli.run("train", "--data", s(iris), "--label", "species", "--init", s(model), "--activation", "tanh",
                "--out", s(dir.resolve("no.json")));
        assertTrue(r.code() != 0 && r.err().contains("--activation tanh disagrees with --init"), r.err());
        assertFalse(Files.exists(dir.resolve("no.json")));
    }

    @Test
    void evaluateJsonHasLossAndAccuracy() {
        Map<String, Object> f = Cli.jsonFields(Cli.run("evaluate", "--model", s(model), "--data", s(iris), "--label", "species",
                "--json").ok().out().trim());
        assertTrue(f.get("loss") instanceof Double loss && loss > 0 && loss < 1, "loss: " + f);
        assertTrue(f.get("accuracy") instanceof Double acc && acc >= 0.9 && acc <= 1, "accuracy: " + f);
        assertEquals(150.0, f.get("samples"));
        assertEquals("cross-entropy", f.get("loss_function"));
        assertEquals("array", f.get("confusion"));

        String text = Cli.run("evaluate", "--model", s(model), "--data", s(iris), "--label", "species").ok().out();
        assertTrue(text.contains("cost J") && text.contains("accuracy") && text.contains("confusion matrix"), text);
    }

    @Test
    void predictPrintsOneClassPerRow() throws IOException {
        List<String> lines = Cli.run("predict", "--model", s(model), "--data", s(iris), "--label", "species").ok().out().lines().toList();
        assertEquals("class", lines.get(0));
        assertEquals(151, lines.size(), "a header and one row per iris sample");
        List<String> truth = Files.readAllLines(iris).stream().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();
        int correct = 0;
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(CLASSES.contains(lines.get(i)), lines.get(i));
            if (lines.get(i).equals(truth.get(i - 1))) correct++;
        }
        assertTrue(correct >= 135, "only " + correct + " of 150 right");

        // the same rows without the label column (inputs only)
        List<String> inputsOnly = new ArrayList<>();
        for (String l : Files.readAllLines(iris)) inputsOnly.add(l.substring(0, l.lastIndexOf(',')));
        Path x = dir.resolve("x.csv");
        Files.write(x, inputsOnly, StandardCharsets.UTF_8);
        assertEquals(lines, Cli.run("predict", "--model", s(model), "--data", s(x)).ok().out().lines().toList());

        // --out writes the same CSV, and nothing to stdout
        Path out = dir.resolve("pred.csv");
        assertEquals("", Cli.run("predict", "--model", s(model), "--data", s(x), "--out", s(out)).ok().out());
        assertEquals(lines, Files.readAllLines(out));
    }

    @Test
    void predictProbabilitiesAddsAColumnPerClass() {
        List<String> lines = Cli.run("predict", "--model", s(model), "--data", s(iris), "--label", "species", "--probabilities")
                .ok().out().lines().toList();
        assertEquals("class,p_setosa,p_versicolor,p_virginica", lines.get(0));
        assertEquals(151, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            assertEquals(4, c.length, line);
            double[] p = Arrays.stream(c, 1, 4).mapToDouble(Double::parseDouble).toArray();
            assertEquals(1.0, p[0] + p[1] + p[2], 1e-5, line);
            int best = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
            assertEquals(CLASSES.get(best), c[0], line);
        }
        assertEquals(lines, Cli.run("predict", "--model", s(model), "--data", s(iris), "--label", "species", "--outputs")
                .ok().out().lines().toList());
    }

    @Test
    void retrainingFromTheModelChangesOnlyTheWeights() throws IOException {
        Path next = dir.resolve("m2.json");
        Cli.run("train", "--data", s(iris), "--label", "species", "--init", s(model), "--no-shuffle", "--epochs", "1",
                "--batch-size", "full", "--out", s(next), "--quiet").ok();
        Model before = ModelJson.read(model), after = ModelJson.read(next);
        assertEquals(before.classes(), after.classes());
        assertEquals(before.scaler(), after.scaler());
        assertEquals(before.loss(), after.loss());
        assertEquals(before.network().layers().size(), after.network().layers().size());
        boolean changed = false;
        for (int l = 0; l < before.network().layers().size(); l++) {
            Dense a = before.network().layer(l), b = after.network().layer(l);
            assertEquals(a.activation(), b.activation());
            assertEquals(a.inputs(), b.inputs());
            assertEquals(a.outputs(), b.outputs());
            changed |= !Arrays.equals(a.weights().data, b.weights().data) || !Arrays.equals(a.bias(), b.bias());
        }
        assertTrue(changed, "one step of gradient descent should change the weights");
        // the re-trained model still evaluates
        Cli.run("evaluate", "--model", s(next), "--data", s(iris), "--label", "species", "--json").ok();
    }

    @Test
    void sameArgumentsGiveByteIdenticalModels() throws IOException {
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json");
        for (Path p : List.of(a, b)) {
            Cli.run("train", "--data", s(iris), "--label", "species", "--init", s(model), "--no-shuffle", "--epochs", "3",
                    "--batch-size", "16", "--out", s(p), "--quiet").ok();
        }
        assertArrayEquals(Cli.modelBytes(a), Cli.modelBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(model), Files.readAllBytes(a)));

        // from scratch, too: the seed fixes the initial weights and the shuffling
        Path c = dir.resolve("c.json"), d = dir.resolve("d.json");
        for (Path p : List.of(c, d)) {
            Cli.run("train", "--data", s(iris), "--label", "species", "--layers", "6", "--epochs", "3", "--seed", "7",
                    "--out", s(p), "--quiet").ok();
        }
        assertArrayEquals(Cli.modelBytes(c), Cli.modelBytes(d));
    }

    @Test
    void differentSeedsShuffleDifferently() throws IOException {
        Path one = dir.resolve("seed1.json"), two = dir.resolve("seed2.json"), twoAgain = dir.resolve("seed2b.json");
        String[][] runs = {{"1", s(one)}, {"2", s(two)}, {"2", s(twoAgain)}};
        for (String[] run : runs) {
            Cli.run("train", "--data", s(iris), "--label", "species", "--init", s(model), "--epochs", "2", "--batch-size", "8",
                    "--seed", run[0], "--out", run[1], "--quiet").ok();
        }
        // same starting weights (--init), so only the shuffling differs
        assertFalse(Arrays.equals(Cli.modelBytes(one), Cli.modelBytes(two)));
        assertArrayEquals(Cli.modelBytes(two), Cli.modelBytes(twoAgain));
    }

    @Test
    void regressionWithTargets() throws IOException {
        Random random = new Random(3);
        StringBuilder csv = new StringBuilder("x0,x1,x2,t0,t1\n");
        StringBuilder inputs = new StringBuilder("x0,x1,x2\n");
        for (int i = 0; i < 80; i++) {
            double x0 = random.nextDouble(), x1 = random.nextDouble(), x2 = random.nextDouble();
            csv.append(String.format("%.4f,%.4f,%.4f,%.4f,%.4f%n", x0, x1, x2, x0 + x1, x1 - 0.5 * x2));
            inputs.append(String.format("%.4f,%.4f,%.4f%n", x0, x1, x2));
        }
        Path data = Files.writeString(dir.resolve("reg.csv"), csv.toString());
        Path x = Files.writeString(dir.resolve("reg-x.csv"), inputs.toString());
        Path m = dir.resolve("reg.json");
        Cli.run("train", "--data", s(data), "--targets", "2", "--layers", "8", "--output-activation", "identity",
                "--epochs", "300", "--learning-rate", "0.1", "--batch-size", "8", "--out", s(m), "--quiet").ok();
        assertTrue(ModelJson.read(m).classes().isEmpty());

        String text = Cli.run("evaluate", "--model", s(m), "--data", s(data), "--targets", "2").ok().out();
        assertTrue(text.contains("cost J") && !text.contains("accuracy"), text);
        Map<String, Object> f = Cli.jsonFields(Cli.run("evaluate", "--model", s(m), "--data", s(data), "--targets", "2", "--json")
                .ok().out().trim());
        assertTrue(f.get("loss") instanceof Double loss && loss < 0.02, "the fit should be close: " + f);
        assertFalse(f.containsKey("accuracy"), f.toString());
        assertEquals("mse", f.get("loss_function"));

        List<String> lines = Cli.run("predict", "--model", s(m), "--data", s(data), "--targets", "2").ok().out().lines().toList();
        assertEquals("y0,y1", lines.get(0));
        assertEquals(81, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            assertEquals(2, c.length, line);
            for (String v : c) assertTrue(Double.isFinite(Double.parseDouble(v)), line);
        }
        assertEquals(lines, Cli.run("predict", "--model", s(m), "--data", s(x)).ok().out().lines().toList());
    }

    private static String s(Path p) {
        return p.toString();
    }
}
