package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.inspect.LayerProbe;
import org.backprop4j.inspect.LayerStats;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a training run did, epoch by epoch: the trainer's {@link EpochStats}, the cost and accuracy
 * on a validation set at the end of the epoch, and the per-layer {@link LayerStats} of a
 * {@link LayerProbe}. The metrics file, the report and the diagnostics read it; the training
 * step does not see it (it listens at epoch ends only).
 */
final class RunHistory implements TrainingListener {
    /**
     * One epoch.
     *
     * @param validationCost     J of E4 on the validation set with the weights at the end of the epoch; NaN without one
     * @param validationAccuracy NaN without a validation set or without classes
     * @param layers             empty when not probed
     * @param extraSeconds       time spent here measuring (not part of stats.seconds())
     */
    record Epoch(EpochStats stats, double validationCost, double validationAccuracy, List<LayerStats> layers, double extraSeconds) {
    }

    private final LayerProbe probe;
    private final Dataset validation;
    private final Loss loss;
    private final double l2;
    private final List<Epoch> epochs = new ArrayList<>();
    private Network training;

    /**
     * @param probe      measures the layers each epoch, or null not to
     * @param validation the validation set, scaled as the network sees it, or null
     */
    RunHistory(LayerProbe probe, Dataset validation, Loss loss, double l2) {
        this.probe = probe;
        this.validation = validation;
        this.loss = loss;
        this.l2 = l2;
    }

    boolean hasValidation() {
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
            Evaluation e = Evaluation.ofScaled(training, loss, validation, l2); // already scaled like the training data
            vCost = e.cost();
            vAccuracy = e.accuracy();
        }
        List<LayerStats> layers = probe == null ? List.of() : probe.measure(training);
        epochs.add(new Epoch(stats, vCost, vAccuracy, layers, (System.nanoTime() - t0) / 1e9));
    }

    List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    Epoch last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    int layerCount() {
        return epochs.isEmpty() ? 0 : last().layers().size();
    }
}
