package org.backprop4j.spark;

import org.backprop4j.eval.Evaluation;
import org.backprop4j.inspect.LayerProbe;
import org.backprop4j.data.Dataset;
import org.backprop4j.nn.Network;
import org.backprop4j.report.Diagnostics;
import org.backprop4j.report.HtmlReport;
import org.backprop4j.report.MetricsFile;
import org.backprop4j.report.RunHistory;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingListener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code --metrics} and {@code --report} on Spark: the same {@link RunHistory}, {@link Diagnostics},
 * metrics file and page as {@code nn train}, kept on the driver. Each epoch's figures come from the
 * trainer; the validation curve from one more distributed pass over the validation data (else the
 * test data, as in {@code nn train}) at each epoch's end; the layer probe measures the live network
 * on the driver over at most {@link LayerProbe#MAX_SAMPLES} training rows collected once.
 */
final class RunFiles {
    private final Path metrics, report;
    private final RunHistory history;
    private final Diagnostics diagnostics;
    private final int samples;
    private final long started;

    private RunFiles(Path metrics, Path report, RunHistory history, Diagnostics diagnostics, int samples, long started) {
        this.metrics = metrics;
        this.report = report;
        this.history = history;
        this.diagnostics = diagnostics;
        this.samples = samples;
        this.started = started;
    }

    /**
     * Watches a run for the files asked for, or returns null when neither is. {@code curves}: the data
     * of the validation curve, or null; {@code warn} shows a diagnostic as it comes; {@code started}:
     * System.nanoTime() at the command's start.
     */
    static RunFiles of(Path metrics, Path report, SparkDataset train, SparkDataset curves, Network start, TrainingConfig config,
                       Consumer<String> warn, long started) {
        if (metrics == null && report == null) return null;
        Dataset probed = train.sample(LayerProbe.MAX_SAMPLES);
        LayerProbe probe = new LayerProbe(probed, config.loss(), config.l2(), LayerProbe.MAX_SAMPLES, config.seed());
        RunHistory history = new RunHistory(probe, curves == null ? null
                : net -> SparkTrainer.evaluate(net, config.loss(), curves).evaluation(net, config.l2()), train.classes());
        Diagnostics diagnostics = new Diagnostics(start, probed.x(), config.loss(), history, warn);
        return new RunFiles(metrics, report, history, diagnostics, Math.toIntExact(train.size()), started);
    }

    /** The listener to train with: the history, then the diagnostics that read it. */
    TrainingListener listener() {
        return TrainingListener.all(history, diagnostics.listener());
    }

    /**
     * Writes the metrics file and the report asked for.
     *
     * @param confusion   the final model's evaluation whose confusion matrix the report shows, or null
     * @param confusionOf which data that is
     * @param failure     why training stopped early, or null
     */
    void write(String command, List<String[]> configuration, Evaluation confusion, String confusionOf, List<String> classes,
               String failure) throws IOException {
        if (metrics != null) MetricsFile.write(metrics, history, samples);
        if (report != null) {
            HtmlReport.write(report, new HtmlReport.Run(command, configuration, history, samples, confusion, confusionOf, classes,
                    diagnostics.layerNames(), diagnostics.notes(), HtmlReport.timings(history, started), failure));
        }
    }

    /** Whether the report is asked for (its confusion matrix costs a distributed pass). */
    boolean reports() {
        return report != null;
    }
}
