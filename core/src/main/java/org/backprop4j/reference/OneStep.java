package org.backprop4j.reference;

import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;

import java.util.ArrayList;
import java.util.List;

/**
 * Every quantity of one gradient-descent step over K samples, E1–E12, as {@link ReferenceBackprop}
 * computes them (in double): what {@code nn explain} shows a learner. Nothing here is computed a
 * second way; this record only keeps what the reference's own methods return, plus the central
 * differences of {@link GradientCheck} beside ∂J/∂W and ∂J/∂b.
 *
 * <p>Indices as in {@link ReferenceBackprop}: {@code W[l]} is W^(l+1); per sample k,
 * {@code passes.get(k).z()[l]} is z^(l+1) and {@code deltas.get(k)[l]} is δ^(l+1).
 *
 * @param W                  W^(l) before the step
 * @param b                  b^(l) before the step
 * @param f                  each layer's activation
 * @param x                  the K samples' inputs (as the network sees them: scaled)
 * @param y                  their targets
 * @param passes             per sample: z and a of every layer (E1, E2)
 * @param sampleCost         per sample: J(W,b; x,y) (E3, or the loss's own per-sample cost)
 * @param dataTerm           (1/K) Σ_k J(W,b; x^(k),y^(k)), E4's first term
 * @param squaredWeights     Σ_l Σ_i Σ_j (W_ij^(l))², the sum in E4's L2 term
 * @param deltas             per sample: δ of every layer (E6, E7)
 * @param sampleGradients    per sample: δ^(l+1) (a^(l))ᵀ and δ^(l+1) (E8, E9)
 * @param sum                ΔW and Δb summed over the K samples (E10)
 * @param costGradient       ∂J/∂W = (1/K)ΔW + λW, ∂J/∂b = (1/K)Δb
 * @param centralDifference  (J(p+h) − J(p−h)) / 2h of E4 for every weight and bias, h = {@link GradientCheck#H}
 * @param newW               W after E11
 * @param newB               b after E12
 * @param costAfter          J of E4 with the new parameters, on the same samples
 */
public record OneStep(double[][][] W, double[][] b, Activation[] f, Loss loss, double[][] x, double[][] y,
                      double alpha, double lambda,
                      List<ReferenceBackprop.Pass> passes, double[] sampleCost, double dataTerm, double squaredWeights,
                      List<double[][]> deltas, List<ReferenceBackprop.Gradients> sampleGradients,
                      ReferenceBackprop.Gradients sum, ReferenceBackprop.Gradients costGradient,
                      ReferenceBackprop.Gradients centralDifference, double[][][] newW, double[][] newB, double costAfter) {

    /** K, the number of samples of the step. */
    public int K() {
        return x.length;
    }

    /** (λ/2) Σ W², E4's second term. */
    public double l2Term() {
        return lambda / 2 * squaredWeights;
    }

    /** J(W,b) of E4 before the step: data term + L2 term. */
    public double cost() {
        return dataTerm + l2Term();
    }

    /** The number of weight layers, n_l − 1. */
    public int layers() {
        return W.length;
    }

    /**
     * Takes one step of gradient descent (α, λ) from {@code net}'s parameters on the K samples x, y
     * with the reference engine and records everything it computed. net: not modified.
     */
    public static OneStep take(Network net, Loss loss, double[][] x, double[][] y, double alpha, double lambda) {
        if (x.length == 0) throw new IllegalArgumentException("a step needs at least one sample");
        ReferenceBackprop ref = new ReferenceBackprop(net, loss);
        double[][][] W = copy(ref.W);
        double[][] b = copy(ref.b);
        int K = x.length;
        List<ReferenceBackprop.Pass> passes = new ArrayList<>();
        List<double[][]> deltas = new ArrayList<>();
        List<ReferenceBackprop.Gradients> sampleGradients = new ArrayList<>();
        double[] sampleCost = new double[K];
        for (int k = 0; k < K; k++) {
            ReferenceBackprop.Pass p = ref.forward(x[k]);                              // E1, E2
            passes.add(p);
            sampleCost[k] = ref.cost(x[k], y[k]);                                      // E3
            deltas.add(ref.deltas(p, y[k]));                                           // E6, E7
            sampleGradients.add(ref.gradients(new double[][] {x[k]}, new double[][] {y[k]}));  // E8, E9: a sum of one
        }
        double dataTerm = ref.cost(x, y, 0);                                           // E4 without the L2 term
        double squaredWeights = ref.sumOfSquaredWeights();                             // E4's Σ W²
        ReferenceBackprop.Gradients sum = ref.gradients(x, y);                         // E10
        ReferenceBackprop.Gradients dJ = ref.costGradient(x, y, lambda);
        ReferenceBackprop.Gradients numeric = new ReferenceBackprop.Gradients(new double[W.length][][], new double[W.length][]);
        for (int l = 0; l < W.length; l++) {
            numeric.dW()[l] = new double[W[l].length][W[l][0].length];
            numeric.db()[l] = new double[W[l].length];
            for (int i = 0; i < W[l].length; i++) {
                for (int j = 0; j < W[l][0].length; j++) {
                    numeric.dW()[l][i][j] = GradientCheck.centralDifference(ref, x, y, lambda, ref.W[l][i], j);
                }
                numeric.db()[l][i] = GradientCheck.centralDifference(ref, x, y, lambda, ref.b[l], i);
            }
        }
        ref.step(x, y, alpha, lambda);                                                 // E11, E12
        return new OneStep(W, b, ref.f.clone(), loss, x, y, alpha, lambda, passes, sampleCost, dataTerm, squaredWeights,
                deltas, sampleGradients, sum, dJ, numeric, copy(ref.W), copy(ref.b), ref.cost(x, y, lambda));
    }

    private static double[][][] copy(double[][][] m) {
        double[][][] c = new double[m.length][][];
        for (int l = 0; l < m.length; l++) c[l] = copy(m[l]);
        return c;
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) c[i] = m[i].clone();
        return c;
    }
}
