package org.backprop4j.cli;

import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.eval.ClassificationMetrics;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn evaluate} reports every metric, with the cost as E4's two parts, in text and in JSON. */
class EvaluationMetricsTest {
    @TempDir
    Path dir;
    Path iris;

    @BeforeEach
    void setUp() throws IOException {
        iris = Cli.copyIris(dir);
    }

    @Test
    void classifierJsonHasEveryMetricAndTheyAgreeWithTheConfusionMatrix() throws IOException {
        Path model = dir.resolve("m.json");
        Cli.run("train", "--data", s(iris), "--label", "species", "--layers", "5", "--loss", "cross-entropy", "--epochs", "30",
                "--l2", "0.01", "--scale", "standard", "--out", s(model), "--quiet").ok();
        Map<String, Object> j = JsonTree.object(Cli.run("evaluate", "--model", s(model), "--data", s(iris), "--label", "species", "--json")
                .ok().out().trim());
        for (String key : List.of("loss", "data_loss", "l2_loss", "accuracy", "confusion", "log_loss", "precision", "recall", "f1",
                "support", "macro_precision", "macro_recall", "macro_f1")) {
            assertTrue(j.containsKey(key), key + " in " + j.keySet());
        }
        assertEquals(JsonTree.number(j, "data_loss") + JsonTree.number(j, "l2_loss"), JsonTree.number(j, "loss"), 1e-12);
        assertTrue(JsonTree.number(j, "l2_loss") > 0);
        // softmax + cross-entropy: the log-loss is E4's data term
        assertEquals(JsonTree.number(j, "data_loss"), JsonTree.number(j, "log_loss"), 1e-6);

        Model m = ModelJson.read(model);
        Dataset data = CsvReader.read(iris, Columns.label("species"), m.classes());
        ClassificationMetrics expected = ClassificationMetrics.of(Evaluation.of(m, data, m.l2()).confusion());
        List<Object> f1 = JsonTree.list(j, "f1");
        for (int c = 0; c < 3; c++) assertEquals(expected.f1()[c], (Double) f1.get(c), 1e-12);
        assertEquals(expected.macroF1(), JsonTree.number(j, "macro_f1"), 1e-12);
        assertEquals(List.of(50.0, 50.0, 50.0), JsonTree.list(j, "support"));

        String text = Cli.run("evaluate", "--model", s(model), "--data", s(iris), "--label", "species").ok().out();
        for (String word : List.of("cost J", "data", "L2", "accuracy", "log-loss", "precision", "recall", "f1", "macro avg", "confusion")) {
            assertTrue(text.contains(word), word + " in:\n" + text);
        }
    }

    @Test
    void regressionJsonHasMseMaeAndR2() throws IOException {
        Random r = new Random(3);
        StringBuilder csv = new StringBuilder("x0,x1,t0,t1\n");
        for (int i = 0; i < 60; i++) {
            double a = r.nextDouble(), b = r.nextDouble();
            csv.append(String.format("%.4f,%.4f,%.4f,%.4f%n", a, b, a + b, a - b));
        }
        Path data = Files.writeString(dir.resolve("reg.csv"), csv.toString());
        Path model = dir.resolve("reg.json");
        Cli.run("train", "--data", s(data), "--targets", "2", "--layers", "none", "--output-activation", "identity", "--epochs", "300",
                "--batch-size", "10", "--learning-rate", "0.2", "--out", s(model), "--quiet").ok();
        Map<String, Object> j = JsonTree.object(Cli.run("evaluate", "--model", s(model), "--data", s(data), "--targets", "2", "--json")
                .ok().out().trim());
        assertTrue(JsonTree.number(j, "r2") > 0.999, j.toString());
        // E4's data term with the seed's loss is (1/N) Σ ½‖h − y‖²: (2 outputs / 2) times the MSE over samples and outputs
        assertEquals(JsonTree.number(j, "mse"), JsonTree.number(j, "data_loss"), 1e-9);
        assertTrue(JsonTree.number(j, "mae") >= 0 && JsonTree.number(j, "mae") < 0.05, j.toString());
        assertTrue(!j.containsKey("accuracy") && !j.containsKey("log_loss"), j.toString());
        String text = Cli.run("evaluate", "--model", s(model), "--data", s(data), "--targets", "2").ok().out();
        assertTrue(text.contains("MSE") && text.contains("MAE") && text.contains("R^2"), text);
    }

    private static String s(Path p) {
        return p.toString();
    }
}
