package org.backprop4j.spark;

/**
 * How the partitions of a data set train one network together.
 *
 * <ul>
 *   <li>{@link Synchronous}: each step the driver broadcasts W and b, every partition computes its
 *       share of ΔW and Δb (E10) over its part of the batch, a tree aggregation sums the shares,
 *       and the driver applies E11–E12 (or the configured update rule) with the global K. With
 *       batch size {@code full} this is the single-machine trainer's batch gradient descent.</li>
 *   <li>{@link Averaging}: each partition takes {@code steps} mini-batch steps of its own over its
 *       own rows, starting from the broadcast weights and optimizer state; the driver then sets
 *       both to the partitions' mean. Fewer, larger messages; a different (approximate) algorithm.</li>
 * </ul>
 */
public sealed interface Strategy {
    /** Synchronous gradient aggregation with a tree of this depth (Spark's {@code treeReduce}, ≥ 1). */
    record Synchronous(int depth) implements Strategy {
        public Synchronous {
            if (depth < 1) throw new IllegalArgumentException("tree depth must be at least 1, got " + depth);
        }
    }

    /** Parameter averaging after every {@code steps} local steps (≥ 1) of each partition. */
    record Averaging(int steps) implements Strategy {
        public Averaging {
            if (steps < 1) throw new IllegalArgumentException("averaging every (--average-every) must be at least 1 step, got " + steps);
        }
    }

    static Strategy synchronous() {
        return new Synchronous(2);
    }

    static Strategy averaging(int steps) {
        return new Averaging(steps);
    }
}
