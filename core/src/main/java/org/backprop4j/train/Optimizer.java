package org.backprop4j.train;

import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Network;

import java.util.List;
import java.util.Set;

/**
 * One {@link UpdateRule} applied to every layer of the network being trained. Per step it forms
 * the gradient of E4 for the batch — E11's and E12's brackets, plus L1's subgradient:
 * <pre>
 *   g_W = (1/K)ΔW + λW + l1·sign(W)        g_b = (1/K)Δb
 * </pre>
 * scales all of g by c/‖g‖ when its global norm ‖g‖ (weights and biases together) exceeds the
 * clipping threshold c, and lets the rule step with it. Owns g's buffers and the rule's state,
 * allocated once, so a step allocates nothing.
 *
 * <p>The seed's configuration — plain gradient descent, no L1, no clipping — goes through
 * {@link GradientDescent} ({@link Kernels#descend}) untouched, so it stays the seed's arithmetic
 * bit for bit.
 *
 * <p>Public for trainers outside this package (the Spark module applies it on the driver to the
 * gradients summed over the cluster); {@link Trainer} is its main user.
 */
public final class Optimizer {
    private final UpdateRule rule;
    private final float lambda;
    private final float l1;
    private final double clipNorm;
    private final GradientDescent seedRule;   // non-null: the seed's configuration, through the seed's arithmetic
    private final float[][] gW;           // g_W of layer l
    private final float[][] gb;           // g_b of layer l
    private final float[][][] sW;         // sW[l][k]: the rule's state k for layer l's W
    private final float[][][] sb;         // sb[l][k]: the same for b
    private long t;                       // steps taken

    /**
     * An optimizer for {@code net}'s shapes with L2 weight {@code l2} (λ), L1 weight {@code l1} and
     * clipping threshold {@code clipNorm} (0: no clipping); the rule's state starts at zero.
     */
    public Optimizer(UpdateRule rule, Network net, double l2, double l1, double clipNorm, Kernels kernels) {
        this.rule = rule;
        this.lambda = (float) l2;
        this.l1 = (float) l1;
        this.clipNorm = clipNorm;
        boolean seedConfiguration = rule instanceof UpdateRule.Sgd && l1 == 0 && clipNorm == 0;
        this.seedRule = seedConfiguration ? new GradientDescent(l2, kernels) : null;
        int layers = net.layers().size(), k = rule.state().size();
        gW = new float[layers][];
        gb = new float[layers][];
        sW = new float[layers][k][];
        sb = new float[layers][k][];
        for (int l = 0; l < layers; l++) {
            Dense d = net.layer(l);
            gW[l] = new float[d.weights().data.length];
            gb[l] = new float[d.bias().length];
            for (int s = 0; s < k; s++) {
                sW[l][s] = new float[gW[l].length];
                sb[l][s] = new float[gb[l].length];
            }
        }
    }

    UpdateRule rule() {
        return rule;
    }

    /** One step with the gradients of a batch of K samples and learning rate α_t. net: modified in place. */
    public void step(Network net, Gradients grads, int K, double alpha) {
        t++;
        if (seedRule != null) {
            seedRule.step(net, grads, K, (float) alpha);                                          // E11, E12
            return;
        }
        double sumOfSquares = 0;
        for (int l = 0; l < gW.length; l++) {
            float[] w = net.layer(l).weights().data, dW = grads.weightGradient(l), g = gW[l];
            for (int i = 0; i < g.length; i++) {
                g[i] = dW[i] / K + lambda * w[i] + l1 * Math.signum(w[i]);                    // E11's bracket, + L1
            }
            float[] db = grads.biasGradient(l), h = gb[l];
            for (int i = 0; i < h.length; i++) h[i] = db[i] / K;                               // E12's bracket
            if (clipNorm > 0) sumOfSquares += sumOfSquares(g) + sumOfSquares(h);
        }
        double norm = Math.sqrt(sumOfSquares);
        if (clipNorm > 0 && norm > clipNorm) {
            float c = (float) (clipNorm / norm);                                                // g := g · c/‖g‖
            for (int l = 0; l < gW.length; l++) {
                scale(gW[l], c);
                scale(gb[l], c);
            }
        }
        float a = (float) alpha;
        for (int l = 0; l < gW.length; l++) {
            Dense d = net.layer(l);
            rule.update(gW[l].length, d.weights().data, gW[l], sW[l], a, t, true);
            rule.update(gb[l].length, d.bias(), gb[l], sb[l], a, t, false);
        }
    }

    /** A copy of the rule's state and step count, as a model file keeps it. */
    public OptimizerState snapshot() {
        float[][][] w = new float[sW.length][][], b = new float[sb.length][][];
        for (int l = 0; l < sW.length; l++) {
            w[l] = new float[sW[l].length][];
            b[l] = new float[sb[l].length][];
            for (int k = 0; k < sW[l].length; k++) {
                w[l][k] = sW[l][k].clone();
                b[l][k] = sb[l][k].clone();
            }
        }
        return new OptimizerState(rule.id(), t, rule.state(), w, b);
    }

    /**
     * Continues from {@code state}: its step count and arrays replace this optimizer's. Returns false
     * (and changes nothing) when the state belongs to another rule or other shapes.
     */
    public boolean restore(OptimizerState state, Network net) {
        List<String> names = rule.state();
        if (!state.rule().equals(rule.id()) || !Set.copyOf(state.names()).equals(Set.copyOf(names)) || !state.fits(net)) return false;
        for (int k = 0; k < names.size(); k++) {
            int from = state.names().indexOf(names.get(k));   // by name: a file may list them in any order
            for (int l = 0; l < sW.length; l++) {
                System.arraycopy(state.weights()[l][from], 0, sW[l][k], 0, sW[l][k].length);
                System.arraycopy(state.bias()[l][from], 0, sb[l][k], 0, sb[l][k].length);
            }
        }
        t = state.step();
        return true;
    }

    private static double sumOfSquares(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return s;
    }

    private static void scale(float[] v, float c) {
        for (int i = 0; i < v.length; i++) v[i] *= c;
    }
}
