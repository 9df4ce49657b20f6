package org.backprop4j.spark;

import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Network;
import org.backprop4j.train.OptimizerState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * W, b (and, for parameter averaging, the update rule's state) as plain arrays that Spark can ship:
 * what the driver broadcasts each step, and what a partition sends back after its local steps.
 * Sums of snapshots, divided by their count, are the averages of parameter averaging.
 */
final class Snapshot implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Activation[] f;
    private final int[] sizes;
    private final float[][] w;
    private final float[][] b;
    private final String rule;          // null: no optimizer state
    private final ArrayList<String> names;
    private final long step;
    private final float[][][] sW;
    private final float[][][] sb;
    /** How many snapshots were added into this one. */
    int count = 1;
    /** Summed cost (E3), samples and correct classifications of the local steps that produced it. */
    double cost;
    long samples;
    long correct;

    private Snapshot(Network net, OptimizerState state) {
        int layers = net.layers().size();
        f = new Activation[layers];
        sizes = net.sizes();
        w = new float[layers][];
        b = new float[layers][];
        for (int l = 0; l < layers; l++) {
            Dense d = net.layer(l);
            f[l] = d.activation();
            w[l] = d.weights().data.clone();
            b[l] = d.bias().clone();
        }
        rule = state == null ? null : state.rule();
        names = state == null ? new ArrayList<>() : new ArrayList<>(state.names());
        step = state == null ? 0 : state.step();
        sW = state == null ? null : deepCopy(state.weights());
        sb = state == null ? null : deepCopy(state.bias());
    }

    /** W and b of {@code net}, copied. */
    static Snapshot of(Network net) {
        return new Snapshot(net, null);
    }

    /** W and b of {@code net} and the optimizer's {@code state}, copied. */
    static Snapshot of(Network net, OptimizerState state) {
        return new Snapshot(net, state);
    }

    /** A new network with these weights (copied, so training it leaves this snapshot as it is). */
    Network network() {
        List<Dense> layers = new ArrayList<>();
        for (int l = 0; l < w.length; l++) {
            layers.add(new Dense(new Matrix(sizes[l + 1], sizes[l], w[l].clone()), b[l].clone(), f[l]));
        }
        return new Network(layers);
    }

    /** The optimizer state (copied), or null when this snapshot has none. */
    OptimizerState state() {
        return rule == null ? null : new OptimizerState(rule, step, names, deepCopy(sW), deepCopy(sb));
    }

    /** this += other, parameters and state element by element, and the counts; returns this. */
    Snapshot add(Snapshot other) {
        for (int l = 0; l < w.length; l++) {
            addTo(w[l], other.w[l]);
            addTo(b[l], other.b[l]);
            if (sW != null) {
                for (int k = 0; k < sW[l].length; k++) {
                    addTo(sW[l][k], other.sW[l][k]);
                    addTo(sb[l][k], other.sb[l][k]);
                }
            }
        }
        count += other.count;
        cost += other.cost;
        samples += other.samples;
        correct += other.correct;
        return this;
    }

    /** The mean of the {@link #count} snapshots added into this one, as a network and an optimizer state. */
    Snapshot mean() {
        float c = 1f / count;
        for (int l = 0; l < w.length; l++) {
            scale(w[l], c);
            scale(b[l], c);
            if (sW != null) {
                for (int k = 0; k < sW[l].length; k++) {
                    scale(sW[l][k], c);
                    scale(sb[l][k], c);
                }
            }
        }
        count = 1;
        return this;
    }

    private static void addTo(float[] to, float[] from) {
        for (int i = 0; i < to.length; i++) to[i] += from[i];
    }

    private static void scale(float[] v, float c) {
        for (int i = 0; i < v.length; i++) v[i] *= c;
    }

    private static float[][][] deepCopy(float[][][] a) {
        float[][][] out = new float[a.length][][];
        for (int l = 0; l < a.length; l++) {
            out[l] = new float[a[l].length][];
            for (int k = 0; k < a[l].length; k++) out[l][k] = a[l][k].clone();
        }
        return out;
    }
}
