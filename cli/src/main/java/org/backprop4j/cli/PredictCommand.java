package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.io.AtomicFiles;
import org.backprop4j.io.ModelJson;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Model;
import org.backprop4j.options.Checks;
import org.backprop4j.options.DataOptions;
import org.backprop4j.options.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nn predict}: one CSV row per input — the predicted class (and probabilities on request) or the outputs. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Predicts with a model: one CSV row per input row, the predicted class (classifiers) or the "
                + "output vector. If the data also holds targets, name them with --label or --targets so they are skipped.")
final class PredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.json", order = 1, description = "The model file.")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = {"--outputs", "--probabilities"}, order = 20,
            description = "For classifiers, also print the network's outputs (columns p_CLASS: class probabilities, with a softmax output; out_CLASS otherwise).")
    boolean outputs;

    @Option(names = "--out", paramLabel = "FILE", order = 21, description = "Write the CSV here (atomically) instead of to standard output.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Checks.noClobbering(spec);
        Model m = ModelJson.read(model);
        Dataset data = dataOptions.loadLike(m, false);
        if (data.x().cols != m.network().inputs()) {
            throw new UserException("model " + model + " takes " + m.network().inputs() + " inputs, but "
                    + data.source() + " has " + data.x().cols + " input columns");
        }
        Matrix y = m.predict(data.x());
        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            writeCsv(m, y, w);
            w.flush();
        } else {
            AtomicFiles.write(out, w -> writeCsv(m, y, w));
        }
        return 0;
    }

    private void writeCsv(Model m, Matrix y, Writer w) throws IOException {
        StringBuilder line = new StringBuilder();
        var layers = m.network().layers();
        boolean softmax = layers.get(layers.size() - 1).activation() == org.backprop4j.nn.Activation.SOFTMAX;
        if (m.isClassifier()) line.append("class");
        if (!m.isClassifier() || outputs) {
            for (int j = 0; j < y.cols; j++) {
                if (line.length() > 0) line.append(',');
                // p_ for probabilities (a softmax output); out_ for other outputs of a classifier
                line.append(!m.isClassifier() ? "y" + j : (softmax ? "p_" : "out_") + m.classes().get(j));
            }
        }
        w.write(line.append('\n').toString());
        for (int i = 0; i < y.rows; i++) {
            line.setLength(0);
            if (m.isClassifier()) line.append(csvCell(m.classes().get(Dataset.argmax(y, i))));
            if (!m.isClassifier() || outputs) {
                for (int j = 0; j < y.cols; j++) {
                    if (line.length() > 0) line.append(',');
                    line.append(y.get(i, j));
                }
            }
            w.write(line.append('\n').toString());
        }
    }

    private static String csvCell(String s) {
        return s.matches("[^,\"\\r\\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
