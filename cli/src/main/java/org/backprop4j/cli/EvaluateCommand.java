package org.backprop4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nn evaluate}: the cost J (data and L2 terms apart), and for classifiers accuracy and confusion matrix. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluates a model on data: cost J of E4 (data term and L2 term shown apart), and for "
                + "classification the accuracy and the confusion matrix.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.json", order = 1, description = "The model file.")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--l2", paramLabel = "LAMBDA", order = 20,
            description = "lambda for E4's L2 term. Default: the lambda the model was trained with.")
    Double l2;

    @Option(names = "--json", order = 21, description = "Print one JSON object (loss, data_loss, l2_loss, accuracy, confusion, ...).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Model m = ModelJson.read(model);
        if (l2 != null && !(l2 >= 0)) throw new UserException("--l2 must be >= 0, got " + l2);
        Dataset data = dataOptions.load(m.isClassifier() ? m.classes() : null, true);
        if (data.x().cols != m.network().inputs()) {
            throw new UserException("model " + model + " takes " + m.network().inputs() + " inputs, but "
                    + data.source() + " has " + data.x().cols + " input columns");
        }
        if (data.y().cols != m.network().outputs()) {
            throw new UserException("model " + model + " has " + m.network().outputs() + " outputs, but "
                    + data.source() + " has " + data.y().cols + " target columns");
        }
        Evaluation e = Evaluation.of(m, data, l2 != null ? l2 : m.l2());
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? json(e, m) : summary(e, data.source()) + confusion(e, m));
        return 0;
    }

    static String summary(Evaluation e, String source) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("%s: %d samples%n", source, e.samples()));
        s.append(String.format("cost J    %.6f = data %.6f + L2 %.6f (lambda %s)%n", e.cost(), e.dataCost(), e.l2Cost(), e.lambda()));
        if (!Double.isNaN(e.accuracy())) {
            s.append(String.format("accuracy  %.2f%% (%d of %d)%n", 100 * e.accuracy(),
                    Math.round(e.accuracy() * e.samples()), e.samples()));
        }
        return s.toString().stripTrailing();
    }

    private static String confusion(Evaluation e, Model m) {
        if (e.confusion().length == 0) return "";
        int width = 5;
        for (String c : m.classes()) width = Math.max(width, c.length() + 1);
        StringBuilder s = new StringBuilder(String.format("%nconfusion matrix (rows: true class, columns: predicted)%n"));
        s.append(" ".repeat(width));
        for (String c : m.classes()) s.append(String.format("%" + width + "s", c));
        for (int i = 0; i < e.confusion().length; i++) {
            s.append(String.format("%n%" + width + "s", m.classes().get(i)));
            for (int count : e.confusion()[i]) s.append(String.format("%" + width + "d", count));
        }
        return s.toString();
    }

    private static String json(Evaluation e, Model m) throws java.io.IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberField("samples", e.samples());
            g.writeNumberField("loss", e.cost());
            g.writeNumberField("data_loss", e.dataCost());
            g.writeNumberField("l2_loss", e.l2Cost());
            g.writeNumberField("lambda", e.lambda());
            g.writeStringField("loss_function", m.loss().id());
            if (!Double.isNaN(e.accuracy())) {
                g.writeNumberField("accuracy", e.accuracy());
                g.writeArrayFieldStart("classes");
                for (String c : m.classes()) g.writeString(c);
                g.writeEndArray();
                g.writeArrayFieldStart("confusion");
                for (int[] row : e.confusion()) g.writeArray(row, 0, row.length);
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        return w.toString();
    }
}
