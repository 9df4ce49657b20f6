package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code nn train --sample-weights COLUMN} and {@code --class-weights balanced|LIST}, and their mistakes in one line. */
class WeightsCommandTest {
    @TempDir
    Path dir;

    /** Iris with a column "w" (weight 3 for setosa, 1 for the others) between the inputs and the label. */
    private Path weightedIris() throws Exception {
        List<String> lines = Files.readAllLines(Cli.copyIris(dir));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            int cut = line.lastIndexOf(',');
            String w = i == 0 ? "w" : line.endsWith("setosa") ? "3" : "1";
            out.add(line.substring(0, cut) + "," + w + line.substring(cut));
        }
        Path csv = dir.resolve("weighted.csv");
        Files.write(csv, out);
        return csv;
    }

    private String[] train(Path csv, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", csv.toString(), "--label", "species", "--layers", "5",
                "--activation", "tanh", "--loss", "cross-entropy", "--scale", "standard", "--epochs", "20", "--learning-rate", "0.1",
                "--quiet", "--out", dir.resolve("m.json").toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(new String[0]);
    }

    @Test
    void theWeightColumnIsNotAnInputAndWeightsChangeTheModel() throws Exception {
        Path csv = weightedIris();
        Cli.run(train(csv, "--sample-weights", "w")).ok();
        Model weighted = ModelJson.read(dir.resolve("m.json"));
        assertEquals(4, weighted.network().inputs(), "the weight column is not an input");
        Cli.run(train(csv, "--sample-weights", "4")).ok();   // the same column by its 0-based index
        assertEquals(Arrays.toString(weighted.network().layer(0).weights().data),
                Arrays.toString(ModelJson.read(dir.resolve("m.json")).network().layer(0).weights().data));

        Path iris = Cli.copyIris(Files.createDirectories(dir.resolve("plain")));
        Cli.run(train(iris, "--class-weights", "balanced")).ok();
        float[] balanced = ModelJson.read(dir.resolve("m.json")).network().layer(0).weights().data;
        Cli.run(train(iris)).ok();
        float[] unweighted = ModelJson.read(dir.resolve("m.json")).network().layer(0).weights().data;
        assertEquals(Arrays.toString(unweighted), Arrays.toString(balanced), "Iris is balanced: w_c = 150 / (3 · 50) = 1 exactly");
        Cli.run(train(iris, "--class-weights", "setosa=1,versicolor=4,virginica=1")).ok();
        float[] listed = ModelJson.read(dir.resolve("m.json")).network().layer(0).weights().data;
        assertFalse(Arrays.toString(unweighted).equals(Arrays.toString(listed)), "weight 4 on versicolor changes the model");
    }

    /** Validation data has its own weight column, which is not an input there either; the run watches the weighted cost. */
    @Test
    void validationDataTakesItsOwnWeightColumn() throws Exception {
        Path csv = weightedIris();
        Cli.run(train(csv, "--sample-weights", "w", "--validation-data", csv.toString(), "--early-stopping", "--patience", "3")).ok();
        assertEquals(4, ModelJson.read(dir.resolve("m.json")).network().inputs());
        Cli.run(train(csv, "--class-weights", "balanced", "--validation-split", "0.2")).ok();
    }

    @Test
    void mistakesAreOneLine() throws Exception {
        Path csv = weightedIris();
        Cli.assertRejected(dir, train(csv, "--sample-weights", "nosuch"), "--sample-weights 'nosuch'", "no such column");
        Cli.assertRejected(dir, train(csv, "--sample-weights", "species"), "--sample-weights species", "the label column");
        Cli.assertRejected(dir, train(csv, "--class-weights", "setosa=1"), "--class-weights", "no weight for class 'versicolor'");
        Cli.assertRejected(dir, train(csv, "--class-weights", "1,2"), "--class-weights", "2 weights for the 3 classes");
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        lines.set(5, lines.get(5).replace(",3,setosa", ",-2,setosa"));
        Files.write(csv, lines);
        Cli.assertRejected(dir, train(csv, "--sample-weights", "w"), "weighted.csv:6", "sample weight -2");
    }

    /** nn train records where its model came from; two runs of one command give the same file, weights and all. */
    @Test
    void theModelFileRecordsItsProvenance() throws Exception {
        Path iris = Cli.copyIris(dir);
        String[] args = train(iris, "--seed", "3");
        Cli.run(args).ok();
        byte[] first = Files.readAllBytes(dir.resolve("m.json"));
        org.backprop4j.io.Provenance p = ModelJson.readFile(dir.resolve("m.json")).provenance();
        assertEquals(Arrays.asList(args), p.command());
        assertEquals(3, p.seed());
        assertEquals(iris.toString(), p.data().get(0).file());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(iris))),
                p.data().get(0).sha256());
        assertEquals("Backprop4j " + System.getProperty("backprop4j.pom.version"), p.writtenBy());
        Cli.run(args).ok();
        assertEquals(new String(first, java.nio.charset.StandardCharsets.UTF_8), Files.readString(dir.resolve("m.json")));
    }
}
