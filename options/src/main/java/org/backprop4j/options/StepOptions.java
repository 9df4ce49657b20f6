package org.backprop4j.options;

import picocli.CommandLine.Option;

/**
 * The seed's three choices of a run: the batch size K, the number of epochs and the learning rate
 * alpha. A group of its own because {@code nn compare} replaces it with its experiment (several K,
 * one alpha each, and a budget of epochs, steps or seconds).
 */
public final class StepOptions {
    @Option(names = "--batch-size", paramLabel = "N|full", defaultValue = "32", order = 20,
            description = "K per gradient step: full (batch gradient descent), 1 (stochastic) or B (mini-batch). Default: ${DEFAULT-VALUE}.")
    public String batchSize;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "10", order = 21, description = "Passes over the data. Default: ${DEFAULT-VALUE}.")
    public int epochs;

    @Option(names = "--learning-rate", paramLabel = "ALPHA", defaultValue = "0.1", order = 22,
            description = "alpha in E11-E12. Default: ${DEFAULT-VALUE}.")
    public double learningRate;
}
