package org.backprop4j.report;

import org.backprop4j.eval.Evaluation;
import org.backprop4j.inspect.LayerStats;
import org.backprop4j.io.AtomicFiles;
import org.backprop4j.nn.Activation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code nn train --report FILE}: one self-contained HTML page about a training run. The charts
 * are inline SVG drawn by {@link Charts}, the style is inline CSS, and there is no script, font,
 * image or link to fetch: the file opens the same offline, attached to a mail or years later.
 */
public final class HtmlReport {
    private static final int W = 600, H = 340;

    /**
     * What the page shows.
     *
     * @param command        the command line of the run
     * @param configuration  rows of (setting, value)
     * @param history        the epochs
     * @param samples        N of the training set (for samples/s)
     * @param confusion      the final model's evaluation whose confusion matrix to show, or null
     * @param confusionOf    which data that evaluation is of ("validation set x.csv")
     * @param classes        class names, in output order
     * @param layerNames     "1: 784→100 sigmoid" per layer
     * @param notes          diagnostics (warnings); empty if none
     * @param timings        rows of (what, seconds)
     * @param failure        why training stopped early, or null if it completed
     */
    public record Run(String command, List<String[]> configuration, RunHistory history, int samples, Evaluation confusion,
               String confusionOf, List<String> classes, List<String> layerNames, List<String> notes,
               List<String[]> timings, String failure) {
    }

    private HtmlReport() {
    }

    /** The timings table: the epochs' training time, the measuring between them, the mean epoch, the whole command so far. */
    public static List<String[]> timings(RunHistory history, long startNanos) {
        double training = 0, measuring = 0;
        for (RunHistory.Epoch e : history.epochs()) {
            training += e.stats().seconds();
            measuring += e.extraSeconds();
        }
        double total = (System.nanoTime() - startNanos) / 1e9;
        return List.of(
                new String[] {"training (sum of the epochs)", String.format("%.3f", training)},
                new String[] {"validation and layer probes (between epochs)", String.format("%.3f", measuring)},
                new String[] {"mean per epoch", String.format("%.3f", history.epochs().isEmpty() ? 0 : training / history.epochs().size())},
                new String[] {"whole command until the report (reading data included)", String.format("%.3f", total)});
    }

    public static void write(Path file, Run run) throws IOException {
        String html = html(run);
        AtomicFiles.write(file, w -> w.write(html));
    }

    public static String html(Run run) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Training report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>Training report</h1>\n<p class=\"command\"><code>").append(esc(run.command())).append("</code></p>\n");
        if (run.failure() != null) {
            h.append("<p class=\"failure\"><strong>Training stopped early.</strong> ").append(esc(run.failure())).append("</p>\n");
        }
        summary(h, run);

        h.append("<h2>Curves</h2>\n<div class=\"charts\">\n");
        List<RunHistory.Epoch> epochs = run.history().epochs();
        if (epochs.isEmpty()) {
            h.append("<p>No epoch finished, so there is nothing to plot.</p>\n");
        } else {
            charts(h, run, epochs);
        }
        h.append("</div>\n");

        h.append("<h2>Diagnostics</h2>\n");
        if (run.notes().isEmpty()) {
            h.append("<p>No warnings: inputs look scaled, no layer was mostly saturated or dead, the cost stayed finite.</p>\n");
        } else {
            h.append("<ul class=\"notes\">\n");
            for (String n : run.notes()) h.append("<li>").append(esc(n)).append("</li>\n");
            h.append("</ul>\n");
        }
        layersTable(h, run);

        if (run.confusion() != null && run.confusion().confusion().length > 0) confusion(h, run);

        h.append("<h2>Configuration</h2>\n");
        table(h, List.of("setting", "value"), run.configuration());
        h.append("<h2>Timings</h2>\n");
        table(h, List.of("what", "seconds"), run.timings());
        h.append("<footer>Written by nn (Backprop4j). Costs are J of E4 in docs/SPEC.md: the data term plus the L2 term.</footer>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, Run run) {
        RunHistory.Epoch last = run.history().last();
        h.append("<div class=\"cards\">\n");
        if (last != null) {
            card(h, "epochs", Integer.toString(last.stats().epoch()));
            card(h, "training cost", String.format("%.6f", last.stats().cost()));
            if (!Double.isNaN(last.stats().accuracy())) card(h, "training accuracy", String.format("%.2f%%", 100 * last.stats().accuracy()));
            if (!Double.isNaN(last.validationCost())) card(h, "validation cost", String.format("%.6f", last.validationCost()));
            if (!Double.isNaN(last.validationAccuracy())) {
                card(h, "validation accuracy", String.format("%.2f%%", 100 * last.validationAccuracy()));
            }
            double seconds = run.history().epochs().stream().mapToDouble(e -> e.stats().seconds()).sum();
            card(h, "training time", String.format("%.2f s", seconds));
        }
        h.append("</div>\n");
    }

    private static void card(StringBuilder h, String label, String value) {
        h.append("<div class=\"card\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value\">")
                .append(esc(value)).append("</div></div>\n");
    }

    private static void charts(StringBuilder h, Run run, List<RunHistory.Epoch> epochs) {
        int n = epochs.size();
        double[] x = new double[n], cost = new double[n], vCost = new double[n], acc = new double[n], vAcc = new double[n],
                seconds = new double[n];
        for (int i = 0; i < n; i++) {
            RunHistory.Epoch e = epochs.get(i);
            x[i] = e.stats().epoch();
            cost[i] = e.stats().cost();
            vCost[i] = e.validationCost();
            acc[i] = 100 * e.stats().accuracy();
            vAcc[i] = 100 * e.validationAccuracy();
            seconds[i] = e.stats().seconds();
        }
        boolean validation = run.history().hasValidation();
        List<Charts.Series> costLines = new ArrayList<>(List.of(new Charts.Series("training (mean over the epoch)", x, cost)));
        if (validation) costLines.add(new Charts.Series("validation (end of epoch)", x, vCost, true));
        chart(h, "cost", Charts.lines("Cost J", null, "cost J (E4)", true, new Charts.Panel("epoch", costLines)));

        if (!Double.isNaN(acc[0])) {
            List<Charts.Series> accLines = new ArrayList<>(List.of(new Charts.Series("training (mean over the epoch)", x, acc)));
            if (validation) accLines.add(new Charts.Series("validation (end of epoch)", x, vAcc, true));
            chart(h, "accuracy", Charts.lines("Accuracy", null, "accuracy (%)", false, new Charts.Panel("epoch", accLines)));
        }

        int layers = run.history().layerCount();
        if (layers > 0) {
            List<Charts.Series> weights = new ArrayList<>(), gradients = new ArrayList<>(), activity = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                double[] wn = new double[n], gn = new double[n], sat = new double[n], dead = new double[n];
                for (int i = 0; i < n; i++) {
                    LayerStats s = epochs.get(i).layers().get(l);
                    wn[i] = s.weightNorm();
                    gn[i] = s.gradientNorm();
                    sat[i] = 100 * s.saturated();
                    dead[i] = 100 * s.dead();
                }
                String name = "layer " + run.layerNames().get(l);
                weights.add(new Charts.Series(name, x, wn));
                gradients.add(new Charts.Series(name, x, gn));
                Activation f = epochs.get(0).layers().get(l).activation();
                if (f == Activation.SIGMOID || f == Activation.TANH) activity.add(new Charts.Series(name + ": saturated", x, sat));
                if (f == Activation.RELU) activity.add(new Charts.Series(name + ": dead", x, dead));
            }
            chart(h, "weights", Charts.lines("Weight norm per layer", "Frobenius norm at the end of each epoch",
                    "||W||", false, new Charts.Panel("epoch", weights)));
            chart(h, "gradients", Charts.lines("Gradient norm per layer", "Frobenius norm, on a fixed probe of training samples",
                    "||dJ/dW||", true, new Charts.Panel("epoch", gradients)));
            if (!activity.isEmpty()) {
                chart(h, "activity", Charts.lines("Saturated and dead units", "sigmoid/tanh: f' < 10% of its peak; ReLU: 0 on every probe sample",
                        "share of units (%)", false, new Charts.Panel("epoch", activity)));
            }
        }
        chart(h, "time", Charts.lines("Time per epoch", null, "wall time (s)", false,
                new Charts.Panel("epoch", List.of(new Charts.Series("training", x, seconds)))));
    }

    private static void chart(StringBuilder h, String id, org.jfree.chart.JFreeChart chart) {
        h.append("<figure class=\"chart\">").append(Charts.svg(chart, W, H, "chart-" + id)).append("</figure>\n");
    }

    private static void layersTable(StringBuilder h, Run run) {
        RunHistory.Epoch last = run.history().last();
        if (last == null || last.layers().isEmpty()) return;
        List<String[]> rows = new ArrayList<>();
        for (LayerStats s : last.layers()) {
            rows.add(new String[] {run.layerNames().get(s.layer() - 1), String.format("%.4g", s.weightNorm()),
                    String.format("%.4g", s.gradientNorm()),
                    Double.isNaN(s.saturated()) ? "" : String.format("%.1f%%", 100 * s.saturated()),
                    Double.isNaN(s.dead()) ? "" : String.format("%.1f%%", 100 * s.dead())});
        }
        h.append("<p>Layers at the end of epoch ").append(last.stats().epoch()).append(":</p>\n");
        table(h, List.of("layer", "||W||", "||dJ/dW||", "saturated", "dead"), rows);
    }

    private static void confusion(StringBuilder h, Run run) {
        int[][] m = run.confusion().confusion();
        h.append("<h2>Confusion matrix</h2>\n<p>Of the final model on the ").append(esc(run.confusionOf()))
                .append(String.format(": accuracy %.2f%% of %d samples. Rows: true class; columns: predicted class.</p>\n",
                        100 * run.confusion().accuracy(), run.confusion().samples()));
        h.append("<table class=\"confusion\">\n<tr><th></th>");
        for (String c : run.classes()) h.append("<th>").append(esc(c)).append("</th>");
        h.append("</tr>\n");
        for (int i = 0; i < m.length; i++) {
            int rowTotal = 0;
            for (int v : m[i]) rowTotal += v;
            h.append("<tr><th>").append(esc(run.classes().get(i))).append("</th>");
            for (int j = 0; j < m[i].length; j++) {
                double share = rowTotal == 0 ? 0 : (double) m[i][j] / rowTotal;
                String colour = i == j ? "0,114,178" : "213,94,0";  // diagonal blue, errors vermilion
                h.append(String.format("<td style=\"background: rgba(%s,%.3f)\">%d</td>", colour, i == j ? share : Math.min(1, 3 * share), m[i][j]));
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void table(StringBuilder h, List<String> header, List<String[]> rows) {
        h.append("<table>\n<tr>");
        for (String c : header) h.append("<th>").append(esc(c)).append("</th>");
        h.append("</tr>\n");
        for (String[] r : rows) {
            h.append("<tr>");
            for (String c : r) h.append("<td>").append(esc(c)).append("</td>");
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222;
                   max-width: 1280px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
            h1 { font-size: 1.6em; margin-bottom: 4px; }
            h2 { font-size: 1.2em; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            .command code { font-size: 0.85em; background: #f4f4f4; padding: 4px 6px; display: inline-block; word-break: break-all; }
            .failure { background: #fde8e4; border-left: 4px solid #D55E00; padding: 8px 12px; }
            .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
            .card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 140px; }
            .card .label { font-size: 0.8em; color: #666; }
            .card .value { font-size: 1.3em; font-variant-numeric: tabular-nums; }
            .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
            figure.chart { margin: 0; border: 1px solid #eee; }
            figure.chart svg { width: 100%; height: auto; display: block; }
            table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
            th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; }
            th { background: #f4f4f4; }
            table.confusion td { text-align: right; min-width: 3em; }
            .notes li { margin: 4px 0; }
            footer { margin-top: 32px; font-size: 0.8em; color: #777; }
            """;
}
