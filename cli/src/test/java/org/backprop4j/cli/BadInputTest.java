package org.backprop4j.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.backprop4j.cli.Cli.assertRejected;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input gets one clear line on stderr naming the file and line or the option, a non-zero
 * exit, no stack trace, and no output file created or changed (a pre-existing --out file keeps its
 * bytes; no temporary files are left in the folder).
 */
class BadInputTest {
    private static final String OLD_MODEL = "{\"previous\": \"model, must survive\"}\n";
    private static final String OLD_CSV = "class\nprevious,prediction\n";

    @TempDir
    Path dir;

    Path iris;
    /** A trained iris classifier (4 inputs, standard scaling, classes setosa/versicolor/virginica). */
    Path model;
    /** A pre-existing train --out file. */
    Path out;
    /** A pre-existing predict --out file. */
    Path predOut;

    @BeforeEach
    void setUp() throws IOException {
        iris = Cli.copyIris(dir);
        model = dir.resolve("m.json");
        Cli.run("train", "--data", s(iris), "--label", "species", "--layers", "5", "--loss", "cross-entropy",
                "--epochs", "2", "--scale", "standard", "--out", s(model), "--quiet").ok();
        out = write("out.json", OLD_MODEL);
        predOut = write("pred.csv", OLD_CSV);
    }

    // ------------------------------------------------------------------ data files

    @Test
    void missingDataFile() {
        Path missing = dir.resolve("no-such-file.csv");
        assertRejected(dir, train("--data", s(missing), "--label", "species"), "no-such-file.csv");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(missing), "--label", "species"), "no-such-file.csv");
        assertRejected(dir, args("predict", "--model", s(model), "--data", s(missing), "--out", s(predOut)), "no-such-file.csv");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--test-data", s(missing)), "no-such-file.csv");
        Path idx = dir.resolve("no-such-images-idx3-ubyte.gz");
        assertRejected(dir, train("--data", s(idx), "--labels", s(dir.resolve("no-labels-idx1-ubyte.gz"))), "no-such-images-idx3-ubyte.gz");
    }

    @Test
    void missingModelFile() {
        Path missing = dir.resolve("no-such-model.json");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--init", s(missing)), "no-such-model.json");
        assertRejected(dir, args("evaluate", "--model", s(missing), "--data", s(iris), "--label", "species"), "no-such-model.json");
        assertRejected(dir, args("predict", "--model", s(missing), "--data", s(iris), "--label", "species", "--out", s(predOut)),
                "no-such-model.json");
    }

    @Test
    void nonNumericCellNamesTheLine() throws IOException {
        Path bad = write("bad.csv", "a,b,c,species\n1,2,3,x\n4,5,6,y\n7,eight,9,x\n");
        assertRejected(dir, train("--data", s(bad), "--label", "species"), "bad.csv:4", "eight");
        Path bad2 = write("bad2.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,,setosa\n");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(bad2), "--label", "species"), "bad2.csv:4");
        assertRejected(dir, args("predict", "--model", s(model), "--data", s(bad2), "--label", "species", "--out", s(predOut)),
                "bad2.csv:4");
        // a target cell with --targets, and no header row
        Path bad3 = write("bad3.csv", "1,2,3\n4,5,6\n7,8,nine\n");
        assertRejected(dir, train("--data", s(bad3), "--targets", "1"), "bad3.csv:3", "nine");
    }

    @Test
    void lineNumbersCountBlankLines() throws IOException {
        Path bad = write("blank.csv", "a,b,c\n1,2,3\n\n   \n4,x,6\n");
        assertRejected(dir, train("--data", s(bad), "--targets", "1"), "blank.csv:5");
    }

    @Test
    void lineNumbersCountQuotedLineBreaksAndCrLf() throws IOException {
        Path crlf = write("crlf.csv", "a,b,c\r\n1,2,3\r\n4,5,6\r\n7,8\r\n");
        assertRejected(dir, train("--data", s(crlf), "--targets", "1"), "crlf.csv:4");
        Path quoted = write("quoted.csv", "a,b,label\n1,2,\"two\nlines\"\n3,4,x\n5,x,y\n");
        assertRejected(dir, train("--data", s(quoted), "--label", "label"), "quoted.csv:5");
    }

    @Test
    void raggedRowNamesTheLine() throws IOException {
        Path shortRow = write("short.csv", "a,b,c,species\n1,2,3,x\n4,5,y\n7,8,9,x\n");
        assertRejected(dir, train("--data", s(shortRow), "--label", "species"), "short.csv:3");
        Path longRow = write("long.csv", "1,2,3\n4,5,6\n7,8,9\n10,11,12,13\n");
        assertRejected(dir, train("--data", s(longRow), "--targets", "1"), "long.csv:4");
        Path irisRagged = write("iris-ragged.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,setosa\n");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(irisRagged), "--label", "species"), "iris-ragged.csv:3");
        assertRejected(dir, args("predict", "--model", s(model), "--data", s(irisRagged), "--label", "species"), "iris-ragged.csv:3");
    }

    @Test
    void nanOrInfinityInDataNamesTheLine() throws IOException {
        String[] cells = {"NaN", "nan", "inf", "-Infinity", "+Infinity", "1e999"};
        for (int i = 0; i < cells.length; i++) {
            Path bad = write("nonfinite" + i + ".csv", "a,b,y\n1,2,3\n4,5,6\n7," + cells[i] + ",9\n");
            assertRejected(dir, train("--data", s(bad), "--targets", "1"), "nonfinite" + i + ".csv:4");
        }
        Path target = write("nonfinite-target.csv", "a,b,y\n1,2,3\n4,5,NaN\n");
        assertRejected(dir, train("--data", s(target), "--targets", "1"), "nonfinite-target.csv:3");
        Path irisNan = write("iris-nan.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n4.9,3.0,NaN,0.2,setosa\n");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(irisNan), "--label", "species"), "iris-nan.csv:3");
        assertRejected(dir, args("predict", "--model", s(model), "--data", s(irisNan), "--label", "species", "--out", s(predOut)),
                "iris-nan.csv:3");
    }

    @Test
    void targetsLargerThanTheColumnCount() {
        assertRejected(dir, train("--data", s(iris), "--targets", "9"), "--targets", "iris.csv");
        assertRejected(dir, train("--data", s(iris), "--targets", "5"), "--targets", "iris.csv");
        assertRejected(dir, train("--data", s(iris), "--targets", "0"), "--targets must be at least 1, got 0");
        assertRejected(dir, train("--data", s(iris), "--targets", "1", "--label", "species"), "--targets", "--label");
    }

    @Test
    void labelNamingAMissingColumn() throws IOException {
        // core says "label 'colour': …" (its parameter); nn names the option
        assertRejected(dir, train("--data", s(iris), "--label", "colour"), "nn train: --label 'colour': no such column in the header of", "iris.csv");
        assertRejected(dir, train("--data", s(iris), "--label", "7"), "--label", "iris.csv");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(iris), "--label", "colour"), "--label", "colour");
        Path noHeader = write("noheader.csv", "1,2,a\n3,4,b\n");
        assertRejected(dir, train("--data", s(noHeader), "--label", "species"), "--label 'species'", "noheader.csv");
    }

    @Test
    void labelNotAmongTheModelsClasses() throws IOException {
        Path other = write("other.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,0.2,rosa\n");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(other), "--label", "species"), "other.csv:3", "rosa");
        assertRejected(dir, train("--data", s(other), "--label", "species", "--init", s(model)), "other.csv:3", "rosa");
    }

    // ------------------------------------------------------------------ options

    @Test
    void unknownOption() {
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--bogus"), "--bogus");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--learning-rat", "0.1"), "--learning-rat");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(iris), "--label", "species", "--out", s(out)), "--out");
        assertRejected(dir, args("--bogus"), "--bogus");
        assertRejected(dir, args("fit", "--data", s(iris)), "fit");
    }

    @Test
    void missingOrMalformedOptionValues() {
        assertRejected(dir, train("--label", "species"), "--data");
        assertRejected(dir, args("evaluate", "--data", s(iris), "--label", "species"), "--model");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(iris)), "--label");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--epochs", "ten"), "--epochs");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--epochs", "0"), "--epochs");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--learning-rate", "fast"), "--learning-rate");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--l2", "-1"), "--l2");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--scale", "log"), "--scale");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--loss", "hinge"), "--loss");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--layers", "8,0"), "--layers");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--layers", "8,x"), "--layers");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--loss", "cross-entropy", "--output-activation", "relu"),
                "--loss");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--init", s(model), "--layers", "3"), "--layers", "--init");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(iris), "--label", "species", "--l2", "-1"), "--l2");
        assertRejected(dir, args("train", "--data", s(iris), "--label", "species", "--out", s(dir.resolve("no-dir").resolve("m.json"))),
                "--out");
    }

    @Test
    void unknownActivationOnTheCommandLine() {
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--activation", "swish"), "--activation", "swish");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--output-activation", "swish"), "--output-activation", "swish");
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--activation", "softmax"), "--activation");
    }

    @Test
    void unknownActivationInAModelFile() throws IOException {
        Path bad = write("bad-activation.json", Files.readString(model).replace("\"softmax\"", "\"softplus\""));
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--init", s(bad)), "bad-activation.json", "softplus");
        assertRejected(dir, args("evaluate", "--model", s(bad), "--data", s(iris), "--label", "species"), "bad-activation.json", "softplus");
        assertRejected(dir, args("predict", "--model", s(bad), "--data", s(iris), "--label", "species", "--out", s(predOut)),
                "bad-activation.json", "softplus");
    }

    @Test
    void nonPositiveLearningRate() {
        for (String rate : new String[] {"-0.1", "0", "-5", "NaN", "Infinity"}) {
            assertRejected(dir, train("--data", s(iris), "--label", "species", "--learning-rate", rate), "--learning-rate");
            assertRejected(dir, train("--data", s(iris), "--label", "species", "--learning-rate=" + rate), "--learning-rate");
        }
    }

    @Test
    void batchSizeZero() {
        for (String k : new String[] {"0", "-1", "half"}) {
            assertRejected(dir, train("--data", s(iris), "--label", "species", "--batch-size", k), "--batch-size");
        }
    }

    // ------------------------------------------------------------------ model files

    @Test
    void layersThatDoNotChain() throws IOException {
        Path bad = write("nochain.json", """
                {"layers": [
                  {"activation": "sigmoid", "weights": [[1,2,3,4],[5,6,7,8]], "bias": [0,0]},
                  {"activation": "softmax", "weights": [[1,2,3],[4,5,6],[7,8,9]], "bias": [0,0,0]}
                ], "classes": ["setosa", "versicolor", "virginica"]}
                """);
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--init", s(bad)), "nochain.json", "layers[1]");
        assertRejected(dir, args("evaluate", "--model", s(bad), "--data", s(iris), "--label", "species"), "nochain.json", "layers[1]");
        assertRejected(dir, args("predict", "--model", s(bad), "--data", s(iris), "--label", "species", "--out", s(predOut)),
                "nochain.json", "layers[1]");
        Path badBias = write("badbias.json", """
                {"layers": [{"activation": "sigmoid", "weights": [[1,2,3,4],[5,6,7,8]], "bias": [0]}]}
                """);
        assertRejected(dir, args("predict", "--model", s(badBias), "--data", s(iris), "--label", "species"), "badbias.json", "layers[0]");
        Path ragged = write("raggedweights.json", """
                {"layers": [{"activation": "sigmoid", "weights": [[1,2,3,4],[5,6,7]], "bias": [0,0]}]}
                """);
        assertRejected(dir, args("predict", "--model", s(ragged), "--data", s(iris), "--label", "species"), "raggedweights.json", "layers[0]");
    }

    @Test
    void modelInputWidthDoesNotMatchTheData() throws IOException {
        // iris without petal_width: 3 inputs, but the same species labels
        List<String> three = new ArrayList<>();
        for (String line : Files.readAllLines(iris)) {
            String[] c = line.split(",");
            three.add(c[0] + "," + c[1] + "," + c[2] + "," + c[4]);
        }
        Path narrow = dir.resolve("iris3.csv");
        Files.write(narrow, three, StandardCharsets.UTF_8);
        // the model has a scaling for 4 columns: the width must be checked before it is applied
        assertRejected(dir, train("--data", s(narrow), "--label", "species", "--init", s(model)), "--init", "m.json", "iris3.csv", "4 inputs");
        assertRejected(dir, train("--data", s(narrow), "--label", "species", "--init", s(model), "--scale", "none"),
                "--init", "m.json", "iris3.csv");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(narrow), "--label", "species"), "m.json", "iris3.csv", "4 inputs");
        assertRejected(dir, args("predict", "--model", s(model), "--data", s(narrow), "--label", "species", "--out", s(predOut)),
                "m.json", "iris3.csv", "4 inputs");
        // and a test set narrower than the training data
        assertRejected(dir, train("--data", s(iris), "--label", "species", "--test-data", s(narrow)), "--test-data", "iris3.csv");
    }

    @Test
    void modelOutputWidthDoesNotMatchTheData() throws IOException {
        Path regression = write("reg.csv", "a,b,c,d,y\n1,2,3,4,5\n2,3,4,5,6\n");
        assertRejected(dir, train("--data", s(regression), "--targets", "1", "--init", s(model)), "--init", "m.json", "reg.csv");
        assertRejected(dir, args("evaluate", "--model", s(model), "--data", s(regression), "--targets", "1"), "m.json", "reg.csv");
    }

    @Test
    void truncatedOrInvalidModelJson() throws IOException {
        String json = Files.readString(model);
        Path truncated = write("truncated.json", json.substring(0, json.length() / 2));
        Path invalid = write("invalid.json", "this is not json\n");
        Path empty = write("empty.json", "");
        Path noLayers = write("nolayers.json", "{\"loss\": \"mse\"}");
        Path trailing = write("trailing.json", json + "}");
        String notANumber = json.replaceFirst("(\"weights\": *\\[\\s*\\[)[-+0-9.eE]+", "$1\"x\"");
        assertNotEquals(json, notANumber);
        Path badNumber = write("badnumber.json", notANumber);
        for (Path bad : List.of(truncated, invalid, empty, noLayers, trailing, badNumber)) {
            String name = bad.getFileName().toString();
            assertRejected(dir, train("--data", s(iris), "--label", "species", "--init", s(bad)), name);
            assertRejected(dir, args("evaluate", "--model", s(bad), "--data", s(iris), "--label", "species"), name);
            assertRejected(dir, args("predict", "--model", s(bad), "--data", s(iris), "--label", "species", "--out", s(predOut)), name);
        }
        String line = assertRejected(dir, args("evaluate", "--model", s(truncated), "--data", s(iris), "--label", "species"),
                "truncated.json");
        assertTrue(line.contains("line"), "a truncated model should be reported with its line: " + line);
    }

    // ------------------------------------------------------------------ helpers

    /** {@code nn train} with {@code --out} the pre-existing out.json, then {@code rest}. */
    private String[] train(String... rest) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(List.of(rest));
        if (!a.contains("--out")) a.addAll(List.of("--out", s(out)));
        if (!a.contains("--epochs")) a.addAll(List.of("--epochs", "1")); // should it get that far, keep it short
        return a.toArray(new String[0]);
    }

    private static String[] args(String... a) {
        return a;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String s(Path p) {
        return p.toString();
    }
}
