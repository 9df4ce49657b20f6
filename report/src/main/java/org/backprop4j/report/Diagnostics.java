package org.backprop4j.report;

import org.backprop4j.inspect.InputCheck;
import org.backprop4j.inspect.LayerStats;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingListener;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The warnings a training run gets, the same on one machine and on Spark: inputs that look unscaled
 * for the first layer's activation (before training), and layers mostly saturated while the cost has
 * stalled, or mostly dead ReLUs (after an epoch, from the {@link RunHistory}'s layer probe). Each
 * warning is shown once and kept for the report.
 */
public final class Diagnostics {
    /** A layer with more than this share of saturated (or dead) units gets a warning. */
    static final double MOSTLY = 0.5;

    /**
     * Saturation alone is no fault: the seed's own network reaches 94% with most output units confidently
     * near 0 or 1 (saturated, and right) and half its hidden units saturated by epoch 4. It is worth a warning
     * only when learning has stalled with it, as the cause to look at: the training cost fell by less than this
     * share over the epoch. With the cross-entropy loss the output layer's f' cancels out of E6, so its
     * saturation never slows learning and is not counted.
     */
    static final double STALLED = 0.01;

    private final List<String> layerNames;
    private final Loss loss;
    private final RunHistory history;
    private final Consumer<String> show;
    private final List<String> notes = new ArrayList<>();
    private final Set<String> warned = new HashSet<>();

    /**
     * @param start   the network being trained (its layers name the warnings)
     * @param inputs  inputs as the first layer sees them (scaled), or a sample of them, checked at once
     * @param history the run's history, read after each epoch (its listener must run before {@link #listener()})
     * @param show    shows a warning as it comes ("warning: …")
     */
    public Diagnostics(Network start, Matrix inputs, Loss loss, RunHistory history, Consumer<String> show) {
        this.layerNames = layerNames(start);
        this.loss = loss;
        this.history = history;
        this.show = show;
        Dense first = start.layer(0);
        InputCheck.Unscaled u = InputCheck.check(inputs, first.activation());
        if (u != null) {
            warn(String.format("inputs look unscaled for %s: column %d has root mean square %.3g (over %.0f): %s; "
                    + "try --scale standard", first.activation(), u.column(), u.rms(), InputCheck.LIMIT, u.consequence()));
        }
    }

    /** "1: 784→100 sigmoid" for each layer. */
    public static List<String> layerNames(Network net) {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < net.layers().size(); l++) {
            Dense d = net.layer(l);
            names.add((l + 1) + ": " + d.inputs() + "\u2192" + d.outputs() + " " + d.activation());
        }
        return names;
    }

    public List<String> layerNames() {
        return layerNames;
    }

    /** The warnings given so far. */
    public List<String> notes() {
        return notes;
    }

    /** Warns about saturated or dead layers after each epoch. */
    public TrainingListener listener() {
        return new TrainingListener() {
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
    }

    private void warn(String message) {
        notes.add(message);
        show.accept(message);
    }
}
