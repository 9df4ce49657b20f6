package org.backprop4j.train;

import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;

/**
 * The fast engine: forward E1–E2 and backward E6–E10 over a whole batch at once, in float32 (the
 * matrix form of SPEC's last section). The literal per-sample version of the same equations is
 * {@link org.backprop4j.reference.ReferenceBackprop}; tests hold the two together.
 *
 * <p>Layout: samples are rows. A batch of K samples is the K×s_1 matrix A(1); W^(l) is stored as in
 * the model file (s_{l+1}×s_l), so E1 reads Z = A·Wᵀ and E10 reads ΔW = Δᵀ·A. Index l below is the
 * 0-based layer number: layer l maps a[l] (K×s_l) to a[l+1] (K×s_{l+1}) with net.layer(l).
 *
 * <p>Owns every buffer a step needs, sized once for the largest K, so a step allocates nothing.
 * Not thread-safe: one engine per training run.
 */
public final class Backprop {
    private final Network net;
    private final Loss loss;
    private final Kernels kernels;
    private final int layers;
    private final int maxK;
    private final float[][] a;      // a[0] = batch inputs, a[l+1] = f(z[l])          (E2)
    private final float[][] z;      // z[l] = a[l]·W(l)ᵀ + b(l)                       (E1)
    private final float[][] delta;  // delta[l] = dJ/dz[l]                            (E5–E7)
    private final float[] y;        // batch targets
    private final float[][] dW;     // ΔW(l) = delta[l]ᵀ·a[l]                         (E10)
    private final float[][] db;     // Δb(l) = column sums of delta[l]                (E10)

    /**
     * An engine that trains {@code net} in place (pass a copy to keep the original) with batches of
     * at most {@code maxK} samples.
     */
    public Backprop(Network net, Loss loss, int maxK, Kernels kernels) {
        loss.checkOutput(net.layer(net.layers().size() - 1).activation());
        this.net = net;
        this.loss = loss;
        this.kernels = kernels;
        this.layers = net.layers().size();
        this.maxK = maxK;
        int[] s = net.sizes();
        a = new float[layers + 1][];
        z = new float[layers][];
        delta = new float[layers][];
        dW = new float[layers][];
        db = new float[layers][];
        a[0] = new float[maxK * s[0]];
        for (int l = 0; l < layers; l++) {
            z[l] = new float[maxK * s[l + 1]];
            a[l + 1] = new float[maxK * s[l + 1]];
            delta[l] = new float[maxK * s[l + 1]];
            dW[l] = new float[s[l + 1] * s[l]];
            db[l] = new float[s[l + 1]];
        }
        y = new float[maxK * s[layers]];
    }

    public Network network() {
        return net;
    }

    public int maxK() {
        return maxK;
    }

    /**
     * Computes ΔW and Δb (E10) summed over the K samples {@code order[from]} … {@code order[from+K-1]}
     * of {@code x}/{@code targets}, and returns the sum of their costs J(W,b;x,y) (E3) taken before
     * any update. Reads the network; writes only this engine's buffers.
     */
    public double gradients(Matrix x, Matrix targets, int[] order, int from, int K) {
        if (K < 1 || K > maxK) throw new IllegalArgumentException("batch of " + K + " samples, engine sized for " + maxK);
        x.gatherRows(order, from, K, a[0]);
        targets.gatherRows(order, from, K, y);
        forward(K);
        return backward(K);
    }

    /** E1–E2 for layers 1 … n_l − 1 on the first K rows of a[0]. */
    private void forward(int K) {
        for (int l = 0; l < layers; l++) {
            Dense d = net.layer(l);
            int in = d.inputs(), out = d.outputs();
            kernels.gemmNT(K, out, in, a[l], d.weights().data, z[l]);   // E1: z = W a ...
            kernels.addBias(K, out, z[l], d.bias());                     // E1: ... + b
            d.activation().forward(z[l], a[l + 1], K, out);              // E2: a = f(z)
        }
    }

    /** E6, then E10 and E7 from the output back; returns the summed cost of the batch (E3). */
    private double backward(int K) {
        int last = layers - 1;
        Dense output = net.layer(last);
        int sOut = output.outputs();
        double cost = loss.sum(z[last], a[layers], y, K, sOut, output.activation());
        loss.outputDelta(z[last], a[layers], y, delta[last], K, sOut, output.activation());       // E6
        for (int l = last; l >= 0; l--) {
            Dense d = net.layer(l);
            int in = d.inputs(), out = d.outputs();
            kernels.gemmTN(out, in, K, delta[l], a[l], dW[l]);                                   // E8, E10: ΔW = Σ δ aᵀ
            kernels.columnSums(K, out, delta[l], db[l]);                                          // E9, E10: Δb = Σ δ
            if (l > 0) {
                kernels.gemmNN(K, in, out, delta[l], d.weights().data, delta[l - 1]);            // E7: Wᵀ δ ...
                net.layer(l - 1).activation().backward(z[l - 1], a[l], delta[l - 1], K, in);      // E7: ... ⊙ f'(z)
            }
        }
        return cost;
    }

    /** ΔW(l) of the last {@link #gradients} call (s_{l+1}×s_l, row-major). Read-only view. */
    public float[] weightGradient(int l) {
        return dW[l];
    }

    /** Δb(l) of the last {@link #gradients} call. Read-only view. */
    public float[] biasGradient(int l) {
        return db[l];
    }
}
