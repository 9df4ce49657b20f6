package org.backprop4j.cli;

import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.eval.Folds;
import org.backprop4j.eval.Metrics;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each shared option means the same in {@code nn train}, {@code nn compare} and {@code nn cross-validate}:
 * given the same options, compare's full-batch run ends at the cost of train's model, and each fold of
 * cross-validate is the model train makes from that fold's rows. (On Spark: SparkSharedOptionsTest.)
 */
class SharedOptionsTest {
    /** Option sets that between them use every shared network and training option; each is run through all three commands. */
    static final List<List<String>> OPTION_SETS = List.of(
            List.of("--layers", "6", "--activation", "relu", "--loss", "cross-entropy", "--init-weights", "he-uniform", "--seed", "3"),
            List.of("--layers", "5,4", "--activation", "tanh", "--output-activation", "sigmoid", "--scale", "minmax", "--l2", "0.01",
                    "--threads", "1"),
            List.of("--layers", "none", "--loss", "cross-entropy", "--optimizer", "momentum", "--momentum", "0.8",
                    "--schedule", "step", "--step-every", "2", "--gamma", "0.5", "--scale", "standard"),
            List.of("--layers", "7", "--activation", "elu", "--optimizer", "adamw", "--beta1", "0.8", "--weight-decay", "0.02",
                    "--l1", "0.001", "--clip-norm", "0.5", "--dropout", "0.25", "--no-shuffle", "--seed", "5"),
            List.of("--layers", "4", "--activation", "softplus", "--optimizer", "rmsprop", "--rho", "0.8", "--epsilon", "1e-6",
                    "--schedule", "cosine", "--min-learning-rate", "0.01", "--init-weights", "lecun-normal", "--seed", "2"));
    static final int EPOCHS = 4;
    static final String ALPHA = "0.3";

    @TempDir
    Path dir;

    @Test
    void compareAndCrossValidateTrainWhatTrainTrains() throws Exception {
        Path iris = Cli.copyIris(dir);
        Dataset raw = CsvReader.read(iris, Columns.label("species"), null);
        for (int s = 0; s < OPTION_SETS.size(); s++) {
            List<String> options = OPTION_SETS.get(s);
            String what = "options " + options;
            Model trained = train(iris, options, "m" + s + ".json");

            Path plots = dir.resolve("compare" + s);
            Cli.run(args("compare", iris, options, "--batch-sizes", "full", "--epochs", Integer.toString(EPOCHS), "--learning-rate", ALPHA,
                    "--points", "1", "--out", plots.toString(), "--quiet")).ok();
            String row = Files.readAllLines(plots.resolve("compare.csv")).get(1);
            double compared = Double.parseDouble(row.substring(row.indexOf(')') + 2).split(",")[5]);
            assertEquals(Evaluation.of(trained, raw, trained.l2()).cost(), compared, 1e-12, what + ": compare's final cost J");

            Map<String, Object> cv = JsonTree.object(Cli.run(args("cross-validate", iris, options, "--folds", "2", "--batch-size", "full",
                    "--epochs", Integer.toString(EPOCHS), "--learning-rate", ALPHA, "--json")).ok().out().trim());
            long seed = options.contains("--seed") ? Long.parseLong(options.get(options.indexOf("--seed") + 1)) : 1;
            int[][] heldOut = Folds.split(raw, 2, true, seed);
            for (int f = 0; f < 2; f++) {
                Path rows = foldFile(iris, Folds.complement(heldOut[f], raw.size()), "fold" + s + f + ".csv");
                Model fold = train(rows, options, "fold" + s + f + ".json");
                Metrics m = Metrics.of(fold, raw.subset(heldOut[f]), fold.l2());
                @SuppressWarnings("unchecked") Map<String, Object> reported = (Map<String, Object>) JsonTree.list(cv, "per_fold").get(f);
                assertEquals(m.cost().cost(), JsonTree.number(reported, "loss"), 1e-12, what + ": fold " + (f + 1));
            }
        }
    }

    /** nn train with the options, full batch, EPOCHS epochs, ALPHA: the saved model. */
    private Model train(Path data, List<String> options, String out) {
        Path model = dir.resolve(out);
        Cli.run(args("train", data, withBatch(options), "--out", model.toString(), "--quiet")).ok();
        return ModelJson.read(model);
    }

    private static List<String> withBatch(List<String> options) {
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of("--batch-size", "full", "--epochs", Integer.toString(EPOCHS), "--learning-rate", ALPHA));
        return List.copyOf(all);
    }

    private static String[] args(String command, Path data, List<String> options, String... more) {
        List<String> a = new ArrayList<>(List.of(command, "--data", data.toString(), "--label", "species"));
        a.addAll(options);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** The header and the given data rows (0-based, in order) of a CSV file, as a file of their own. */
    private Path foldFile(Path csv, int[] rows, String name) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> kept = new ArrayList<>(List.of(lines.get(0)));
        for (int r : rows) kept.add(lines.get(r + 1));
        return Files.write(dir.resolve(name), kept);
    }
}
