package org.backprop4j.reference;

import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;

import java.util.ArrayList;
import java.util.List;

/**
 * The clean, literal reference: E1–E12 of SPEC one sample at a time, in double, with plain index
 * loops and the derivation's names. It is slow on purpose and exists to be read next to the
 * derivation and to be the oracle that the fast float32 engine ({@link org.backprop4j.train.Backprop})
 * is tested against. It shares nothing with the fast engine but the activation and loss
 * definitions.
 *
 * <p>Indices follow SPEC with 0-based arrays: {@code W[l][i][j]} is W_ij^(l+1), from unit j of
 * layer l+1 to unit i of layer l+2; {@code b[l][i]} is b_i^(l+1).
 */
public final class ReferenceBackprop {
    public final double[][][] W;
    public final double[][] b;
    public final Activation[] f;
    /**
     * The f' that E7 applies at each hidden layer ({@code fPrime[l]} belongs to {@code f[l]}): by
     * default the activation's own. A learner may put a derivative of their own here and let
     * {@link GradientCheck} say whether it is right; that checker's tests plant a wrong one. The
     * output layer's f' stays inside the loss (E6).
     */
    public final Derivative[] fPrime;
    public final Loss loss;

    /** g ⊙ f'(z) for one sample's layer, given z and a = f(z): the product in E7. Returns a new array. */
    @FunctionalInterface
    public interface Derivative {
        double[] backward(double[] z, double[] a, double[] g);
    }

    /** A double copy of {@code net}'s parameters. */
    public ReferenceBackprop(Network net, Loss loss) {
        int L = net.layers().size();
        W = new double[L][][];
        b = new double[L][];
        f = new Activation[L];
        fPrime = new Derivative[L];
        for (int l = 0; l < L; l++) {
            Dense d = net.layer(l);
            W[l] = new double[d.outputs()][d.inputs()];
            for (int i = 0; i < d.outputs(); i++) {
                for (int j = 0; j < d.inputs(); j++) W[l][i][j] = d.weights().get(i, j);
            }
            b[l] = new double[d.outputs()];
            for (int i = 0; i < d.outputs(); i++) b[l][i] = d.bias()[i];
            f[l] = d.activation();
            fPrime[l] = f[l]::backward;
        }
        this.loss = loss;
    }

    /** The number of weight layers, n_l − 1. */
    public int layers() {
        return W.length;
    }

    /** z^(l) and a^(l) of every layer for one sample: {@code z[0]} is unused, {@code a[0] = x}. */
    public record Pass(double[][] z, double[][] a) {
        public double[] output() {
            return a[a.length - 1];
        }
    }

    /** Forward pass of one sample, E1–E2. */
    public Pass forward(double[] x) {
        int L = layers();
        double[][] z = new double[L + 1][];
        double[][] a = new double[L + 1][];
        a[0] = x;
        for (int l = 0; l < L; l++) {
            int rows = W[l].length, cols = W[l][0].length;
            z[l + 1] = new double[rows];
            for (int i = 0; i < rows; i++) {
                double sum = b[l][i];
                for (int j = 0; j < cols; j++) sum += W[l][i][j] * a[l][j];
                z[l + 1][i] = sum;                                           // E1
            }
            a[l + 1] = new double[rows];
            f[l].apply(z[l + 1], a[l + 1]);                                 // E2
        }
        return new Pass(z, a);
    }

    /** J(W,b; x,y) of one sample, E3. */
    public double cost(double[] x, double[] y) {
        Pass p = forward(x);
        return loss.value(p.z[layers()], p.output(), y, f[layers() - 1]);
    }

    /** J(W,b) over K samples with L2 weight lambda, E4. */
    public double cost(double[][] x, double[][] y, double lambda) {
        double data = 0;
        for (int k = 0; k < x.length; k++) data += cost(x[k], y[k]);
        return data / x.length + lambda / 2 * sumOfSquaredWeights();
    }

    /** Σ_l Σ_i Σ_j (W_ij^(l))², the sum in E4's L2 term. */
    public double sumOfSquaredWeights() {
        double s = 0;
        for (double[][] Wl : W) for (double[] row : Wl) for (double w : row) s += w * w;
        return s;
    }

    /** The deltas of one sample, E5–E7: {@code delta[l]} for layers 2 … n_l ({@code delta[0]} unused). */
    public double[][] deltas(Pass p, double[] y) {
        int L = layers();
        double[][] delta = new double[L + 1][];
        delta[L] = loss.outputDelta(p.z[L], p.a[L], y, f[L - 1]);         // E6
        for (int l = L - 1; l >= 1; l--) {
            double[] back = new double[W[l][0].length];
            for (int i = 0; i < back.length; i++) {
                double sum = 0;
                for (int j = 0; j < W[l].length; j++) sum += W[l][j][i] * delta[l + 1][j]; // (W^(l))ᵀ δ^(l+1)
                back[i] = sum;
            }
            delta[l] = fPrime[l - 1].backward(p.z[l], p.a[l], back);        // E7: ... ⊙ f'(z^(l))
        }
        return delta;
    }

    /** ΔW and Δb summed over a batch, E8–E10 ({@code dW[l]} has W[l]'s shape). */
    public record Gradients(double[][][] dW, double[][] db) { }

    public Gradients gradients(double[][] x, double[][] y) {
        int L = layers();
        double[][][] dW = new double[L][][];
        double[][] db = new double[L][];
        for (int l = 0; l < L; l++) {
            dW[l] = new double[W[l].length][W[l][0].length];                 // E10: ΔW := 0
            db[l] = new double[W[l].length];                                 //      Δb := 0
        }
        for (int k = 0; k < x.length; k++) {
            Pass p = forward(x[k]);
            double[][] delta = deltas(p, y[k]);
            for (int l = 0; l < L; l++) {
                for (int i = 0; i < W[l].length; i++) {
                    for (int j = 0; j < W[l][0].length; j++) {
                        dW[l][i][j] += delta[l + 1][i] * p.a[l][j];         // E8, E10: ΔW += δ^(l+1) (a^(l))ᵀ
                    }
                    db[l][i] += delta[l + 1][i];                            // E9, E10: Δb += δ^(l+1)
                }
            }
        }
        return new Gradients(dW, db);
    }

    /**
     * The gradient of the cost J of E4 over K = x.length samples: ∂J/∂W^(l) = (1/K) ΔW^(l) + λ W^(l)
     * (E11's bracket) and ∂J/∂b^(l) = (1/K) Δb^(l) (E12's), with ΔW, Δb of E10. Returns new arrays.
     */
    public Gradients costGradient(double[][] x, double[][] y, double lambda) {
        int K = x.length;
        Gradients g = gradients(x, y);                                     // E8–E10
        for (int l = 0; l < layers(); l++) {
            for (int i = 0; i < W[l].length; i++) {
                for (int j = 0; j < W[l][0].length; j++) {
                    g.dW[l][i][j] = (1.0 / K) * g.dW[l][i][j] + lambda * W[l][i][j];  // E11's [ (1/K) ΔW + λW ]
                }
                g.db[l][i] = (1.0 / K) * g.db[l][i];                                 // E12's (1/K) Δb
            }
        }
        return g;
    }

    /** One update over a batch of K = x.length samples, E11–E12. Modifies W and b. */
    public void step(double[][] x, double[][] y, double alpha, double lambda) {
        Gradients dJ = costGradient(x, y, lambda);
        for (int l = 0; l < layers(); l++) {
            for (int i = 0; i < W[l].length; i++) {
                for (int j = 0; j < W[l][0].length; j++) {
                    W[l][i][j] -= alpha * dJ.dW[l][i][j];                   // E11: W := W − α[(1/K)ΔW + λW]
                }
                b[l][i] -= alpha * dJ.db[l][i];                             // E12: b := b − α(1/K)Δb
            }
        }
    }

    /**
     * Trains for {@code epochs} passes over the samples in the given order (no shuffling), with
     * batches of K = batchSize (the last one possibly smaller), 0 meaning the full set.
     */
    public void train(double[][] x, double[][] y, int batchSize, int epochs, double alpha, double lambda) {
        int N = x.length;
        int K = batchSize == 0 ? N : Math.min(batchSize, N);
        for (int e = 0; e < epochs; e++) {
            for (int from = 0; from < N; from += K) {
                int to = Math.min(N, from + K);
                step(java.util.Arrays.copyOfRange(x, from, to), java.util.Arrays.copyOfRange(y, from, to), alpha, lambda);
            }
        }
    }

    /** The parameters as a float32 network with the same activations. */
    public Network toNetwork() {
        List<Dense> layers = new ArrayList<>();
        for (int l = 0; l < layers(); l++) {
            org.backprop4j.math.Matrix w = new org.backprop4j.math.Matrix(W[l].length, W[l][0].length);
            float[] bias = new float[W[l].length];
            for (int i = 0; i < W[l].length; i++) {
                for (int j = 0; j < W[l][0].length; j++) w.set(i, j, (float) W[l][i][j]);
                bias[i] = (float) b[l][i];
            }
            layers.add(new Dense(w, bias, f[l]));
        }
        return new Network(layers);
    }
}
