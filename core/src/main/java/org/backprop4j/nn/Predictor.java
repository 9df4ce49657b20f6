package org.backprop4j.nn;

import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.math.OneSampleWeights;

/**
 * Forward passes (E1–E2) of one network with buffers allocated once, for serving predictions:
 * after construction, {@link #predict(float[], float[])} allocates nothing. Not thread-safe: give
 * each serving thread its own Predictor (the Network itself may be shared).
 *
 * <p>One sample at a time, each layer's W is read once per prediction: the kernels may keep a copy
 * of the layers laid out for that ({@link Kernels#oneSampleWeights}: on the fast kernels, rows at
 * 64-byte boundaries), with the same bits as W itself.
 */
public final class Predictor {
    private final Network net;
    private final Kernels kernels;
    private final int maxRows;
    private final float[][] z;
    private final float[][] a;
    private final OneSampleWeights[] oneSample;     // the layers as one-sample products read them

    /** A predictor for batches of up to {@code maxRows} rows, computing with {@code kernels}. */
    public Predictor(Network net, int maxRows, Kernels kernels) {
        if (maxRows < 1) throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        this.net = net;
        this.kernels = kernels;
        this.maxRows = maxRows;
        int layers = net.layers().size();
        z = new float[layers][];
        a = new float[layers][];
        for (int l = 0; l < layers; l++) {
            // 16 floats (a cache line) beyond each buffer: the rows a worker writes into z never share
            // a line with the next buffer, which the caller writes meanwhile (a line crossing between
            // the cores costs about 0.5 µs on the Intel of docs/PERFORMANCE.md).
            z[l] = new float[maxRows * net.layer(l).outputs() + 16];
            a[l] = new float[maxRows * net.layer(l).outputs() + 16];
        }
        int[] n = new int[layers], k = new int[layers];
        float[][] w = new float[layers][];
        for (int l = 0; l < layers; l++) {
            n[l] = net.layer(l).outputs();
            k[l] = net.layer(l).inputs();
            w[l] = net.layer(l).weights().data;
        }
        oneSample = kernels.oneSampleWeights(n, k, w);
    }

    /** A single-threaded predictor for one sample at a time. */
    public Predictor(Network net) {
        this(net, 1, Kernels.fast(1));
    }

    /**
     * h_{W,b}(x) for {@code rows} samples stored row-major in {@code x}; the result is written to
     * {@code out} (rows × s_{n_l}). x: not modified; out: overwritten.
     */
    public void predict(float[] x, int rows, float[] out) {
        if (rows < 1 || rows > maxRows) throw new IllegalArgumentException(rows + " rows, predictor sized for " + maxRows);
        System.arraycopy(forward(x, rows), 0, out, 0, rows * net.outputs());
    }

    /** E1–E2 through every layer for the first {@code rows} rows of x; returns the output layer's buffer a. */
    private float[] forward(float[] x, int rows) {
        float[] input = x;
        for (int l = 0; l < a.length; l++) {
            Dense d = net.layer(l);
            if (rows == 1) kernels.matrixVector(oneSample[l], input, z[l]);                    // E1: W a, one sample
            else kernels.gemmNT(rows, d.outputs(), d.inputs(), input, d.weights().data, z[l]);   // E1: W a
            kernels.biasActivate(d.activation(), rows, d.outputs(), z[l], d.bias(), a[l]);  // E1: + b, E2
            input = a[l];
        }
        return input;
    }

    /** h_{W,b}(x) of one sample into {@code out} (s_{n_l} numbers). Allocates nothing. */
    public void predict(float[] x, float[] out) {
        if (x.length != net.inputs()) throw new IllegalArgumentException("network takes " + net.inputs() + " inputs, got " + x.length);
        predict(x, 1, out);
    }

    /**
     * The position of the largest output h_{W,b}(x) of one sample (the first largest wins ties): its class
     * index, a position in {@link Model#classes()} for a classifier. x: not modified. Allocates nothing.
     */
    public int predictClass(float[] x) {
        if (x.length != net.inputs()) throw new IllegalArgumentException("network takes " + net.inputs() + " inputs, got " + x.length);
        float[] out = forward(x, 1);
        int best = 0;
        for (int j = 1; j < net.outputs(); j++) {
            if (out[j] > out[best]) best = j;
        }
        return best;
    }

    /** h_{W,b}(x) for every row of x, in chunks of maxRows. Returns a new matrix. */
    public Matrix predict(Matrix x) {
        if (x.cols != net.inputs()) throw new IllegalArgumentException("network takes " + net.inputs() + " inputs, got " + x.cols);
        Matrix out = new Matrix(x.rows, net.outputs());
        float[] chunk = new float[Math.min(maxRows, Math.max(1, x.rows)) * x.cols];
        float[] result = new float[Math.min(maxRows, Math.max(1, x.rows)) * net.outputs()];
        for (int from = 0; from < x.rows; from += maxRows) {
            int rows = Math.min(maxRows, x.rows - from);
            System.arraycopy(x.data, from * x.cols, chunk, 0, rows * x.cols);
            predict(chunk, rows, result);
            System.arraycopy(result, 0, out.data, from * net.outputs(), rows * net.outputs());
        }
        return out;
    }
}
