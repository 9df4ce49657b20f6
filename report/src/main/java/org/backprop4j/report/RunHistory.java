package org.backprop4j.report;

import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.inspect.LayerProbe;
import org.backprop4j.inspect.LayerStats;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * What a training run did, epoch by epoch: the trainer's {@link EpochStats}, the cost and accuracy
 * on a validation set at the end of the epoch, and the per-layer {@link LayerStats} of a
 * {@link LayerProbe}. The metrics file, the report and the diagnostics read it; the training
 * step does not see it (it listens at epoch ends only).
 */
public final class RunHistory implements TrainingListener {
    /**
     * One epoch.
     *
     * @param validationCost     J of E4 on the validation set with the weights at the end of the epoch; NaN without one
     * @param validationAccuracy NaN without a validation set or without classes
     * @param layers             empty when not probed
     * @param extraSeconds       time spent here measuring (not part of stats.seconds())
     */
    public record Epoch(EpochStats stats, double validationCost, double validationAccuracy, List<LayerStats> layers, double extraSeconds) {
    }

    private final LayerProbe probe;
    private final Function<Network, Evaluation> validation;
    private final List<String> classes;
    private final List<Epoch> epochs = new ArrayList<>();
    private Network training;

    /**
     * @param probe      measures the layers each epoch, or null not to
     * @param validation the validation set, scaled as the network sees it, or null
     */
    public RunHistory(LayerProbe probe, Dataset validation, Loss loss, double l2, List<String> classes) {
        this(probe, validation == null ? null : net -> Evaluation.ofScaled(net, loss, validation, l2), classes); // already scaled
    }

    /**
     * @param probe      measures the layers each epoch, or null not to
     * @param validation evaluates the network on the validation set at an epoch's end (on Spark: a distributed pass), or null
     */
    public RunHistory(LayerProbe probe, Function<Network, Evaluation> validation, List<String> classes) {
        this.probe = probe;
        this.validation = validation;
        this.classes = classes;
    }

    public boolean hasValidation() {
        return validation != null;
    }

    @Override
    public void onStart(Network net) {
        training = net;
    }

    @Override
    public void onEpoch(EpochStats stats) {
        long t0 = System.nanoTime();
        double vCost = Double.NaN, vAccuracy = Double.NaN;
        if (validation != null) {
            Evaluation e = validation.apply(training);
            vCost = e.cost();
            vAccuracy = e.accuracy();
        }
        List<LayerStats> layers = probe == null ? List.of() : probe.measure(training);
        epochs.add(new Epoch(stats, vCost, vAccuracy, layers, (System.nanoTime() - t0) / 1e9));
    }

    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public Epoch last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    public int layerCount() {
        return epochs.isEmpty() ? 0 : last().layers().size();
    }
}
