package org.backprop4j.train;

import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;

import java.util.Random;

/**
 * The fast engine: forward E1–E2 and backward E6–E10 over a whole batch at once, in float32 (the
 * matrix form of SPEC's last section). The literal per-sample version of the same equations is
 * {@link org.backprop4j.reference.ReferenceBackprop}; tests hold the two together.
 *
 * <p>Layout: samples are rows. A batch of K samples is the K×s_1 matrix A(1); W^(l) is stored as in
 * the model file (s_{l+1}×s_l), so E1 reads Z = A·Wᵀ and E10 reads ΔW = Δᵀ·A. Index l below is the
 * 0-based layer number: layer l maps a[l] (K×s_l) to a[l+1] (K×s_{l+1}) with net.layer(l).
 *
 * <p>Dropout (training only): the output a[l] of a hidden layer may be thinned by {@link Dropout}
 * into ã[l], which is then what layer l reads (E1) and what its ΔW is taken with (E10); the
 * gradient flowing back into a[l] is masked the same way before E7's ⊙ f'(z).
 *
 * <p>Sample weights (optional): E3's sum becomes Σ w_i J_i, so each sample's output delta (E6) is
 * multiplied by its w_i, and through the linear E7–E10 so is its share of ΔW and Δb. Without weights
 * nothing is multiplied: the seed's arithmetic, bit for bit.
 *
 * <p>Owns every buffer a step needs, sized once for the largest K, so a step allocates nothing.
 * Not thread-safe: one engine per training run.
 */
public final class Backprop implements Gradients {
    private final Network net;
    private final Loss loss;
    private final Kernels kernels;
    private final int layers;
    private final int maxK;
    private final float[][] a;      // a[0] = batch inputs, a[l+1] = f(z[l])          (E2)
    private final float[][] z;      // z[l] = a[l]·W(l)ᵀ + b(l)                       (E1)
    private final float[][] delta;  // delta[l] = dJ/dz[l]                            (E5–E7)
    private final float[] y;        // batch targets
    private final float[] w;        // batch sample weights (when given)
    private final float[] zRow, aRow, yRow; // one output row, for a weighted sample's cost
    private final float[][] dW;     // ΔW(l) = delta[l]ᵀ·a[l]                         (E10)
    private final float[][] db;     // Δb(l) = column sums of delta[l]                (E10)
    private final Dropout[] dropout; // dropout[l] thins a[l] into dropped[l], or null (inputs and output: always null)
    private final float[][] dropped; // ã[l] = a[l] ⊙ mask, what layer l reads while training

    /**
     * An engine that trains {@code net} in place (pass a copy to keep the original) with batches of
     * at most {@code maxK} samples.
     */
    public Backprop(Network net, Loss loss, int maxK, Kernels kernels) {
        this(net, loss, maxK, kernels, new double[0], null);
    }

    /**
     * The same with inverted dropout while training: {@code dropoutRates[h]} is the rate p of hidden
     * layer h + 1's output (h = 0 for the first hidden layer); an empty array, or rates of 0, mean
     * no dropout, and then nothing is drawn from {@code random}.
     */
    public Backprop(Network net, Loss loss, int maxK, Kernels kernels, double[] dropoutRates, Random random) {
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
        w = new float[maxK];
        zRow = new float[s[layers]];
        aRow = new float[s[layers]];
        yRow = new float[s[layers]];
        if (dropoutRates.length != 0 && dropoutRates.length != layers - 1) {
            throw new IllegalArgumentException(dropoutRates.length + " dropout rates for " + (layers - 1) + " hidden layers");
        }
        dropout = new Dropout[layers + 1];
        dropped = new float[layers + 1][];
        for (int h = 0; h < dropoutRates.length; h++) {
            if (dropoutRates[h] == 0) continue;     // rate 0 is no dropout at all: same arithmetic, nothing drawn
            dropout[h + 1] = new Dropout(dropoutRates[h], maxK * s[h + 1], random);
            dropped[h + 1] = new float[maxK * s[h + 1]];
        }
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
        return gradients(x, targets, null, order, from, K);
    }

    /**
     * {@link #gradients(Matrix, Matrix, int[], int, int)} with sample weights: ΔW, Δb and the returned
     * cost are Σ w_i (…) over the batch (E3's weighted sum). {@code weights}: one per row of x, or null
     * for none (the unweighted arithmetic exactly).
     */
    public double gradients(Matrix x, Matrix targets, float[] weights, int[] order, int from, int K) {
        if (K < 1 || K > maxK) throw new IllegalArgumentException("batch of " + K + " samples, engine sized for " + maxK);
        kernels.gatherRows(x.data, x.cols, order, from, K, a[0]);
        targets.gatherRows(order, from, K, y);
        if (weights != null) {
            for (int r = 0; r < K; r++) w[r] = weights[order[from + r]];
        }
        forward(K, true);
        return backward(K, weights != null);
    }

    /**
     * The sum of the costs J(W,b;x,y) (E3) of the K samples {@code order[from]} … {@code order[from+K-1]},
     * by a forward pass without dropout, as the network is used after training (validation).
     * Reads the network; writes only this engine's buffers, overwriting those of the last
     * {@link #gradients} call.
     */
    public double cost(Matrix x, Matrix targets, int[] order, int from, int K) {
        return cost(x, targets, null, order, from, K);
    }

    /**
     * {@link #cost(Matrix, Matrix, int[], int, int)} with sample weights: Σ w_i J_i over the K samples
     * (E3's weighted sum, as {@link #gradients(Matrix, Matrix, float[], int[], int, int)} returns it).
     * {@code weights}: one per row of x, or null for none (the unweighted sum exactly).
     */
    public double cost(Matrix x, Matrix targets, float[] weights, int[] order, int from, int K) {
        if (K < 1 || K > maxK) throw new IllegalArgumentException("batch of " + K + " samples, engine sized for " + maxK);
        x.gatherRows(order, from, K, a[0]);
        targets.gatherRows(order, from, K, y);
        forward(K, false);
        Dense output = net.layer(layers - 1);
        if (weights == null) return loss.sum(z[layers - 1], a[layers], y, K, output.outputs(), output.activation());
        for (int r = 0; r < K; r++) w[r] = weights[order[from + r]];
        return weightedCost(K, output.outputs(), output.activation());
    }

    /** E1–E2 for layers 1 … n_l − 1 on the first K rows of a[0]; with dropout while training. */
    private void forward(int K, boolean training) {
        for (int l = 0; l < layers; l++) {
            Dense d = net.layer(l);
            int in = d.inputs(), out = d.outputs();
            kernels.gemmNT(K, out, in, input(l, training), d.weights().data, z[l]);   // E1: z = W a ...
            kernels.biasActivate(d.activation(), K, out, z[l], d.bias(), a[l + 1]);   // E1: ... + b, E2: a = f(z)
            if (training && dropout[l + 1] != null) dropout[l + 1].forward(a[l + 1], dropped[l + 1], K * out); // ã = a ⊙ m
        }
    }

    /** What layer l reads: a[l], or its thinned copy ã[l] while training with dropout. */
    private float[] input(int l, boolean training) {
        return training && dropout[l] != null ? dropped[l] : a[l];
    }

    /** E6, then E10 and E7 from the output back; returns the summed (weighted: Σ w_i J_i) cost of the batch (E3). */
    private double backward(int K, boolean weighted) {
        int last = layers - 1;
        Dense output = net.layer(last);
        int sOut = output.outputs();
        double cost = weighted ? weightedCost(K, sOut, output.activation()) : loss.sum(z[last], a[layers], y, K, sOut, output.activation());
        loss.outputDelta(z[last], a[layers], y, delta[last], K, sOut, output.activation());       // E6
        if (weighted) {                                                                            // E3's w_i: δ_i ← w_i δ_i
            for (int r = 0; r < K; r++) {
                for (int j = r * sOut, end = j + sOut; j < end; j++) delta[last][j] *= w[r];
            }
        }
        for (int l = last; l >= 0; l--) {
            Dense d = net.layer(l);
            int in = d.inputs(), out = d.outputs();
            kernels.gemmTN(out, in, K, delta[l], input(l, true), dW[l]);                         // E8, E10: ΔW = Σ δ aᵀ
            kernels.columnSums(K, out, delta[l], db[l]);                                          // E9, E10: Δb = Σ δ
            if (l > 0) {
                kernels.gemmNN(K, in, out, delta[l], d.weights().data, delta[l - 1]);            // E7: Wᵀ δ ...
                if (dropout[l] != null) dropout[l].backward(delta[l - 1], K * in);                // through ã = a ⊙ m
                kernels.activationBackward(net.layer(l - 1).activation(), K, in, z[l - 1], a[l], delta[l - 1]); // E7: ... ⊙ f'(z)
            }
        }
        return cost;
    }

    /** Σ w_i J_i over the batch's K rows (E3 weighted), each row's J from the loss on a copy of that row. */
    private double weightedCost(int K, int sOut, org.backprop4j.nn.Activation f) {
        double total = 0;
        for (int r = 0; r < K; r++) {
            System.arraycopy(z[layers - 1], r * sOut, zRow, 0, sOut);
            System.arraycopy(a[layers], r * sOut, aRow, 0, sOut);
            System.arraycopy(y, r * sOut, yRow, 0, sOut);
            total += w[r] * loss.sum(zRow, aRow, yRow, 1, sOut, f);
        }
        return total;
    }

    /** ΔW(l) of the last {@link #gradients} call (s_{l+1}×s_l, row-major). Read-only view. */
    @Override
    public float[] weightGradient(int l) {
        return dW[l];
    }

    /** Δb(l) of the last {@link #gradients} call. Read-only view. */
    @Override
    public float[] biasGradient(int l) {
        return db[l];
    }

    /** z of layer l's outputs (E1) in the last {@link #gradients} call: its first K rows of s_{l+1}. Read-only view. */
    public float[] z(int l) {
        return z[l];
    }

    /** a = f(z) of layer l's outputs (E2) in the last {@link #gradients} call: its first K rows. Read-only view. */
    public float[] a(int l) {
        return a[l + 1];
    }

    /**
     * Of the K samples of the last {@link #gradients} call, how many have their largest output at
     * the position of their largest target: correct classifications, when targets are one-hot.
     * Allocates nothing; the first largest wins ties, as in {@link org.backprop4j.data.Dataset#argmax}.
     */
    public int correct(int K) {
        int s = net.outputs();
        float[] out = a[layers];
        int correct = 0;
        for (int r = 0; r < K; r++) {
            int o = r * s, predicted = 0, truth = 0;
            for (int j = 1; j < s; j++) {
                if (out[o + j] > out[o + predicted]) predicted = j;
                if (y[o + j] > y[o + truth]) truth = j;
            }
            if (predicted == truth) correct++;
        }
        return correct;
    }
}
