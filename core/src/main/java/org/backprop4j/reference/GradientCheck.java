package org.backprop4j.reference;

import org.backprop4j.data.Shuffle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Checks backpropagation against finite differences, in double, on a network held by a
 * {@link ReferenceBackprop}: for each layer, the gradient of E4 that E5–E10 give,
 * {@code dJ/dW = (1/K)ΔW + λW} (E11's bracket) and {@code dJ/db = (1/K)Δb} (E12's), is compared
 * with the central difference {@code (J(p+h) − J(p−h)) / 2h} of the cost J of E4 itself, which
 * uses only the forward pass. A wrong f', a transposed W in E7 or a missing term shows up as a
 * large error in the layers below the mistake.
 *
 * <p>Error of one parameter: {@code |analytic − numeric| / max(|analytic|, |numeric|, FLOOR)}:
 * relative where the gradient is sizeable, absolute (over FLOOR) where it is about zero, so that
 * the rounding noise of a difference quotient on a vanishing gradient does not count as an error.
 * With h = 1e-5 in double a correct backpropagation stays near 1e-7 or below; a wrong one is off
 * by 1e-2 or more. The verdict passes when every checked parameter is below {@link #THRESHOLD}.
 * A ReLU whose z lies within h of its kink at 0 can fail honestly (the difference quotient
 * straddles the kink); with random data that is rare.
 */
public final class GradientCheck {
    /** The step of the central difference. */
    public static final double H = 1e-5;
    /** The absolute floor of the error's denominator. */
    public static final double FLOOR = 1e-4;
    /** The largest error a passing check allows. */
    public static final double THRESHOLD = 1e-4;

    private GradientCheck() {
    }

    /**
     * The worst errors of one layer (1-based: W^(l) maps layer l to l+1).
     *
     * @param weightsChecked how many of the layer's weights were compared (all, or a random subset)
     * @param worstWeight    the largest error among them
     * @param worstWeightAt  {i, j} of that weight
     */
    public record LayerResult(int layer, int weights, int weightsChecked, double worstWeight, int[] worstWeightAt,
                              int biases, int biasesChecked, double worstBias) {
        public double worst() {
            return Math.max(worstWeight, worstBias);
        }

        public boolean passed() {
            return worst() < THRESHOLD;
        }
    }

    /** Per-layer results; passes when every layer does. */
    public record Result(List<LayerResult> layers, int samples) {
        public boolean passed() {
            return layers.stream().allMatch(LayerResult::passed);
        }

        public double worst() {
            return layers.stream().mapToDouble(LayerResult::worst).max().orElse(0);
        }
    }

    /**
     * Compares the gradient of E4 over the K samples x, y (with L2 weight lambda) from
     * backpropagation with central differences, for at most {@code perLayer} weights and
     * {@code perLayer} biases of each layer (a random subset drawn from {@code seed} when a layer has
     * more). net: its parameters are perturbed and restored; otherwise not modified.
     */
    public static Result check(ReferenceBackprop net, double[][] x, double[][] y, double lambda, int perLayer, long seed) {
        if (x.length == 0) throw new IllegalArgumentException("a gradient check needs at least one sample");
        if (perLayer < 1) throw new IllegalArgumentException("parameters per layer must be at least 1, got " + perLayer);
        int K = x.length;
        ReferenceBackprop.Gradients dJ = net.costGradient(x, y, lambda);   // E5–E10 and E11's, E12's brackets
        Random random = new Random(seed);
        List<LayerResult> layers = new ArrayList<>();
        for (int l = 0; l < net.layers(); l++) {
            int rows = net.W[l].length, cols = net.W[l][0].length;
            double worstW = 0;
            int[] worstAt = {0, 0};
            int[] weights = choose(rows * cols, perLayer, random);
            for (int k : weights) {
                int i = k / cols, j = k % cols;
                double analytic = dJ.dW()[l][i][j];                              // (1/K)ΔW + λW
                double numeric = centralDifference(net, x, y, lambda, net.W[l][i], j);
                double e = error(analytic, numeric);
                if (e > worstW || Double.isNaN(e)) {
                    worstW = e;
                    worstAt = new int[] {i, j};
                }
            }
            double worstB = 0;
            int[] biases = choose(rows, perLayer, random);
            for (int i : biases) {
                double analytic = dJ.db()[l][i];                                 // (1/K)Δb
                double numeric = centralDifference(net, x, y, lambda, net.b[l], i);
                double e = error(analytic, numeric);
                if (e > worstB || Double.isNaN(e)) worstB = e;
            }
            layers.add(new LayerResult(l + 1, rows * cols, weights.length, worstW, worstAt, rows, biases.length, worstB));
        }
        return new Result(layers, K);
    }

    /** The error measure of the class comment. NaN (a NaN gradient) compares as a failure. */
    public static double error(double analytic, double numeric) {
        double e = Math.abs(analytic - numeric) / Math.max(Math.max(Math.abs(analytic), Math.abs(numeric)), FLOOR);
        return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
    }

    /**
     * dJ/dp by (J(p+h) − J(p−h)) / 2h, J the cost of E4 over x, y with L2 weight lambda, p =
     * params[index] (a row of net.W or net.b); params[index] is restored afterwards.
     */
    public static double centralDifference(ReferenceBackprop net, double[][] x, double[][] y, double lambda,
                                            double[] params, int index) {
        double p = params[index];
        params[index] = p + H;
        double plus = net.cost(x, y, lambda);                          // E4
        params[index] = p - H;
        double minus = net.cost(x, y, lambda);
        params[index] = p;
        return (plus - minus) / (2 * H);
    }

    /** All of 0 … n−1 if n ≤ max, else max of them drawn without replacement, in increasing order. */
    private static int[] choose(int n, int max, Random random) {
        if (n <= max) return Shuffle.identity(n);
        int[] some = Shuffle.sample(n, max, random);
        java.util.Arrays.sort(some);
        return some;
    }
}
