package org.backprop4j.options;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParseResult;

/**
 * The option groups a {@link TrainingPlan} is made of — data, network, steps, training, validation —
 * listed once for every command that trains with them ({@code nn train}, {@code nn cross-validate}, the
 * Spark launcher). A command extends this class and adds the groups only it takes: picocli reads the
 * mixins of a superclass as the command's own, so the fields keep their short names ({@code data.data},
 * {@code network.init}) in the command.
 */
public abstract class PlanOptions {
    @Mixin public DataOptions data;
    @Mixin public NetworkOptions network;
    @Mixin public StepOptions steps;
    @Mixin public TrainingOptions training;
    @Mixin public ValidationOptions validation;

    /**
     * These groups, checked, as a plan ({@link TrainingPlan#of}). {@code given}: the parsed command
     * line; {@code defaultThreads}: kernel threads when --threads is not given.
     */
    public TrainingPlan plan(ParseResult given, int defaultThreads) {
        return TrainingPlan.of(given, data, network, steps, training, validation, defaultThreads);
    }
}
