package org.backprop4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.backprop4j.data.Dataset;
import org.backprop4j.eval.ClassificationMetrics;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.eval.Metrics;
import org.backprop4j.eval.RegressionMetrics;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.backprop4j.options.Checks;
import org.backprop4j.options.DataOptions;
import org.backprop4j.options.UserException;
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
        description = "Evaluates a model on data: cost J of E4 (data term and L2 term shown apart); for "
                + "classification the accuracy, log-loss, per-class precision, recall and F1 with their macro means, and the "
                + "confusion matrix; for real-valued targets MSE, MAE and R^2.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.json", order = 1, description = "The model file.")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--l2", paramLabel = "LAMBDA", order = 20,
            description = "lambda for E4's L2 term. Default: the lambda the model was trained with.")
    Double l2;

    @Option(names = "--json", order = 21, description = "Print one JSON object: loss, data_loss, l2_loss, accuracy, confusion, "
            + "log_loss, precision, recall, f1, support, macro_precision, macro_recall, macro_f1 (classes) or mse, mae, r2 (real-valued targets).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Checks.noClobbering(spec);           // it writes no file today; a file option added later is checked from the start
        Model m = ModelJson.read(model);
        if (l2 != null && !(l2 >= 0)) throw new UserException("--l2 must be >= 0, got " + l2);
        Dataset data = dataOptions.loadLike(m, true);
        if (data.x().cols != m.network().inputs()) {
            throw new UserException("model " + model + " takes " + m.network().inputs() + " inputs, but "
                    + data.source() + " has " + data.x().cols + " input columns");
        }
        if (data.y().cols != m.network().outputs()) {
            throw new UserException("model " + model + " has " + m.network().outputs() + " outputs, but "
                    + data.source() + " has " + data.y().cols + " target columns");
        }
        if (!m.isClassifier() && data.isClassification()) {
            // "classes" is optional in a model file: its outputs are then the data's classes in their sorted order, as training numbers them
            m = new Model(m.network(), m.loss(), data.classes(), m.scaler(), m.l2(), m.categorical());
        }
        Metrics metrics = Metrics.of(m, data, l2 != null ? l2 : m.l2());
        Evaluation e = metrics.cost();
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? json(metrics, m) : summary(e, data.source()) + metrics(metrics, m.classes()) + confusion(e, m));
        return 0;
    }

    /** The metrics beyond the cost: per-class table, macro means and log-loss, or MSE, MAE and R². */
    static String metrics(Metrics metrics, java.util.List<String> classes) {
        StringBuilder s = new StringBuilder();
        if (metrics.regression() != null) {
            RegressionMetrics r = metrics.regression();
            s.append(String.format("%nMSE       %.6f   (mean over samples and outputs of (h - y)^2)", r.mse()));
            s.append(String.format("%nMAE       %.6f", r.mae()));
            s.append(String.format("%nR^2       %.6f   (per output, averaged)", r.r2()));
            return s.toString();
        }
        ClassificationMetrics c = metrics.classification();
        if (!Double.isNaN(metrics.logLoss())) s.append(String.format("%nlog-loss  %.6f", metrics.logLoss()));
        int width = 9;
        for (String name : classes) width = Math.max(width, name.length() + 1);
        s.append(String.format("%n%n%" + width + "s %9s %9s %9s %9s", "class", "precision", "recall", "f1", "support"));
        for (int k = 0; k < classes.size(); k++) {
            s.append(String.format("%n%" + width + "s %9.4f %9.4f %9.4f %9d", classes.get(k), c.precision()[k], c.recall()[k], c.f1()[k],
                    c.support()[k]));
        }
        s.append(String.format("%n%" + width + "s %9.4f %9.4f %9.4f %9d%n", "macro avg", c.macroPrecision(), c.macroRecall(), c.macroF1(),
                metrics.cost().samples()));
        return s.toString();
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

    private static String json(Metrics metrics, Model m) throws java.io.IOException {
        Evaluation e = metrics.cost();
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
            writeMetrics(g, metrics);
            g.writeEndObject();
        }
        return w.toString();
    }

    /** The metrics fields of the JSON: log_loss, per-class and macro precision/recall/f1, or mse, mae, r2. */
    static void writeMetrics(JsonGenerator g, Metrics metrics) throws java.io.IOException {
        if (metrics.regression() != null) {
            g.writeNumberField("mse", metrics.regression().mse());
            g.writeNumberField("mae", metrics.regression().mae());
            g.writeNumberField("r2", metrics.regression().r2());
            return;
        }
        ClassificationMetrics c = metrics.classification();
        if (!Double.isNaN(metrics.logLoss())) g.writeNumberField("log_loss", metrics.logLoss());
        g.writeArrayFieldStart("precision");
        for (double v : c.precision()) g.writeNumber(v);
        g.writeEndArray();
        g.writeArrayFieldStart("recall");
        for (double v : c.recall()) g.writeNumber(v);
        g.writeEndArray();
        g.writeArrayFieldStart("f1");
        for (double v : c.f1()) g.writeNumber(v);
        g.writeEndArray();
        g.writeArrayFieldStart("support");
        for (int v : c.support()) g.writeNumber(v);
        g.writeEndArray();
        g.writeNumberField("macro_precision", c.macroPrecision());
        g.writeNumberField("macro_recall", c.macroRecall());
        g.writeNumberField("macro_f1", c.macroF1());
    }
}
