package org.backprop4j.spark;

import org.backprop4j.train.Backprop;
import org.backprop4j.train.Gradients;

import java.io.Serializable;

/**
 * ΔW and Δb (E10) summed over some samples, with their summed cost (E3), their count K and how many
 * of them were classified correctly: what one partition sends up in a synchronous step, and what
 * the tree aggregation adds together. The driver hands the total to the optimizer as {@link Gradients}.
 */
final class GradientSum implements Gradients, Serializable {
    private static final long serialVersionUID = 1L;

    private final float[][] dW;
    private final float[][] db;
    double cost;
    long K;
    long correct;

    private GradientSum(float[][] dW, float[][] db, double cost, long K, long correct) {
        this.dW = dW;
        this.db = db;
        this.cost = cost;
        this.K = K;
        this.correct = correct;
    }

    /** A copy of the engine's ΔW, Δb after its last {@code gradients} call over K samples. */
    static GradientSum of(Backprop engine, int layers, double cost, int K, int correct) {
        float[][] dW = new float[layers][], db = new float[layers][];
        for (int l = 0; l < layers; l++) {
            dW[l] = engine.weightGradient(l).clone();
            db[l] = engine.biasGradient(l).clone();
        }
        return new GradientSum(dW, db, cost, K, correct);
    }

    /** this += other (E10's sum over the union of both sets of samples); returns this. other: not modified. */
    GradientSum add(GradientSum other) {
        for (int l = 0; l < dW.length; l++) {
            addTo(dW[l], other.dW[l]);
            addTo(db[l], other.db[l]);
        }
        cost += other.cost;
        K += other.K;
        correct += other.correct;
        return this;
    }

    private static void addTo(float[] to, float[] from) {
        for (int i = 0; i < to.length; i++) to[i] += from[i];
    }

    @Override
    public float[] weightGradient(int l) {
        return dW[l];
    }

    @Override
    public float[] biasGradient(int l) {
        return db[l];
    }
}
