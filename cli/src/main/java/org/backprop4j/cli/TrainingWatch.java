package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.inspect.InputCheck;
import org.backprop4j.inspect.LayerProbe;
import org.backprop4j.inspect.LayerStats;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingListener;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything {@code nn train} shows about a run while and after it trains: the progress display,
 * the per-epoch {@link RunHistory}, the diagnostics (unscaled inputs, saturated or dead layers), and
 * at the end the {@code --metrics} file and the {@code --report} page. The command creates one,
 * trains with {@link #listener()}, then calls {@link #finish}.
 */
final class TrainingWatch {
    /** A layer with more than this share of saturated (or dead) units gets a warning. */
    static final double MOSTLY = 0.5;

    private final PrintWriter err;
    private final boolean quiet;
    private final Path report, metrics;
    private final int samples;
    private final List<String> layerNames;
    private final RunHistory history;
    private final Progress progress;
    private final List<String> notes = new ArrayList<>();
    private final Set<String> warned = new HashSet<>();
    private final long startNanos;
    private final Loss loss;

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
        this.loss = loss;
        this.layerNames = layerNames(start);
        boolean measure = !quiet || report != null || metrics != null;
        LayerProbe probe = measure ? new LayerProbe(data, loss, l2, LayerProbe.MAX_SAMPLES, seed) : null;
        this.history = new RunHistory(probe, measure ? validation : null, loss, l2);
        this.progress = quiet ? null : new Progress(terminal ? Progress.output(err) : err, terminal, System::nanoTime, samples, epochs,
                this::validationSuffix);
        Dense first = start.layer(0);
        InputCheck.Unscaled u = InputCheck.check(data.x(), first.activation());
        if (u != null) {
            warn(String.format("inputs look unscaled for %s: column %d has root mean square %.3g (over %.0f): %s; "
                    + "try --scale standard", first.activation(), u.column(), u.rms(), InputCheck.LIMIT, u.consequence()));
        }
    }

    /** "1: 784→100 sigmoid" for each layer. */
    static List<String> layerNames(Network net) {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < net.layers().size(); l++) {
            Dense d = net.layer(l);
            names.add((l + 1) + ": " + d.inputs() + "\u2192" + d.outputs() + " " + d.activation());
        }
        return names;
    }

    /**
     * Saturation alone is no fault: the seed's own network reaches 94% with most output units confidently
     * near 0 or 1 (saturated, and right) and half its hidden units saturated by epoch 4. It is worth a warning
     * only when learning has stalled with it, as the cause to look at: the training cost fell by less than this
     * share over the epoch. With the cross-entropy loss the output layer's f' cancels out of E6, so its
     * saturation never slows learning and is not counted.
     */
    static final double STALLED = 0.01;

    /** The listener to train with. */
    TrainingListener listener() {
        TrainingListener diagnostics = new TrainingListener() {
            double previousCost = Double.NaN;

            @Override public void onEpoch(EpochStats stats) {
                RunHistory.Epoch e = history.last();
                double fall = (previousCost - stats.cost()) / previousCost;   // NaN in the first epoch: no warning yet
                previousCost = stats.cost();
                for (LayerStats s : e.layers()) {
                    String name = layerNames.get(s.layer() - 1);
                    boolean output = s.layer() == layerNames.size();
                    if (s.saturated() > MOSTLY && fall < STALLED && !(output && loss == Loss.CROSS_ENTROPY)
                            && warned.add("saturated " + s.layer())) {
                        warn(String.format("layer %s: %.0f%% of its activations are saturated (f' < 10%% of its peak) and the "
                                + "training cost fell only %.1f%% in epoch %d: little gradient flows through saturated units; "
                                + "check the input scale (--scale standard) and the learning rate",
                                name, 100 * s.saturated(), 100 * fall, stats.epoch()));
                    }
                    if (s.dead() > MOSTLY && warned.add("dead " + s.layer())) {
                        warn(String.format("layer %s: %.0f%% of its ReLUs are dead (0 on every probe sample) at epoch %d "
                                + "and no longer learn; lower the learning rate", name, 100 * s.dead(), stats.epoch()));
                    }
                }
            }
        };
        // history first: the progress line reads its validation figures; warnings after the epoch's line
        return progress == null ? TrainingListener.all(history, diagnostics) : TrainingListener.all(history, progress, diagnostics);
    }

    RunHistory history() {
        return history;
    }

    List<String> notes() {
        return notes;
    }

    private void warn(String message) {
        notes.add(message);
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

    /**
     * Writes the metrics file and the report, if asked for.
     *
     * @param command       the command line, for the report
     * @param configuration rows of (setting, value) for the report
     * @param confusion     the final model's evaluation to show the confusion matrix of, or null
     * @param confusionOf   which data that is
     * @param failure       why training stopped early, or null
     */
    void finish(String command, List<String[]> configuration, Evaluation confusion, String confusionOf, List<String> classes,
                String failure) throws IOException {
        if (metrics != null) MetricsFile.write(metrics, history, samples);
        if (report != null) {
            double training = 0, measuring = 0;
            for (RunHistory.Epoch e : history.epochs()) {
                training += e.stats().seconds();
                measuring += e.extraSeconds();
            }
            double total = (System.nanoTime() - startNanos) / 1e9;
            List<String[]> timings = List.of(
                    new String[] {"training (sum of the epochs)", String.format("%.3f", training)},
                    new String[] {"validation and layer probes (between epochs)", String.format("%.3f", measuring)},
                    new String[] {"mean per epoch", String.format("%.3f", history.epochs().isEmpty() ? 0 : training / history.epochs().size())},
                    new String[] {"whole command until the report (reading data included)", String.format("%.3f", total)});
            HtmlReport.write(report, new HtmlReport.Run(command, configuration, history, samples, confusion, confusionOf,
                    classes, layerNames, notes, timings, failure));
        }
    }
}
