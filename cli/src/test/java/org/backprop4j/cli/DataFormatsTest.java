package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.backprop4j.cli.Cli.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LIBSVM/SVMlight files and categorical CSV columns through train, evaluate and predict. */
class DataFormatsTest {
    @TempDir
    Path dir;

    /**
     * A sparse 8-feature problem: class "1" when feature 1 + feature 2 &gt; 0, else "-1"; each line
     * lists only some features. {@code maxIndex} bounds the indices written.
     */
    private Path svm(String name, int n, int maxIndex, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder("# generated\n");
        for (int i = 0; i < n; i++) {
            double f1 = 2 * r.nextDouble() - 1, f2 = 2 * r.nextDouble() - 1;
            s.append(f1 + f2 > 0 ? "+1" : "-1").append(i % 3 == 0 ? " qid:1" : "");
            s.append(String.format(" 1:%.4f 2:%.4f", f1, f2));
            for (int j = 3; j <= maxIndex; j++) {
                if (r.nextInt(3) == 0) s.append(String.format(" %d:%.3f", j, r.nextDouble()));
            }
            s.append('\n');
        }
        return Files.writeString(dir.resolve(name), s.toString());
    }

    @Test
    void libsvmTrainEvaluatePredictWithATestFileThatHasFewerFeatures() throws IOException {
        Path train = svm("train.svm", 200, 8, 1);
        Path test = svm("test.svm", 60, 4, 2);          // its largest index is 4: it still fits the 8-input model
        Path model = dir.resolve("m.json");
        Cli.Result r = Cli.run("train", "--data", s(train), "--layers", "6", "--loss", "cross-entropy", "--epochs", "60",
                "--batch-size", "10", "--learning-rate", "0.2", "--scale", "standard", "--test-data", s(test), "--out", s(model), "--quiet").ok();
        assertTrue(r.out().contains("accuracy"), r.out());
        Model m = ModelJson.read(model);
        assertEquals(8, m.network().inputs());
        assertEquals(8, m.scaler().shift().length, "the scaling fitted on the LIBSVM inputs is stored with the model");
        assertEquals(List.of("-1", "1"), m.classes());

        Map<String, Object> e = JsonTree.object(Cli.run("evaluate", "--model", s(model), "--data", s(test), "--json").ok().out().trim());
        assertTrue(JsonTree.number(e, "accuracy") > 0.9, e.toString());
        assertEquals(60.0, JsonTree.number(e, "samples"));

        List<String> lines = Cli.run("predict", "--model", s(model), "--data", s(test)).ok().out().lines().toList();
        assertEquals(61, lines.size());
        assertEquals("class", lines.get(0));
        assertTrue(lines.subList(1, 61).stream().allMatch(l -> l.equals("1") || l.equals("-1")), lines.toString());

        // the same file under another name, with the format said explicitly
        Path txt = Files.copy(test, dir.resolve("test.txt"));
        assertEquals(Cli.run("evaluate", "--model", s(model), "--data", s(test), "--json").ok().out(),
                Cli.run("evaluate", "--model", s(model), "--data", s(txt), "--format", "libsvm", "--json").ok().out());
    }

    @Test
    void libsvmRegressionWithTargetsOneAndFeatures() throws IOException {
        Random r = new Random(5);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            double a = r.nextDouble(), b = r.nextDouble();
            s.append(String.format("%.4f 2:%.4f 3:%.4f%n", a - b, a, b));
        }
        Path data = Files.writeString(dir.resolve("reg.libsvm"), s.toString());
        Path model = dir.resolve("reg.json");
        Cli.run("train", "--data", s(data), "--targets", "1", "--features", "5", "--layers", "none", "--output-activation", "identity",
                "--epochs", "200", "--batch-size", "10", "--learning-rate", "0.2", "--out", s(model), "--quiet").ok();
        assertEquals(5, ModelJson.read(model).network().inputs(), "--features sets the input count");
        // a regression model reads the LIBSVM label as its target without being told
        Map<String, Object> e = JsonTree.object(Cli.run("evaluate", "--model", s(model), "--data", s(data), "--json").ok().out().trim());
        assertTrue(JsonTree.number(e, "r2") > 0.99, e.toString());
        assertTrue(JsonTree.number(e, "mse") < 1e-3, e.toString());
    }

    @Test
    void libsvmMistakes() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.svm"), "1 1:0.5 2:1\n-1 2:1 1:0.5\n");
        assertRejected(dir, args("train", "--data", s(bad), "--out", s(dir.resolve("o.json"))), "bad.svm:2", "increase");
        Path ok = svm("ok.svm", 20, 4, 3);
        assertRejected(dir, args("train", "--data", s(ok), "--label", "0", "--out", s(dir.resolve("o.json"))), "--label");
        assertRejected(dir, args("train", "--data", s(ok), "--targets", "2", "--out", s(dir.resolve("o.json"))), "--targets 2");
        assertRejected(dir, args("train", "--data", s(ok), "--features", "3", "--out", s(dir.resolve("o.json"))), "ok.svm:", "3 inputs");
        assertRejected(dir, args("train", "--data", s(ok), "--format", "arff", "--out", s(dir.resolve("o.json"))), "--format", "arff");
        Path labelsOnly = Files.writeString(dir.resolve("labels-only.svm"), "1\n-1\n");
        assertRejected(dir, args("train", "--data", s(labelsOnly), "--out", s(dir.resolve("o.json"))),
                "--features is needed: no line of", "labels-only.svm has a feature");
        Path model = dir.resolve("m.json");
        Cli.run("train", "--data", s(ok), "--layers", "2", "--epochs", "1", "--out", s(model), "--quiet").ok();
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(ok), "--features", "9"), "--features 9", "4 inputs");
        Path wide = svm("wide.svm", 5, 7, 4);
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(wide)), "wide.svm:", "beyond the 4 inputs");
    }

    /** Class "hot" for colour red or orange, "cold" for blue or green; a numeric column beside it is noise. */
    private Path colours(String name, List<String> palette, int n, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder("noise,colour,size,kind\n");
        for (int i = 0; i < n; i++) {
            String c = palette.get(r.nextInt(palette.size()));
            boolean hot = c.equals("red") || c.equals("orange");
            s.append(String.format("%.3f,%s,%d,%s%n", r.nextDouble(), c, 1 + r.nextInt(3), hot ? "hot" : "cold"));
        }
        return Files.writeString(dir.resolve(name), s.toString());
    }

    @Test
    void categoricalColumnsAreEncodedByTheModelsStoredCategories() throws IOException {
        Path train = colours("train.csv", List.of("red", "orange", "blue", "green"), 120, 1);
        Path model = dir.resolve("m.json");
        Cli.run("train", "--data", s(train), "--label", "kind", "--categorical", "colour,2", "--layers", "4", "--loss", "cross-entropy",
                "--epochs", "100", "--batch-size", "10", "--learning-rate", "0.3", "--scale", "standard", "--out", s(model), "--quiet").ok();
        Model m = ModelJson.read(model);
        assertEquals(List.of("colour", "size"), m.categorical().names(), "the index 2 is stored as its header name");
        assertEquals(List.of("blue", "green", "orange", "red"), m.categorical().columns().get(0).categories());
        assertEquals(List.of("1", "2", "3"), m.categorical().columns().get(1).categories());
        assertEquals(1 + 4 + 3, m.network().inputs(), "noise + 4 colours + 3 sizes");

        // a test file with only two of the colours, in another order, is encoded the model's way
        Path test = colours("test.csv", List.of("green", "red"), 40, 2);
        Map<String, Object> e = JsonTree.object(Cli.run("evaluate", "--model", s(model), "--data", s(test), "--label", "kind", "--json")
                .ok().out().trim());
        assertEquals(1.0, JsonTree.number(e, "accuracy"), e.toString());
        // naming the same columns again is allowed, naming others is not
        Cli.run("evaluate", "--model", s(model), "--data", s(test), "--label", "kind", "--categorical", "colour,size").ok();
        Cli.run("evaluate", "--model", s(model), "--data", s(test), "--label", "kind", "--categorical", "colour,2").ok();
        // the same options with a test set: it is encoded with the training data's categories
        String trained = Cli.run("train", "--data", s(train), "--label", "kind", "--categorical", "colour,2", "--layers", "4",
                "--loss", "cross-entropy", "--epochs", "100", "--batch-size", "10", "--learning-rate", "0.3", "--scale", "standard",
                "--test-data", s(test), "--out", s(dir.resolve("m2.json")), "--quiet").ok().out();
        assertTrue(trained.contains("accuracy  100.00%"), trained);
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(test), "--label", "kind", "--categorical", "noise"),
                "--categorical noise", "colour");

        List<String> predicted = Cli.run("predict", "--model", s(model), "--data", s(test), "--label", "kind").ok().out().lines().toList();
        List<String> truth = Files.readAllLines(test).stream().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();
        assertEquals(truth, predicted.subList(1, predicted.size()));

        Path unknown = Files.writeString(dir.resolve("unknown.csv"), "noise,colour,size,kind\n0.5,red,1,hot\n0.5,purple,2,hot\n");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(unknown), "--label", "kind"), "unknown.csv:3", "'purple'");
        assertRejected(dir, args("predict", "--model", s(model), "--data", s(unknown), "--label", "kind"), "unknown.csv:3", "'purple'");
        assertRejected(dir, args("train", "--data", s(train), "--label", "kind", "--categorical", "shade", "--out", s(dir.resolve("o.json"))),
                "--categorical 'shade'", "train.csv");
    }

    private static String[] args(String... a) {
        return a;
    }

    private static String s(Path p) {
        return p.toString();
    }
}
