package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.BatchSize;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nn train}: maps the flags onto a {@link TrainingConfig} and a starting network, trains, saves. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a network by backpropagation (SPEC E1-E12) and saves it as a JSON model file.")
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--layers", paramLabel = "SIZES", defaultValue = "100", order = 10,
            description = "Hidden layer sizes, comma-separated (e.g. 100,50); 'none' for no hidden layer. Default: ${DEFAULT-VALUE}.")
    String layers;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "sigmoid", order = 11,
            description = "Activation of the hidden layers: sigmoid, tanh, relu, identity. Default: ${DEFAULT-VALUE}.")
    String activation;

    @Option(names = "--output-activation", paramLabel = "NAME", order = 12,
            description = "Activation of the output layer: sigmoid, tanh, relu, identity, softmax. Default: sigmoid with mse, softmax with cross-entropy.")
    String outputActivation;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "mse", order = 13,
            description = "mse (the seed's E3: half the sum of squares, averaged over the batch) or cross-entropy. Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--init", paramLabel = "MODEL.json", order = 14,
            description = "Start from this model's weights; sizes and activations come from the file.")
    Path init;

    @Option(names = "--batch-size", paramLabel = "N|full", defaultValue = "32", order = 20,
            description = "K per gradient step: full (batch gradient descent), 1 (stochastic) or B (mini-batch). Default: ${DEFAULT-VALUE}.")
    String batchSize;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "10", order = 21, description = "Passes over the data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--learning-rate", paramLabel = "ALPHA", defaultValue = "0.1", order = 22,
            description = "alpha in E11-E12. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0", order = 23,
            description = "lambda: L2 weight in E4 and E11, on weights only. Default: ${DEFAULT-VALUE}.")
    double l2;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", order = 24,
            description = "Seeds the initial weights and the shuffling; the same seed gives the same model. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--no-shuffle", order = 25, description = "Keep the samples in file order instead of shuffling each epoch.")
    boolean noShuffle;

    @Option(names = "--scale", paramLabel = "none|minmax|standard", defaultValue = "none", order = 26,
            description = "Input scaling fitted on the training data, stored in the model, applied by evaluate and predict. Default: ${DEFAULT-VALUE}.")
    String scale;

    @Option(names = "--threads", paramLabel = "N", order = 27,
            description = "Threads for the matrix kernels. Default: the number of cores. The model does not depend on it.")
    Integer threads;

    @Option(names = "--test-data", paramLabel = "FILE", order = 30,
            description = "Also evaluate the trained model on this data (same format and target options as --data).")
    Path testData;

    @Option(names = "--test-labels", paramLabel = "FILE", order = 31, description = "IDX labels for --test-data.")
    Path testLabels;

    @Option(names = "--out", paramLabel = "MODEL.json", defaultValue = "model.json", order = 40,
            description = "Where to save the trained model (written atomically). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--quiet", order = 41, description = "Print nothing but errors (and the --test-data result).")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        // Validate every option before touching data, so mistakes are reported at once.
        Model initModel = init == null ? null : ModelJson.read(init);
        if (initModel != null) {
            for (String o : List.of("--layers", "--activation", "--output-activation")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new UserException(o + " cannot be combined with --init (sizes and activations come from " + init + ")");
                }
            }
        }
        Loss lossFn = initModel != null && !spec.commandLine().getParseResult().hasMatchedOption("--loss")
                ? initModel.loss() : parse(() -> Loss.of(loss), "--loss");
        Activation hidden = parse(() -> Activation.of(activation), "--activation");
        if (hidden == Activation.SOFTMAX) throw new UserException("--activation: softmax is only allowed on the output layer");
        Activation output = outputActivation != null ? parse(() -> Activation.of(outputActivation), "--output-activation")
                : lossFn == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.SIGMOID;
        int[] hiddenSizes = parseLayers(layers);
        BatchSize k = parse(() -> BatchSize.parse(batchSize), "--batch-size");
        TrainingConfig config = parse(() -> TrainingConfig.builder().loss(lossFn).batchSize(k).epochs(epochs)
                .learningRate(learningRate).l2(l2).seed(seed).shuffle(!noShuffle)
                .threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads).build(), null);
        if (!List.of("none", "minmax", "standard").contains(scale)) {
            throw new UserException("--scale: unknown scaling '" + scale + "' (known: none, minmax, standard)");
        }
        if (testLabels != null && testData == null) throw new UserException("--test-labels needs --test-data");
        checkWritable(out);

        List<String> knownClasses = initModel != null && initModel.isClassifier() ? initModel.classes() : null;
        Dataset raw = dataOptions.load(knownClasses, true);
        if (initModel != null && initModel.network().inputs() != raw.x().cols) { // before its scaling meets the data
            throw new UserException("--init " + init + ": the model takes " + initModel.network().inputs() + " inputs, but "
                    + raw.source() + " has " + raw.x().cols + " input columns");
        }
        Dataset rawTest = null; // read before training, so its mistakes are reported at once
        if (testData != null) {
            rawTest = dataOptions.withData(testData, testLabels).load(raw.isClassification() ? raw.classes() : null, true);
            if (rawTest.x().cols != raw.x().cols) {
                throw new UserException("--test-data " + testData + " has " + rawTest.x().cols + " input columns, but "
                        + raw.source() + " has " + raw.x().cols);
            }
        }
        Scaler scaler = spec.commandLine().getParseResult().hasMatchedOption("--scale") || initModel == null
                ? Scaler.fit(scale, raw.x()) : initModel.scaler();
        Dataset data = raw.scaled(scaler);

        Network start;
        if (initModel != null) {
            start = initModel.network();
            if (start.inputs() != data.x().cols) {
                throw new UserException("--init " + init + ": the model takes " + start.inputs() + " inputs, but "
                        + raw.source() + " has " + data.x().cols + " input columns");
            }
            if (start.outputs() != data.y().cols) {
                throw new UserException("--init " + init + ": the model has " + start.outputs() + " outputs, but "
                        + raw.source() + " has " + data.y().cols + (data.isClassification() ? " classes" : " target columns"));
            }
        } else {
            int[] sizes = new int[hiddenSizes.length + 2];
            sizes[0] = data.x().cols;
            System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
            sizes[sizes.length - 1] = data.y().cols;
            start = Network.create(sizes, hidden, output, seed);
        }
        parse(() -> {
            lossFn.checkOutput(start.layer(start.layers().size() - 1).activation());
            return null;
        }, "--loss");

        if (!quiet) {
            err.printf("training %s on %d samples from %s: loss %s, batch %s, %d epochs, learning rate %s, l2 %s%n",
                    start, data.size(), raw.source(), lossFn, k, epochs, learningRate, l2);
        }
        TrainingListener progress = quiet ? TrainingListener.NONE : new EpochPrinter(err, data.size());
        Network trained = new Trainer(config, progress).train(start, data);
        Model model = new Model(trained, lossFn, data.classes(), scaler, l2);

        if (rawTest != null) {
            Evaluation e = Evaluation.of(model, rawTest, l2);
            stdout.println(EvaluateCommand.summary(e, testData.toString())); // a result, not progress: also with --quiet
        }
        ModelJson.write(model, out);
        if (!quiet) err.println("saved " + out);
        return 0;
    }

    static int[] parseLayers(String text) {
        if (text.isBlank() || text.equalsIgnoreCase("none")) return new int[0];
        String[] parts = text.split(",");
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserException("--layers: '" + parts[i].trim() + "' is not a layer size (expected e.g. 100,50)");
            }
            if (sizes[i] < 1) throw new UserException("--layers: layer sizes must be positive, got " + sizes[i]);
        }
        return sizes;
    }

    /** Fails early (before training) when the output file could not be written. */
    static void checkWritable(Path out) {
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
            throw new UserException("--out " + out + ": folder " + dir + " does not exist");
        }
        if (java.nio.file.Files.isDirectory(out)) throw new UserException("--out " + out + " is a folder");
    }

    interface Parse<T> {
        T get();
    }

    /** Runs a parse; turns its IllegalArgumentException into a one-line error naming the option. */
    static <T> T parse(Parse<T> p, String option) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new UserException(option == null ? e.getMessage() : option + ": " + e.getMessage());
        }
    }

    /** One line per epoch: cost as E4's two parts, time and throughput. */
    static final class EpochPrinter implements TrainingListener {
        private final PrintWriter err;
        private final int samples;

        EpochPrinter(PrintWriter err, int samples) {
            this.err = err;
            this.samples = samples;
        }

        @Override
        public void onEpoch(EpochStats s) {
            err.printf("epoch %d/%d  cost %.6f (data %.6f + L2 %.6f)  %d steps  %.2fs  %,.0f samples/s%n",
                    s.epoch(), s.epochs(), s.cost(), s.dataCost(), s.l2Cost(), s.steps(), s.seconds(), samples / s.seconds());
            err.flush();
        }
    }
}
