package org.backprop4j.train;

import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Network;

/** The seed's update rule: plain gradient descent with L2 on the weights (E11) and none on the biases (E12). */
final class GradientDescent {
    private final float lambda;
    private final Kernels kernels;

    GradientDescent(double lambda, Kernels kernels) {
        this.lambda = (float) lambda;
        this.kernels = kernels;
    }

    /** Applies one step with the gradients of a batch of K samples and this step's alpha (α_t of the schedule). net: modified in place. */
    void step(Network net, Gradients grads, int K, float alpha) {
        for (int l = 0; l < net.layers().size(); l++) {
            Dense d = net.layer(l);
            float[] w = d.weights().data;
            kernels.descend(d.outputs(), d.inputs(), w, grads.weightGradient(l), alpha, K, lambda); // E11
            kernels.descend(d.bias().length, d.bias(), grads.biasGradient(l), alpha, K, 0f);     // E12
        }
    }
}
