package org.backprop4j.inspect;

import org.backprop4j.nn.Activation;

/**
 * How one layer looks at one moment of training (see {@link LayerProbe} for how each is measured).
 *
 * @param layer        1-based: W^(layer) maps layer {@code layer} to layer {@code layer + 1}
 * @param activation   f of the layer's outputs
 * @param weightNorm   ‖W^(l)‖, the Frobenius norm (biases excluded)
 * @param gradientNorm ‖∂J/∂W^(l)‖ = ‖(1/K)ΔW^(l) + λW^(l)‖ (E11's bracket) on the probe samples
 * @param saturated    share of the probe's (sample, unit) pairs where f'(z) is below 10% of its
 *                     largest value, for sigmoid and tanh; NaN for other activations
 * @param dead         share of units that are 0 on every probe sample, for ReLU; NaN otherwise
 */
public record LayerStats(int layer, Activation activation, double weightNorm, double gradientNorm, double saturated, double dead) {
}
