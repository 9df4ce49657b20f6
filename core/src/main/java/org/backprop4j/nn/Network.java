package org.backprop4j.nn;

import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A feed-forward network of dense layers: h_{W,b}(x) = a^(n_l) by E1–E2 applied layer after layer.
 *
 * <p>A small value: the layers and nothing else. Training state (workspaces, gradients) belongs to
 * the trainer, which works on its own copy; a Network handed out is not changed afterwards, so
 * it may be shared between threads for prediction.
 */
public final class Network {
    private final List<Dense> layers;

    public Network(List<Dense> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        for (int l = 1; l < layers.size(); l++) {
            if (layers.get(l).inputs() != layers.get(l - 1).outputs()) {
                throw new IllegalArgumentException("layer " + (l + 1) + " takes " + layers.get(l).inputs()
                        + " inputs but layer " + l + " has " + layers.get(l - 1).outputs() + " outputs");
            }
        }
        for (int l = 0; l < layers.size() - 1; l++) {
            if (layers.get(l).activation() == Activation.SOFTMAX) {
                throw new IllegalArgumentException("softmax is only allowed on the output layer (layer " + (l + 1) + ")");
            }
        }
        this.layers = List.copyOf(layers);
    }

    /**
     * A network with the given layer sizes (s_1, s_2, …, s_{n_l}), hidden activation and output
     * activation, initialised by {@link Init#DEFAULT} from {@code seed}.
     */
    public static Network create(int[] sizes, Activation hidden, Activation output, long seed) {
        return create(sizes, hidden, output, Init.DEFAULT, seed);
    }

    public static Network create(int[] sizes, Activation hidden, Activation output, Init init, long seed) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output size");
        }
        for (int s : sizes) {
            if (s <= 0) throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
        }
        Random random = new Random(seed);
        List<Dense> layers = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            Matrix w = new Matrix(sizes[l + 1], sizes[l]);
            float[] b = new float[sizes[l + 1]];
            init.fill(w, b, random);
            layers.add(new Dense(w, b, l + 2 == sizes.length ? output : hidden));
        }
        return new Network(layers);
    }

    /**
     * Hidden layer sizes from text such as "100,50"; "none" or "" for no hidden layer. The message of
     * the IllegalArgumentException names the bad part.
     */
    public static int[] parseHiddenSizes(String text) {
        if (text.isBlank() || text.equalsIgnoreCase("none")) return new int[0];
        String[] parts = text.split(",", -1);   // "100," is a mistake, not one layer
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + parts[i].trim() + "' is not a layer size (expected e.g. 100,50)");
            }
            if (sizes[i] < 1) throw new IllegalArgumentException("layer sizes must be positive, got " + sizes[i]);
        }
        return sizes;
    }

    public List<Dense> layers() {
        return layers;
    }

    public Dense layer(int l) {
        return layers.get(l);
    }

    /**
     * SHA-256 of the parameters, in hex: each layer's W (row-major) then b, as big-endian float
     * bits. The same options and data give the same hash on any processor, vector width, thread
     * count and kernel variant, with or without the Vector API (see {@code math.SumOrder}), so two
     * machines can compare what they trained by this line alone.
     */
    public String sha256() {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4);
            for (Dense layer : layers) {
                for (float v : layer.weights().data) sha.update(buf.clear().putInt(0, Float.floatToRawIntBits(v)).array());
                for (float v : layer.bias()) sha.update(buf.clear().putInt(0, Float.floatToRawIntBits(v)).array());
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);     // every JDK has SHA-256
        }
    }

    /** s_1: the width of an input. */
    public int inputs() {
        return layers.get(0).inputs();
    }

    /** s_{n_l}: the width of an output. */
    public int outputs() {
        return layers.get(layers.size() - 1).outputs();
    }

    /** Layer sizes s_1 … s_{n_l}. */
    public int[] sizes() {
        int[] s = new int[layers.size() + 1];
        s[0] = inputs();
        for (int l = 0; l < layers.size(); l++) s[l + 1] = layers.get(l).outputs();
        return s;
    }

    /** The number of weights and biases. */
    public long parameterCount() {
        long n = 0;
        for (Dense d : layers) n += (long) d.outputs() * d.inputs() + d.outputs();
        return n;
    }

    /** Σ_l Σ_i Σ_j (W_ij^(l))², the sum in E4's L2 term (biases excluded), in double. */
    public double sumOfSquaredWeights() {
        double s = 0;
        for (Dense d : layers) {
            for (float w : d.weights().data) s += (double) w * w;
        }
        return s;
    }

    /** h_{W,b}(x) for each row of {@code x} (E1–E2 over a batch). x: not modified; returns a new matrix. */
    public Matrix predict(Matrix x) {
        return forward(x).a();
    }

    /** The output layer's z and a = h_{W,b}(x) for a batch of rows. */
    public record Output(Matrix z, Matrix a) { }

    /** E1–E2 through all layers for each row of {@code x}, keeping the output layer's z (losses need it). */
    public Output forward(Matrix x) {
        if (x.cols != inputs()) {
            throw new IllegalArgumentException("network takes " + inputs() + " inputs, got " + x.cols);
        }
        Kernels kernels = Kernels.fast(1); // one thread: starts no pool, and a forward pass is rarely the bottleneck
        Matrix a = x, z = null;
        for (Dense d : layers) {
            z = new Matrix(a.rows, d.outputs());
            kernels.gemmNT(a.rows, d.outputs(), d.inputs(), a.data, d.weights().data, z.data); // E1: W a
            Matrix next = new Matrix(a.rows, d.outputs());
            kernels.biasActivate(d.activation(), a.rows, d.outputs(), z.data, d.bias(), next.data); // E1: + b, E2
            a = next;
        }
        return new Output(z, a);
    }

    /** h_{W,b}(x) for one sample. */
    public float[] predict(float[] x) {
        return predict(new Matrix(1, x.length, x.clone())).data;
    }

    /** A deep copy. */
    /**
     * to := this, layer by layer: W and b copied into {@code to}'s arrays, which must have the same
     * shapes; allocates nothing. this: not modified; to: modified.
     */
    public void copyInto(Network to) {
        for (int l = 0; l < layers.size(); l++) {
            float[] w = layer(l).weights().data, b = layer(l).bias();
            System.arraycopy(w, 0, to.layer(l).weights().data, 0, w.length);
            System.arraycopy(b, 0, to.layer(l).bias(), 0, b.length);
        }
    }

    public Network copy() {
        return new Network(layers.stream().map(Dense::copy).toList());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Network ").append(inputs());
        for (Dense d : layers) s.append('-').append(d.outputs()).append('(').append(d.activation()).append(')');
        return s.toString();
    }
}
