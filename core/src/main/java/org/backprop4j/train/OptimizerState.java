package org.backprop4j.train;

import org.backprop4j.nn.Network;

import java.util.List;

/**
 * What an update rule has accumulated after some steps — the values a model file keeps so that
 * {@code nn train --init} continues exactly where training stopped. The arrays are the
 * rule's state, not copies the caller may change: treat them as read-only.
 *
 * @param rule    the rule's id ({@link UpdateRule#id()})
 * @param step    t, the steps taken so far (Adam's bias correction counts them)
 * @param names   the rule's state names ({@link UpdateRule#state()}), e.g. "m", "v"
 * @param weights {@code weights[l][k]}: state {@code names[k]} of layer l's W, s_{l+1}×s_l row-major
 * @param bias    {@code bias[l][k]}: state {@code names[k]} of layer l's b
 */
public record OptimizerState(String rule, long step, List<String> names, float[][][] weights, float[][][] bias) {

    public OptimizerState {
        names = List.copyOf(names);
        if (step < 0) throw new IllegalArgumentException("optimizer step must be >= 0, got " + step);
        if (weights.length != bias.length) {
            throw new IllegalArgumentException("optimizer state for " + weights.length + " weight layers but " + bias.length + " bias layers");
        }
        for (int l = 0; l < weights.length; l++) {
            if (weights[l].length != names.size() || bias[l].length != names.size()) {
                throw new IllegalArgumentException("optimizer state of layer " + l + " does not hold one array per name " + names);
            }
        }
    }

    /** Whether the arrays have the shapes of {@code net}'s parameters. */
    public boolean fits(Network net) {
        if (weights.length != net.layers().size()) return false;
        for (int l = 0; l < weights.length; l++) {
            int w = net.layer(l).weights().data.length, b = net.layer(l).bias().length;
            for (int k = 0; k < names.size(); k++) {
                if (weights[l][k].length != w || bias[l][k].length != b) return false;
            }
        }
        return true;
    }
}
