package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.inspect.LayerProbe;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.report.Diagnostics;
import org.backprop4j.report.HtmlReport;
import org.backprop4j.report.MetricsFile;
import org.backprop4j.report.RunHistory;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingListener;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code nn train} shows about a run while and after it trains: the progress display,
 * the per-epoch {@link RunHistory}, the {@link Diagnostics} (unscaled inputs, saturated or dead
 * layers), and at the end the {@code --metrics} file and the {@code --report} page. The command
 * creates one, trains with {@link #listener()}, then calls {@link #finish}.
 */
final class TrainingWatch {
    private final PrintWriter err;
    private final boolean quiet;
    private final Path report, metrics;
    private final int samples;
    private final RunHistory history;
    private final Progress progress;
    private final Diagnostics diagnostics;
    private final long startNanos;

    /**
     * @param data       the training data as the network sees it (scaled)
     * @param validation the validation data, scaled likewise, or null
     * @param epochs     epochs planned
     * @param terminal   whether standard error is a terminal (live progress bar)
     */
    TrainingWatch(PrintWriter err, boolean quiet, boolean terminal, Path report, Path metrics, Network start, Dataset data,
                  Dataset validation, Loss loss, double l2, int epochs, long seed, long startNanos) {
        this.err = err;
        this.quiet = quiet;
        this.report = report;
        this.metrics = metrics;
        this.samples = data.size();
        this.startNanos = startNanos;
        boolean measure = !quiet || report != null || metrics != null;
        LayerProbe probe = measure ? new LayerProbe(data, loss, l2, LayerProbe.MAX_SAMPLES, seed) : null;
        this.history = new RunHistory(probe, measure ? validation : null, loss, l2, data.classes());
        this.progress = quiet ? null : new Progress(terminal ? Progress.output(err) : err, terminal, System::nanoTime, samples, epochs,
                this::validationSuffix);
        this.diagnostics = new Diagnostics(start, data.x(), loss, history, this::warn);
    }

    /** The listener to train with. */
    TrainingListener listener() {
        // history first: the progress line reads its validation figures; warnings after the epoch's line
        return progress == null ? TrainingListener.all(history, diagnostics.listener())
                : TrainingListener.all(history, progress, diagnostics.listener());
    }

    RunHistory history() {
        return history;
    }

    List<String> notes() {
        return diagnostics.notes();
    }

    private void warn(String message) {
        if (progress != null) progress.note("warning: " + message);
        else if (!quiet) err.println("warning: " + message);
    }

    /** To call before printing after training (a divergence): takes the live bar off the screen. */
    void clear() {
        if (progress != null) progress.clear();
    }

    private String validationSuffix(EpochStats s) {
        RunHistory.Epoch e = history.last();
        double cost = e != null && e.stats().equals(s) && !Double.isNaN(e.validationCost()) ? e.validationCost() : s.validationCost();
        if (Double.isNaN(cost)) return "";
        double accuracy = e != null && e.stats().equals(s) ? e.validationAccuracy() : Double.NaN;
        return String.format("  validation cost %.6f%s", cost,
                Double.isNaN(accuracy) ? "" : String.format(" accuracy %.2f%%", 100 * accuracy));
    }

    /** Writes the metrics file, if asked for: the epochs' figures, which need no evaluation after training. */
    void writeMetrics() throws IOException {
        if (metrics != null) MetricsFile.write(metrics, history, samples);
    }

    /**
     * Writes the metrics file and the report, if asked for: the metrics first, so that a report that
     * cannot be written does not lose them.
     *
     * @param command       the command line, for the report
     * @param configuration rows of (setting, value) for the report
     * @param confusion     the final model's evaluation to show the confusion matrix of, or null
     * @param confusionOf   which data that is
     * @param failure       why training stopped early, or null
     */
    void finish(String command, List<String[]> configuration, Evaluation confusion, String confusionOf, List<String> classes,
                String failure) throws IOException {
        writeMetrics();
        writeReport(command, configuration, confusion, confusionOf, classes, failure);
    }

    /** Writes the report, if asked for ({@link #finish} says what the parameters are). */
    void writeReport(String command, List<String[]> configuration, Evaluation confusion, String confusionOf, List<String> classes,
                     String failure) throws IOException {
        if (report != null) {
            HtmlReport.write(report, new HtmlReport.Run(command, configuration, history, samples, confusion, confusionOf,
                    classes, diagnostics.layerNames(), diagnostics.notes(), HtmlReport.timings(history, startNanos), failure));
        }
    }
}
