package org.backprop4j.train;

/**
 * ΔW and Δb of E10 summed over a batch, per layer, as an {@link Optimizer} reads them. {@link Backprop}
 * computes them on one machine; a distributed trainer sums the partitions' shares and hands the
 * sum to the same optimizer, so that E11–E12 (and every other update rule) stay in one place.
 */
public interface Gradients {
    /** ΔW(l), s_{l+1}×s_l row-major. Read-only. */
    float[] weightGradient(int l);

    /** Δb(l), s_{l+1} numbers. Read-only. */
    float[] biasGradient(int l);
}
