package org.backprop4j.cli;

import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.backprop4j.cli.Cli.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nn train}'s options beyond the seed's: every bad value is one line naming the option with
 * nothing written; a run with all of them saves a version-2 model with its training record; and
 * {@code --init} continues a run exactly.
 */
class TrainingOptionsTest {
    private static final String OLD_MODEL = "{\"previous\": \"model, must survive\"}\n";

    @TempDir Path dir;
    Path iris;
    Path out;

    @BeforeEach
    void setUp() throws IOException {
        iris = Cli.copyIris(dir);
        out = Files.writeString(dir.resolve("out.json"), OLD_MODEL);
    }

    private String[] train(String... rest) {
        List<String> a = new ArrayList<>(List.of("train", "--data", iris.toString(), "--label", "species", "--layers", "5",
                "--loss", "cross-entropy", "--quiet"));
        a.addAll(List.of(rest));
        if (!a.contains("--out")) a.addAll(List.of("--out", out.toString()));
        if (!a.contains("--epochs")) a.addAll(List.of("--epochs", "2"));
        return a.toArray(new String[0]);
    }

    @Test
    void updateRuleOptions() {
        assertRejected(dir, train("--optimizer", "lbfgs"), "--optimizer", "lbfgs", "adamw");
        assertRejected(dir, train("--optimizer", "momentum", "--momentum", "1.5"), "--momentum", "1.5");
        assertRejected(dir, train("--optimizer", "adam", "--momentum", "0.9"), "--momentum", "does not apply to --optimizer adam");
        assertRejected(dir, train("--momentum", "0.9"), "--momentum", "--optimizer sgd");
        assertRejected(dir, train("--optimizer", "adam", "--beta1", "abc"), "--beta1", "abc");
        assertRejected(dir, train("--optimizer", "adam", "--beta2", "1"), "--beta2");
        assertRejected(dir, train("--optimizer", "adam", "--epsilon", "0"), "--epsilon");
        assertRejected(dir, train("--optimizer", "rmsprop", "--rho", "-0.1"), "--rho");
        assertRejected(dir, train("--optimizer", "adamw", "--weight-decay", "-1"), "--weight-decay");
        assertRejected(dir, train("--optimizer", "adam", "--weight-decay", "0.1"), "--weight-decay", "does not apply");
        assertRejected(dir, train("--l1", "-1"), "--l1");
        assertRejected(dir, train("--clip-norm", "0"), "--clip-norm");
    }

    @Test
    void scheduleOptions() {
        assertRejected(dir, train("--schedule", "warmup"), "--schedule", "warmup", "plateau");
        assertRejected(dir, train("--schedule", "step", "--step-every", "0"), "--step-every");
        assertRejected(dir, train("--schedule", "exponential", "--gamma", "2"), "--gamma");
        assertRejected(dir, train("--schedule", "invscaling", "--power", "0"), "--power");
        assertRejected(dir, train("--schedule", "cosine", "--min-learning-rate", "0.5"), "--min-learning-rate", "below the learning rate");
        assertRejected(dir, train("--schedule", "plateau", "--plateau-factor", "1"), "--plateau-factor");
        assertRejected(dir, train("--schedule", "plateau", "--plateau-patience", "0"), "--plateau-patience");
        assertRejected(dir, train("--gamma", "0.5"), "--gamma", "does not apply to --schedule constant");
    }

    @Test
    void networkAndRegularisationOptions() throws IOException {
        assertRejected(dir, train("--init-weights", "glorot"), "--init-weights", "glorot", "xavier-uniform");
        Path model = dir.resolve("m.json");
        Cli.run(train("--out", model.toString())).ok();
        assertRejected(dir, train("--init", model.toString(), "--init-weights", "he-normal"), "--init-weights", "--init");
        assertRejected(dir, train("--dropout", "1.0"), "--dropout", "1.0");
        assertRejected(dir, train("--dropout", "half"), "--dropout", "half");
        assertRejected(dir, train("--dropout", "0.1,0.2"), "--dropout", "2 rates", "1 hidden layer");
        assertRejected(dir, train("--activation", "swish"), "--activation", "gelu", "leaky-relu");
    }

    @Test
    void validationAndEarlyStoppingOptions() throws IOException {
        assertRejected(dir, train("--validation-split", "1.5"), "--validation-split");
        assertRejected(dir, train("--validation-split", "0.001"), "--validation-split", "leaves 0 for validation");
        Path other = Files.copy(iris, dir.resolve("validation.csv"));
        assertRejected(dir, train("--validation-split", "0.2", "--validation-data", other.toString()), "--validation-split", "--validation-data");
        assertRejected(dir, train("--validation-labels", other.toString()), "--validation-labels needs --validation-data");
        assertRejected(dir, train("--validation-data", dir.resolve("missing.csv").toString()), "missing.csv");
        Path narrow = Files.writeString(dir.resolve("narrow.csv"), "a,b,species\n1,2,setosa\n");
        assertRejected(dir, train("--validation-data", narrow.toString()), "--validation-data", "2 input columns");
        assertRejected(dir, train("--patience", "0"), "--patience");
        assertRejected(dir, train("--min-delta", "0.1"), "--min-delta", "--early-stopping");
        assertRejected(dir, train("--early-stopping", "--min-delta", "-1"), "--min-delta");
    }

    @Test
    void everythingTogetherSavesAVersion2ModelWithItsRecord() throws IOException {
        Path model = dir.resolve("full.json");
        Cli.Result r = Cli.run("train", "--data", iris.toString(), "--label", "species", "--layers", "16,8", "--activation", "elu",
                "--loss", "cross-entropy", "--scale", "standard", "--optimizer", "adamw", "--weight-decay", "0.001",
                "--learning-rate", "0.01", "--schedule", "cosine", "--min-learning-rate", "0.001", "--init-weights", "he-normal",
                "--dropout", "0.1,0.05", "--l1", "0.0001", "--clip-norm", "5", "--validation-split", "0.2", "--early-stopping",
                "--patience", "5", "--batch-size", "8", "--epochs", "300", "--out", model.toString()).ok();
        assertTrue(r.err().contains("early stopping:"), r.err());
        ModelFile saved = ModelJson.readFile(model);
        assertTrue(saved.training().stoppedEpoch() < 300, "stopped early at " + saved.training().stoppedEpoch());
        assertEquals(saved.training().stoppedEpoch() - 5, saved.training().bestEpoch());
        assertEquals("adamw", saved.training().optimizer().rule());
        assertTrue(Files.readString(model).contains("\"version\": 2"));
        Cli.Result e = Cli.run("evaluate", "--model", model.toString(), "--data", iris.toString(), "--label", "species", "--json").ok();
        double accuracy = (Double) Cli.jsonFields(e.out()).get("accuracy");
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }

    @Test
    void validationDataFromAFile() throws IOException {
        Path model = dir.resolve("v.json");
        Path validation = Files.copy(iris, dir.resolve("validation.csv"));
        Cli.Result r = Cli.run(train("--validation-data", validation.toString(), "--patience", "2", "--epochs", "5",
                "--out", model.toString())).ok();
        assertEquals(0, r.code());
        assertTrue(ModelJson.readFile(model).training().stoppedEpoch() <= 5);
    }

    /** With the same options, 2 epochs and then 2 more with --init give the file of 4 epochs, byte for byte. */
    @Test
    void initContinuesTheRunExactly() throws IOException {
        String[] common = {"train", "--data", iris.toString(), "--label", "species", "--loss", "cross-entropy",
                "--optimizer", "adam", "--learning-rate", "0.01", "--batch-size", "16", "--scale", "standard", "--dropout", "0.2",
                "--seed", "5", "--quiet"};
        Path four = dir.resolve("four.json"), two = dir.resolve("two.json"), twoMore = dir.resolve("two-more.json");
        Cli.run(concat(common, "--layers", "8", "--activation", "relu", "--epochs", "4", "--out", four.toString())).ok();
        Cli.run(concat(common, "--layers", "8", "--activation", "relu", "--epochs", "2", "--out", two.toString())).ok();
        Cli.run(concat(common, "--init", two.toString(), "--epochs", "2", "--out", twoMore.toString())).ok();
        assertArrayEquals(Cli.modelBytes(four), Cli.modelBytes(twoMore));
        assertEquals(4, ModelJson.readFile(twoMore).training().stoppedEpoch());

        // another update rule starts from a fresh state, and says so
        Cli.Result r = Cli.run("train", "--data", iris.toString(), "--label", "species", "--init", two.toString(),
                "--optimizer", "momentum", "--epochs", "1", "--out", dir.resolve("m.json").toString()).ok();
        assertTrue(r.err().contains("holds adam state; --optimizer momentum starts from a fresh one"), r.err());
    }

    @Test
    void helpDocumentsEveryOption() {
        String help = Cli.run("train", "--help").ok().out();
        for (String o : List.of("--optimizer", "--momentum", "--rho", "--beta1", "--beta2", "--epsilon", "--weight-decay", "--l1",
                "--clip-norm", "--schedule", "--step-every", "--gamma", "--power", "--min-learning-rate", "--plateau-patience",
                "--plateau-factor", "--init-weights", "--dropout", "--validation-split", "--validation-data", "--validation-labels",
                "--early-stopping", "--patience", "--min-delta")) {
            assertTrue(help.matches("(?s).*\\s" + o + "[=,\\s].*"), "nn train --help should document " + o);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
