package org.backprop4j.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The network group: the layers and activations of a fresh network, the loss it is trained for,
 * and where its first weights come from (drawn by --init-weights from --seed, or a saved model's
 * with --init). {@link TrainingPlan} turns them into the starting network, checked once.
 */
public final class NetworkOptions {
    @Option(names = "--layers", paramLabel = "SIZES", defaultValue = "100", order = 10,
            description = "Hidden layer sizes, comma-separated (e.g. 100,50); 'none' for no hidden layer. Default: ${DEFAULT-VALUE}.")
    public String layers;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "sigmoid", order = 11,
            description = "Activation of the hidden layers: sigmoid, tanh, relu, identity, leaky-relu (slope 0.01), elu, softplus, "
                    + "gelu (tanh form). Default: ${DEFAULT-VALUE}.")
    public String activation;

    @Option(names = "--output-activation", paramLabel = "NAME", order = 12,
            description = "Activation of the output layer: any hidden one, or softmax. Default: sigmoid with mse, softmax with cross-entropy.")
    public String outputActivation;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "mse", order = 13,
            description = "mse (the seed's E3: half the sum of squares, averaged over the batch) or cross-entropy. Default: ${DEFAULT-VALUE}.")
    public String loss;

    @Option(names = "--init", paramLabel = "MODEL.json", order = 14,
            description = "Start from this model's weights; sizes and activations come from the file. Training continues "
                    + "the saved run: epochs are counted on, and the optimizer's saved state is used if --optimizer is the same.")
    public Path init;

    @Option(names = "--init-weights", paramLabel = "NAME", order = 70,
            description = "Initial weights: default (uniform +-1/sqrt(fan-in), biases too), xavier-uniform, xavier-normal, he-uniform, "
                    + "he-normal, lecun-uniform, lecun-normal (these start biases at 0). Drawn from --seed. Default: default.")
    public String initWeights;
}
