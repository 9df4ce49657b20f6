package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Init;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.BatchSize;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingRecord;
import org.backprop4j.train.TrainingResult;
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

    @Mixin
    TrainingOptions training;

    @Option(names = "--layers", paramLabel = "SIZES", defaultValue = "100", order = 10,
            description = "Hidden layer sizes, comma-separated (e.g. 100,50); 'none' for no hidden layer. Default: ${DEFAULT-VALUE}.")
    String layers;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "sigmoid", order = 11,
            description = "Activation of the hidden layers: sigmoid, tanh, relu, identity, leaky-relu (slope 0.01), elu, softplus, "
                    + "gelu (tanh form). Default: ${DEFAULT-VALUE}.")
    String activation;

    @Option(names = "--output-activation", paramLabel = "NAME", order = 12,
            description = "Activation of the output layer: any hidden one, or softmax. Default: sigmoid with mse, softmax with cross-entropy.")
    String outputActivation;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "mse", order = 13,
            description = "mse (the seed's E3: half the sum of squares, averaged over the batch) or cross-entropy. Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--init", paramLabel = "MODEL.json", order = 14,
            description = "Start from this model's weights; sizes and activations come from the file. Training continues "
                    + "the saved run: epochs are counted on, and the optimizer's saved state is used if --optimizer is the same.")
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

    @Option(names = "--report", paramLabel = "FILE.html", order = 42,
            description = "Also write one self-contained HTML page about the run: configuration, cost and accuracy curves "
                    + "(training, and validation = --test-data), confusion matrix, per-layer weight and gradient norms, "
                    + "saturated/dead units, timings. Needs no network access to open.")
    Path report;

    @Option(names = "--metrics", paramLabel = "FILE", order = 43,
            description = "Also write one row per epoch (cost, accuracy, validation, timings, per-layer norms and saturation): "
                    + "CSV if FILE ends in .csv, JSON lines if in .jsonl or .json.")
    Path metrics;

    @Option(names = "--spark", paramLabel = "MASTER", order = 44,
            description = "Train on Apache Spark instead (e.g. local[2]): the ./nn script hands the command to the Spark launcher "
                    + "of the spark module; see docs/SCALING.md.")
    String spark;

    /** Set by cross-validate: train on this raw data instead of reading --data, and keep the model in {@link #trainedModel} instead of saving it. */
    Dataset givenData;
    /** The model trained on {@link #givenData}. */
    Model trainedModel;

    @Override
    public Integer call() throws Exception {
        if (spark != null) {
            throw new UserException("--spark: Spark is not in nn.jar; run it through the ./nn script (which starts the launcher "
                    + "in spark/target) or spark-submit spark/target/backprop4j-spark.jar");
        }
        long started = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        // Validate every option before touching data, so mistakes are reported at once.
        ModelFile initFile = init == null ? null : ModelJson.readFile(init);
        Model initModel = initFile == null ? null : initFile.model();
        TrainingRecord previous = initFile == null ? TrainingRecord.NONE : initFile.training();
        if (initModel != null && training.initWeights != null) {
            throw new UserException("--init-weights cannot be combined with --init (the weights come from " + init + ")");
        }
        if (initModel != null) checkAgreesWithInit(initModel.network());
        Loss lossFn = initModel != null && !spec.commandLine().getParseResult().hasMatchedOption("--loss")
                ? initModel.loss() : parse(() -> Loss.of(loss), "--loss");
        Activation hidden = parse(() -> Activation.of(activation), "--activation");
        if (hidden == Activation.SOFTMAX) throw new UserException("--activation: softmax is only allowed on the output layer");
        Activation output = outputActivation != null ? parse(() -> Activation.of(outputActivation), "--output-activation")
                : lossFn == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.SIGMOID;
        int[] hiddenSizes = parseLayers(layers);
        BatchSize k = parse(() -> BatchSize.parse(batchSize), "--batch-size");
        TrainingConfig config = parse(() -> training.applyTo(TrainingConfig.builder().loss(lossFn).batchSize(k).epochs(epochs)
                .learningRate(learningRate).l2(l2).seed(seed).shuffle(!noShuffle)
                .threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads)).build(), null);
        Init initWeights = training.init();
        if (!List.of("none", "minmax", "standard").contains(scale)) {
            throw new UserException("--scale: unknown scaling '" + scale + "' (known: none, minmax, standard)");
        }
        if (testLabels != null && testData == null) throw new UserException("--test-labels needs --test-data");
        checkWritable(out);
        if (report != null) checkWritable("--report", report);
        if (metrics != null) {
            checkWritable("--metrics", metrics);
            MetricsFile.formatOf(metrics);
        }

        List<String> knownClasses = initModel != null && initModel.isClassifier() ? initModel.classes() : null;
        Dataset all = givenData != null ? givenData
                : initModel != null ? dataOptions.loadLike(initModel, true) : dataOptions.load(knownClasses, true);
        // --validation-split: held out before the scaling is fitted, so the validation rows stay unseen
        Trainer.Split held = training.validationSplit == null ? null
                : parse(() -> Trainer.splitValidation(all, training.validationSplit, seed), null);
        Dataset raw = held == null ? all : held.training();
        if (initModel != null && initModel.network().inputs() != raw.x().cols) { // before its scaling meets the data
            throw new UserException("--init " + init + ": the model takes " + initModel.network().inputs() + " inputs, but "
                    + raw.source() + " has " + raw.x().cols + " input columns");
        }
        Dataset rawTest = null; // read before training, so its mistakes are reported at once
        if (testData != null) {
            rawTest = dataOptions.withData(testData, testLabels).loadLike(raw, true);
            if (rawTest.x().cols != raw.x().cols) {
                throw new UserException("--test-data " + testData + " has " + rawTest.x().cols + " input columns, but "
                        + raw.source() + " has " + raw.x().cols);
            }
        }
        Dataset rawValidation = held != null ? held.validation() : null;
        if (training.validationData != null) {
            rawValidation = dataOptions.withData(training.validationData, training.validationLabels).loadLike(raw, true);
            if (rawValidation.x().cols != raw.x().cols) {
                throw new UserException("--validation-data " + training.validationData + " has " + rawValidation.x().cols
                        + " input columns, but " + raw.source() + " has " + raw.x().cols);
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
            start = Network.create(sizes, hidden, output, initWeights, seed);
        }
        parse(() -> {
            lossFn.checkOutput(start.layer(start.layers().size() - 1).activation());
            return null;
        }, "--loss");

        if (!quiet) {
            err.printf("training %s on %d samples from %s: loss %s, batch %s, %d epochs, learning rate %s, l2 %s%n",
                    start, data.size(), raw.source(), lossFn, k, epochs, learningRate, l2);
        }
        // --test-data doubles as the validation set of the curves, until a validation set of its own is given
        Dataset validating = rawValidation == null ? null : rawValidation.scaled(scaler); // monitored by the trainer
        Dataset validation = validating != null ? validating : rawTest == null ? null : rawTest.scaled(scaler);
        if (!quiet && previous.optimizer() != null) {
            err.println(previous.optimizer().rule().equals(config.updateRule().id())
                    ? "continuing after epoch " + previous.bestEpoch() + " of " + init + " with its " + previous.optimizer().rule()
                            + " state (step " + previous.optimizer().step() + ")"
                    : "--init " + init + " holds " + previous.optimizer().rule() + " state; --optimizer "
                            + config.updateRule().id() + " starts from a fresh one");
        }
        TrainingWatch watch = new TrainingWatch(err, quiet, Progress.isTerminal(), report, metrics, start, data, validation,
                lossFn, l2, previous.bestEpoch() + epochs, seed, started);
        Network trained;
        TrainingResult result;
        try {
            result = new Trainer(config, watch.listener()).fit(start, previous, data, validating);
            trained = result.network();
        } catch (TrainingDivergedException e) {
            watch.clear();
            if (givenData != null) throw e; // cross-validate: its caller reports it; nothing is saved
            return diverged(e, watch, new Model(start, lossFn, data.classes(), scaler, l2).withCategorical(raw.categorical()),
                    config, data, rawTest);
        }
        Model model = new Model(trained, lossFn, data.classes(), scaler, l2).withCategorical(raw.categorical());
        if (givenData != null) {
            trainedModel = model;
            return 0;
        }

        Evaluation testResult = null;
        if (rawTest != null) {
            testResult = Evaluation.of(model, rawTest, l2);
            stdout.println(EvaluateCommand.summary(testResult, testData.toString())); // a result, not progress: also with --quiet
        }
        if (!quiet && config.earlyStopping().isOn()) {
            err.println((result.stoppedEpoch() < previous.bestEpoch() + epochs ? "early stopping: stopped after epoch "
                    : "early stopping: ran to epoch ") + result.stoppedEpoch() + ", kept the weights of epoch " + result.bestEpoch()
                    + " (lowest " + (validating != null ? "validation" : "training") + " cost)");
        }
        ModelJson.write(new ModelFile(model, result.record()), out);
        if (!quiet) err.println("saved " + out);
        if (report != null || metrics != null) {
            Evaluation shown = testResult != null || !data.isClassification() || report == null ? testResult
                    : Evaluation.of(model, raw, l2);
            watch.finish(commandLine(), configuration(config, start, raw), shown,
                    testResult != null ? "test data " + testData : "training data " + raw.source(), data.classes(), null);
            if (!quiet) err.println("wrote" + (report != null ? " " + report : "") + (metrics != null ? " " + metrics : ""));
        }
        return 0;
    }

    /**
     * Training diverged: saves the network of the last good epoch to --out (if an epoch ended well),
     * writes the metrics and the report up to there, and says so in one line. Exit code 3.
     */
    private int diverged(TrainingDivergedException e, TrainingWatch watch, Model untrained, TrainingConfig config, Dataset data,
                         Dataset rawTest) throws java.io.IOException {
        String saved;
        if (e.lastGood() != null) {
            ModelJson.write(untrained.withNetwork(e.lastGood()), out);
            saved = "saved the last good model (end of epoch " + e.lastGoodEpoch() + ") to " + out;
        } else {
            saved = "no epoch's weights were confirmed good by the next epoch, so no model was saved";
        }
        if (report != null || metrics != null) {
            watch.finish(commandLine(), configuration(config, untrained.network(), data), null, null, data.classes(),
                    e.getMessage() + "; " + saved);
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("nn train: " + Main.oneLine(e.getMessage()) + "; " + saved);
        err.flush();
        return 3;
    }

    private String commandLine() {
        return "nn " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    /** The settings of the run, for the report. */
    private List<String[]> configuration(TrainingConfig config, Network start, Dataset raw) {
        return List.of(
                new String[] {"network", start.toString()},
                new String[] {"parameters", String.format("%,d", start.parameterCount())},
                new String[] {"loss", config.loss().id()},
                new String[] {"batch size K", config.batchSize().toString()},
                new String[] {"epochs", Integer.toString(config.epochs())},
                new String[] {"learning rate alpha", Double.toString(config.learningRate())},
                new String[] {"L2 lambda", Double.toString(config.l2())},
                new String[] {"update rule", config.updateRule().toString()},
                new String[] {"learning-rate schedule", config.schedule().toString()},
                new String[] {"L1, clip norm, dropout", config.l1() + ", " + (config.clipNorm() == 0 ? "none" : config.clipNorm())
                        + ", " + (config.dropout().isEmpty() ? "none" : config.dropout().toString())},
                new String[] {"early stopping", config.earlyStopping().isOn() ? "patience " + config.earlyStopping().patience()
                        + ", min delta " + config.earlyStopping().minDelta() : "off"},
                new String[] {"seed", Long.toString(config.seed())},
                new String[] {"shuffle", Boolean.toString(config.shuffle())},
                new String[] {"input scaling", scale},
                new String[] {"training data", raw.source() + " (" + raw.size() + " samples)"},
                new String[] {"validation data (curves)", training.validationData != null ? training.validationData + " (--validation-data)"
                        : training.validationSplit != null ? training.validationSplit + " of the data (--validation-split)"
                        : testData != null ? testData + " (--test-data)" : "none"},
                new String[] {"kernel threads", Integer.toString(config.threads())},
                new String[] {"Java", System.getProperty("java.version")});
    }

    /**
     * With --init, sizes and activations come from the file; --layers, --activation and
     * --output-activation may still be given (scripts often pass them all), but only if they say
     * the same as the file.
     */
    private void checkAgreesWithInit(Network net) {
        var given = spec.commandLine().getParseResult();
        int hiddenLayers = net.layers().size() - 1;
        if (given.hasMatchedOption("--layers")) {
            int[] hidden = parseLayers(layers);
            int[] fromFile = java.util.Arrays.copyOfRange(net.sizes(), 1, net.sizes().length - 1);
            if (!java.util.Arrays.equals(hidden, fromFile)) {
                throw new UserException("--layers " + layers + " disagrees with --init " + init + ", whose hidden layers are "
                        + (fromFile.length == 0 ? "none" : java.util.Arrays.toString(fromFile)) + " (sizes come from the file)");
            }
        }
        if (given.hasMatchedOption("--activation")) {
            Activation f = parse(() -> Activation.of(activation), "--activation");
            for (int l = 0; l < hiddenLayers; l++) {
                if (net.layer(l).activation() != f) {
                    throw new UserException("--activation " + activation + " disagrees with --init " + init + ", whose layer " + (l + 1)
                            + " uses " + net.layer(l).activation() + " (activations come from the file)");
                }
            }
        }
        if (given.hasMatchedOption("--output-activation")) {
            Activation f = parse(() -> Activation.of(outputActivation), "--output-activation");
            Activation out = net.layer(hiddenLayers).activation();
            if (out != f) {
                throw new UserException("--output-activation " + outputActivation + " disagrees with --init " + init
                        + ", whose output layer uses " + out + " (activations come from the file)");
            }
        }
    }

    static int[] parseLayers(String text) {
        return parse(() -> Network.parseHiddenSizes(text), "--layers");
    }

    /** Fails early (before training) when the output file could not be written. */
    static void checkWritable(Path out) {
        checkWritable("--out", out);
    }

    /** Fails early (before training) when the file given to {@code option} could not be written. */
    static void checkWritable(String option, Path out) {
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
            throw new UserException(option + " " + out + ": folder " + dir + " does not exist");
        }
        if (java.nio.file.Files.isDirectory(out)) throw new UserException(option + " " + out + " is a folder");
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
}
