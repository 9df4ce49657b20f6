package org.backprop4j.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.backprop4j.inspect.LayerStats;
import org.backprop4j.io.AtomicFiles;
import org.backprop4j.options.UserException;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code --metrics FILE}: one row per epoch for other tools, CSV when the name ends in .csv, JSON
 * lines (one object per line) when it ends in .jsonl or .json. Numbers that do not exist (no
 * validation set, no classes, an activation that cannot saturate) are empty CSV cells and JSON nulls.
 *
 * <p>Fields: epoch, cost (J of E4 over the epoch, its samples each taken before their batch's
 * update), data_cost, l2_cost, accuracy (the same way), validation_cost and validation_accuracy
 * (at the epoch's end), steps, seconds, samples_per_s, and per layer l: weight_norm, gradient_norm,
 * saturated, dead ({@link LayerStats}) — in CSV as columns weight_norm_1, …, in JSON as a "layers" array.
 */
public final class MetricsFile {
    public enum Format { CSV, JSON_LINES }

    private MetricsFile() {
    }

    /** The format the file name asks for; a one-line error naming the option otherwise. */
    public static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) return Format.CSV;
        if (name.endsWith(".jsonl") || name.endsWith(".json")) return Format.JSON_LINES;
        throw new UserException("--metrics " + file + ": the name must end in .csv (CSV) or .jsonl/.json (JSON lines)");
    }

    public static void write(Path file, RunHistory history, int samples) throws IOException {
        Format format = formatOf(file);
        AtomicFiles.write(file, w -> {
            if (format == Format.CSV) csv(w, history, samples);
            else jsonLines(w, history, samples);
        });
    }

    private static void csv(Writer w, RunHistory history, int samples) throws IOException {
        int layers = history.layerCount();
        StringBuilder header = new StringBuilder("epoch,cost,data_cost,l2_cost,accuracy,validation_cost,validation_accuracy,steps,seconds,samples_per_s");
        for (int l = 1; l <= layers; l++) {
            header.append(",weight_norm_").append(l).append(",gradient_norm_").append(l)
                    .append(",saturated_").append(l).append(",dead_").append(l);
        }
        w.write(header.append('\n').toString());
        for (RunHistory.Epoch e : history.epochs()) {
            var s = e.stats();
            StringBuilder row = new StringBuilder();
            row.append(s.epoch()).append(',').append(num(s.cost())).append(',').append(num(s.dataCost())).append(',')
                    .append(num(s.l2Cost())).append(',').append(num(s.accuracy())).append(',').append(num(e.validationCost()))
                    .append(',').append(num(e.validationAccuracy())).append(',').append(s.steps()).append(',')
                    .append(num(s.seconds())).append(',').append(num(samples / s.seconds()));
            for (LayerStats l : e.layers()) {
                row.append(',').append(num(l.weightNorm())).append(',').append(num(l.gradientNorm()))
                        .append(',').append(num(l.saturated())).append(',').append(num(l.dead()));
            }
            w.write(row.append('\n').toString());
        }
    }

    private static void jsonLines(Writer w, RunHistory history, int samples) throws IOException {
        JsonFactory factory = new JsonFactory();
        for (RunHistory.Epoch e : history.epochs()) {
            var s = e.stats();
            StringWriter line = new StringWriter();
            try (JsonGenerator g = factory.createGenerator(line)) {
                g.writeStartObject();
                g.writeNumberField("epoch", s.epoch());
                field(g, "cost", s.cost());
                field(g, "data_cost", s.dataCost());
                field(g, "l2_cost", s.l2Cost());
                field(g, "accuracy", s.accuracy());
                field(g, "validation_cost", e.validationCost());
                field(g, "validation_accuracy", e.validationAccuracy());
                g.writeNumberField("steps", s.steps());
                field(g, "seconds", s.seconds());
                field(g, "samples_per_s", samples / s.seconds());
                g.writeArrayFieldStart("layers");
                for (LayerStats l : e.layers()) {
                    g.writeStartObject();
                    g.writeNumberField("layer", l.layer());
                    g.writeStringField("activation", l.activation().id());
                    field(g, "weight_norm", l.weightNorm());
                    field(g, "gradient_norm", l.gradientNorm());
                    field(g, "saturated", l.saturated());
                    field(g, "dead", l.dead());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            w.write(line.toString());
            w.write('\n');
        }
    }

    private static void field(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) g.writeNumberField(name, v);
        else g.writeNullField(name);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }
}
