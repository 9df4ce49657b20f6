package org.backprop4j.options;

import picocli.CommandLine.Mixin;

/**
 * The options of {@code nn train}, on one machine and on Spark ({@code nn train --spark}): the plan's
 * groups, test data, outputs, --quiet, checkpoints and sample weights, listed once for both commands,
 * which extend this class and add what only they take (--spark itself; the cluster's options).
 */
public abstract class TrainCommandOptions extends PlanOptions {
    @Mixin public TestDataOptions test;
    @Mixin public OutputOptions output;
    @Mixin public QuietOption verbosity;
    @Mixin public CheckpointOptions checkpoints;
    @Mixin public WeightOptions weights;
}
