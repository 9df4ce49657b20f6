package org.backprop4j.spark;

import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.backprop4j.options.PlanOptions;
import org.backprop4j.options.TrainingPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
 * of the distributed sums); what Spark cannot do yet is refused in one line before Spark starts.
 */
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
                    "--schedule", "plateau", "--plateau-patience", "1"));

    /** One value for each option Spark refuses. */
    static final Map<String, List<String>> REFUSED = Map.ofEntries(
            Map.entry("--features", List.of("--features", "4")),
            Map.entry("--categorical", List.of("--categorical", "0")),
            Map.entry("--validation-split", List.of("--validation-split", "0.2")),
            Map.entry("--report", List.of("--report", "r.html")),
            Map.entry("--metrics", List.of("--metrics", "m.csv")));

    @BeforeAll
    static void quietSpark() {
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.driver.host", "127.0.0.1");
    }

    /** The option groups of nn train, as nn train mixes them in. */
    @Command(name = "train")
    static final class Train extends PlanOptions {
    }

    @Test
    void sharedOptionsMakeTheModelNnTrainMakes(@TempDir Path dir) {
        for (int s = 0; s < OPTION_SETS.size(); s++) {
            List<String> args = new ArrayList<>(List.of("--data", IRIS.toString(), "--label", "species", "--batch-size", "full",
                    "--epochs", "8", "--learning-rate", "0.3"));
            args.addAll(OPTION_SETS.get(s));
            Train t = new Train();
            CommandLine local = new CommandLine(t);
            local.parseArgs(args.toArray(String[]::new));
            TrainingPlan plan = t.plan(local.getParseResult(), 1);
            Model expected = plan.fit(plan.load()).model();

            Path out = dir.resolve("spark" + s + ".json");
            List<String> spark = new ArrayList<>(List.of("--spark", "local[2]", "--quiet", "--out", out.toString()));
            spark.addAll(args);
            StringWriter err = new StringWriter();
            assertEquals(0, SparkTrainCommand.run(spark.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err)),
                    err::toString);
            Model actual = ModelJson.read(out);
            String what = "options " + OPTION_SETS.get(s);
            assertEquals(expected.loss(), actual.loss(), what);
            assertEquals(expected.classes(), actual.classes(), what);
            assertEquals(expected.l2(), actual.l2(), what);
            assertEquals(expected.scaler().method(), actual.scaler().method(), what);
            assertArrayEquals(expected.scaler().shift(), actual.scaler().shift(), 1e-6f, what);
            assertSameWeights(expected.network(), actual.network(), 1e-4f);
        }
    }

    @Test
    void whatSparkCannotDoYetIsRefusedInOneLineBeforeSparkStarts(@TempDir Path dir) {
        assertEquals(SparkTrainCommand.NOT_YET_ON_SPARK.keySet(), REFUSED.keySet(), "a value for each refused option");
        for (Map.Entry<String, List<String>> o : REFUSED.entrySet()) {
            Path out = dir.resolve("m.json");
            List<String> args = new ArrayList<>(List.of("--spark", "local[2]", "--data", IRIS.toString(), "--label", "species",
                    "--out", out.toString()));
            args.addAll(o.getValue());
            StringWriter err = new StringWriter();
            assertEquals(2, SparkTrainCommand.run(args.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err)),
                    o.getKey());
            String line = err.toString().strip();
            assertEquals(1, line.lines().count(), line);
            assertTrue(line.startsWith("nn train --spark: " + o.getKey() + " does not work on Spark yet: "), line);
            assertFalse(Files.exists(out), o.getKey());
        }
    }
}
