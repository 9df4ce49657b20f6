package org.backprop4j.spark;

import org.junit.jupiter.api.condition.EnabledForJreRange;

import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.backprop4j.options.PlanOptions;
import org.backprop4j.options.TrainingPlan;
import org.backprop4j.options.WeightOptions;
import org.backprop4j.inspect.LayerProbe;
import org.backprop4j.report.MetricsFile;
import org.backprop4j.report.RunHistory;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.backprop4j.spark.SparkTrainerTest.IRIS;
import static org.backprop4j.spark.SparkTrainerTest.assertSameWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared options mean the same on Spark: {@code nn train --spark} with full batches makes the
 * model that {@code nn train}'s own {@link TrainingPlan} makes from the same options (up to the order
 * of the distributed sums): every option of nn train's groups, the weights, the encodings, the split.
 */
@EnabledForJreRange(maxVersion = SparkLaunch.NEWEST_JAVA)
class SparkSharedOptionsTest {
    /** Option sets between them using the shared network and training options that work on Spark. */
    static final List<List<String>> OPTION_SETS = List.of(
            List.of("--layers", "6", "--activation", "relu", "--loss", "cross-entropy", "--init-weights", "he-uniform", "--seed", "3",
                    "--scale", "standard", "--optimizer", "adamw", "--beta1", "0.8", "--weight-decay", "0.02", "--l1", "0.001",
                    "--clip-norm", "0.5"),
            List.of("--layers", "5,4", "--activation", "tanh", "--output-activation", "sigmoid", "--scale", "minmax", "--l2", "0.01",
                    "--optimizer", "momentum", "--momentum", "0.8", "--schedule", "step", "--step-every", "2", "--gamma", "0.5",
                    "--no-shuffle", "--threads", "2"),
            List.of("--layers", "6", "--activation", "tanh", "--loss", "cross-entropy", "--scale", "standard",
                    "--validation-data", IRIS.toString(), "--early-stopping", "--patience", "2", "--min-delta", "0.02",
                    "--schedule", "plateau", "--plateau-patience", "1"),
            List.of("--layers", "6", "--activation", "tanh", "--loss", "cross-entropy", "--scale", "minmax", "--validation-split", "0.3",
                    "--early-stopping", "--patience", "3", "--class-weights", "setosa=1,versicolor=2,virginica=0.5"));

    @BeforeAll
    static void quietSpark() {
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.driver.host", "127.0.0.1");
    }

    /** The option groups of nn train, as nn train mixes them in. */
    @Command(name = "train")
    static final class Train extends PlanOptions {
        @Mixin WeightOptions weights;

        /** The model nn train makes: the plan, fitted on the data read and weighted as nn train reads and weighs it. */
        Model model(String... args) {
            CommandLine local = new CommandLine(this);
            local.parseArgs(args);
            TrainingPlan plan = plan(local.getParseResult(), 1);
            return plan.fit(weights.apply(plan.load(), data)).model();
        }
    }

    /** Trains with {@code nn train --spark local[2] --quiet} and returns the model file's model. */
    static Model onSpark(Path out, List<String> args) {
        List<String> spark = new ArrayList<>(List.of("--spark", "local[2]", "--quiet", "--out", out.toString()));
        spark.addAll(args);
        StringWriter err = new StringWriter();
        assertEquals(0, SparkTrainCommand.run(spark.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err)),
                err::toString);
        return ModelJson.read(out);
    }

    static void assertSameModel(Model expected, Model actual, String what) {
        assertEquals(expected.loss(), actual.loss(), what);
        assertEquals(expected.classes(), actual.classes(), what);
        assertEquals(expected.l2(), actual.l2(), what);
        assertEquals(expected.categorical(), actual.categorical(), what);
        assertEquals(expected.scaler().method(), actual.scaler().method(), what);
        assertArrayEquals(expected.scaler().shift(), actual.scaler().shift(), 1e-6f, what);
        assertArrayEquals(expected.scaler().divide(), actual.scaler().divide(), 1e-5f, what);
        assertSameWeights(expected.network(), actual.network(), 1e-4f);
    }

    @Test
    void sharedOptionsMakeTheModelNnTrainMakes(@TempDir Path dir) {
        for (int s = 0; s < OPTION_SETS.size(); s++) {
            List<String> args = new ArrayList<>(List.of("--data", IRIS.toString(), "--label", "species", "--batch-size", "full",
                    "--epochs", "8", "--learning-rate", "0.3"));
            args.addAll(OPTION_SETS.get(s));
            Model expected = new Train().model(args.toArray(String[]::new));
            assertSameModel(expected, onSpark(dir.resolve("spark" + s + ".json"), args), "options " + OPTION_SETS.get(s));
        }
    }

    /**
     * Iris with a categorical column in the middle and a column of sample weights: one-hot encoding,
     * sample weights times balanced class weights and a validation split held out of the file make on
     * Spark the model nn train makes; a category the training data did not have is one line, exit 2.
     */
    @Test
    void categoriesWeightsAndAValidationSplitMakeTheModelNnTrainMakes(@TempDir Path dir) throws Exception {
        List<String> lines = Files.readAllLines(IRIS);
        String[] colours = {"red", "green", "blue", "green"};
        List<String> table = new ArrayList<>(List.of("sepal_length,colour,sepal_width,petal_length,petal_width,w,species"));
        for (int i = 1; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",");
            table.add(String.join(",", c[0], colours[i * 7 % 4], c[1], c[2], c[3], Float.toString(0.5f + (i * 5 % 7) * 0.25f), c[4]));
        }
        Path csv = Files.write(dir.resolve("iris-colours.csv"), table);
        List<String> args = List.of("--data", csv.toString(), "--label", "species", "--categorical", "colour", "--sample-weights", "w",
                "--class-weights", "balanced", "--validation-split", "0.2", "--layers", "6", "--activation", "tanh", "--loss",
                "cross-entropy", "--scale", "standard", "--batch-size", "full", "--epochs", "8", "--learning-rate", "0.3",
                "--early-stopping", "--patience", "3");
        Model expected = new Train().model(args.toArray(String[]::new));
        assertEquals(List.of("blue", "green", "red"), expected.categorical().columns().get(0).categories());
        assertSameModel(expected, onSpark(dir.resolve("spark.json"), args), "categorical, weights, split");

        List<String> unknown = new ArrayList<>(table.subList(0, 3));
        unknown.set(2, unknown.get(2).replace(",red,", ",purple,").replace(",green,", ",purple,").replace(",blue,", ",purple,"));
        Path test = Files.write(dir.resolve("purple.csv"), unknown);
        List<String> withTest = new ArrayList<>(List.of("--spark", "local[2]", "--out", dir.resolve("never.json").toString(),
                "--test-data", test.toString()));
        withTest.addAll(args);
        StringWriter err = new StringWriter();
        assertEquals(2, SparkTrainCommand.run(withTest.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err)));
        String line = err.toString().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("purple.csv: data row 2, column 1: category 'purple' is not one of the training data's categories"), line);
        assertFalse(Files.exists(dir.resolve("never.json")));
    }

    /** --features widens LIBSVM rows to N inputs as nn train does; fewer than the file's largest index is one line. */
    @Test
    void libsvmWithFeaturesIsTheModelNnTrainMakes(@TempDir Path dir) throws Exception {
        List<String> lines = Files.readAllLines(IRIS);
        List<String> svm = new ArrayList<>();
        List<String> species = List.of("setosa", "versicolor", "virginica");
        for (int i = 1; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",");
            svm.add(species.indexOf(c[4]) + " 1:" + c[0] + " 2:" + c[1] + " 3:" + c[2] + (i % 3 == 0 ? "" : " 4:" + c[3]));
        }
        Path file = Files.write(dir.resolve("iris.svm"), svm);
        List<String> args = List.of("--data", file.toString(), "--features", "6", "--layers", "5", "--activation", "tanh",
                "--loss", "cross-entropy", "--scale", "minmax", "--batch-size", "full", "--epochs", "6", "--learning-rate", "0.3");
        Model expected = new Train().model(args.toArray(String[]::new));
        assertEquals(6, expected.network().inputs());
        assertSameModel(expected, onSpark(dir.resolve("svm.json"), args), "--features 6");

        StringWriter err = new StringWriter();
        assertEquals(2, SparkTrainCommand.run(new String[] {"--spark", "local[2]", "--data", file.toString(), "--features", "3",
                "--out", dir.resolve("never.json").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err)));
        assertEquals("nn train --spark: --features 3, but " + file + " has feature index 4", err.toString().strip());
    }

    /** --scale with --init: a scaling fitted anew on the data replaces the model's, as in nn train. */
    @Test
    void scaleWithInitFitsTheScalingAnewAsNnTrainDoes(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.json");
        List<String> begin = List.of("--data", IRIS.toString(), "--label", "species", "--layers", "5", "--loss", "cross-entropy",
                "--scale", "minmax", "--batch-size", "full", "--epochs", "3", "--learning-rate", "0.3");
        Model start = new Train().model(begin.toArray(String[]::new));
        ModelJson.write(start, first);
        List<String> args = List.of("--data", IRIS.toString(), "--label", "species", "--init", first.toString(), "--scale", "standard",
                "--batch-size", "full", "--epochs", "5", "--learning-rate", "0.3");
        Model expected = new Train().model(args.toArray(String[]::new));
        assertEquals("standard", expected.scaler().method());
        assertSameModel(expected, onSpark(dir.resolve("rescaled.json"), args), "--init with --scale");
    }

    /**
     * --metrics and --report on Spark: with full batches the metrics file holds, epoch by epoch, the
     * figures nn train's own history writes (costs, accuracies, validation, per-layer norms and
     * saturation; not the timings), and the report is written with the Spark settings and a confusion matrix.
     */
    @Test
    void metricsAndReportAreNnTrainsFigures(@TempDir Path dir) throws Exception {
        List<String> args = new ArrayList<>(List.of("--data", IRIS.toString(), "--label", "species", "--layers", "6", "--activation",
                "tanh", "--loss", "cross-entropy", "--scale", "standard", "--batch-size", "full", "--epochs", "5", "--learning-rate", "0.3",
                "--l2", "0.001", "--validation-split", "0.2"));
        Train t = new Train();
        CommandLine local = new CommandLine(t);
        local.parseArgs(args.toArray(String[]::new));
        TrainingPlan plan = TrainingPlan.of(local.getParseResult(), t.data, t.network, t.steps, t.training, t.validation, 1);
        TrainingPlan.Start run = plan.prepare(plan.load());
        TrainingConfig config = plan.config();
        RunHistory history = new RunHistory(new LayerProbe(run.data(), config.loss(), config.l2(), LayerProbe.MAX_SAMPLES, config.seed()),
                run.validation(), config.loss(), config.l2(), run.data().classes());
        plan.fit(run, history);
        Path expected = dir.resolve("expected.csv");
        MetricsFile.write(expected, history, run.data().size());

        Path metrics = dir.resolve("metrics.csv"), report = dir.resolve("report.html");
        args.addAll(List.of("--metrics", metrics.toString(), "--report", report.toString()));
        onSpark(dir.resolve("m.json"), args);
        List<String> want = Files.readAllLines(expected), got = Files.readAllLines(metrics);
        assertEquals(want.get(0), got.get(0));
        assertEquals(6, got.size(), "a header and 5 epochs");
        List<String> header = List.of(want.get(0).split(","));
        for (int r = 1; r < want.size(); r++) {
            String[] w = want.get(r).split(",", -1), g = got.get(r).split(",", -1);
            for (int c = 0; c < w.length; c++) {
                if (header.get(c).equals("seconds") || header.get(c).equals("samples_per_s")) continue;
                assertEquals(w[c].isEmpty(), g[c].isEmpty(), header.get(c));
                if (!w[c].isEmpty()) assertEquals(Double.parseDouble(w[c]), Double.parseDouble(g[c]), 1e-4, "epoch " + r + " " + header.get(c));
            }
        }
        String page = Files.readString(report);
        assertTrue(page.contains("<h1>Training report</h1>"), "the report");
        assertTrue(page.contains("synchronous aggregation (tree depth 2)"), "the Spark settings");
        assertTrue(page.contains("iris.csv (validation split)"), "the confusion matrix of the held-out rows");
    }
}
