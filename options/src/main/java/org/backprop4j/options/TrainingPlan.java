package org.backprop4j.options;

import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Init;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.BatchSize;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.Checkpoints;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingRecord;
import org.backprop4j.train.TrainingResult;
import picocli.CommandLine.ParseResult;

import java.util.Arrays;
import java.util.List;

/**
 * What a training command asks for, checked once, before any data is read: the typed
 * {@link TrainingConfig}, how the starting network is made (fresh from --layers, --activation,
 * --init-weights and --seed, or the --init model's, which the network options may only repeat) and
 * the model every trained network is wrapped in. {@code nn train}, {@code nn cross-validate},
 * {@code nn compare} and the Spark launcher build one from the same option groups; then
 * {@link #prepare} fits the input scaling on a data set and makes the starting network for it, and
 * {@link #fit(Start, TrainingListener)} trains ({@link #fit(Dataset)} does both: one fold of
 * cross-validation).
 *
 * <p>The plan is the one place that knows which option a value came from: the library's classes
 * below it speak of their parameters, and the plan names the option when one is refused.
 */
public final class TrainingPlan {
    private final ParseResult given;
    private final DataOptions data;
    private final NetworkOptions network;
    private final TrainingOptions training;
    private final ValidationOptions validation;
    private final ModelFile init;
    private final Loss loss;
    private final Activation hidden, output;
    private final int[] hiddenSizes;
    private final Init initWeights;
    private final TrainingConfig config;

    private TrainingPlan(ParseResult given, DataOptions data, NetworkOptions network, StepOptions steps, TrainingOptions training,
                         ValidationOptions validation, int defaultThreads) {
        this.given = given;
        this.data = data;
        this.network = network;
        this.training = training;
        this.validation = validation != null ? validation : new ValidationOptions();
        init = network.init == null ? null : ModelJson.readFile(network.init);
        if (init != null && network.initWeights != null) {
            throw new UserException("--init-weights cannot be combined with --init (the weights come from " + network.init + ")");
        }
        if (init != null) checkAgreesWithInit(init.model().network());
        loss = init != null && !given.hasMatchedOption("--loss") ? init.model().loss() : Checks.parse("--loss", () -> Loss.of(network.loss));
        hidden = Checks.parse("--activation", () -> Activation.of(network.activation));
        if (hidden == Activation.SOFTMAX) throw new UserException("--activation: softmax is only allowed on the output layer");
        output = network.outputActivation != null ? Checks.parse("--output-activation", () -> Activation.of(network.outputActivation))
                : loss == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.SIGMOID;
        hiddenSizes = parseLayers(network.layers);
        TrainingConfig.Builder b = TrainingConfig.builder().loss(loss);
        if (steps != null) {
            BatchSize k = Checks.parse("--batch-size", () -> BatchSize.parse(steps.batchSize));
            b.batchSize(k).epochs(steps.epochs).learningRate(steps.learningRate);
        }
        config = Checks.parse(null, () -> this.validation.applyTo(training.applyTo(b.l2(training.l2).seed(training.seed)
                .shuffle(!training.noShuffle).threads(training.threads == null ? defaultThreads : training.threads))).build());
        initWeights = network.initWeights == null ? Init.DEFAULT : Checks.parse("--init-weights", () -> Init.of(network.initWeights));
        if (!TrainingOptions.SCALINGS.contains(training.scale)) {
            throw new UserException("--scale: unknown scaling '" + training.scale + "' (known: " + String.join(", ", TrainingOptions.SCALINGS) + ")");
        }
    }

    /**
     * Checks every option of the groups and reads --init. {@code given}: the command line, to tell
     * an option given from its default; {@code data}: where validation data is read from (null when
     * the caller reads its data itself, as on Spark); {@code steps}: null for a caller that sets K,
     * the epochs and alpha itself ({@link #config(BatchSize, int, double)}); {@code validation}: null
     * for a command without validation; {@code defaultThreads}: kernel threads when --threads is not given.
     */
    public static TrainingPlan of(ParseResult given, DataOptions data, NetworkOptions network, StepOptions steps,
                                  TrainingOptions training, ValidationOptions validation, int defaultThreads) {
        return new TrainingPlan(given, data, network, steps, training, validation, defaultThreads);
    }

    /** The configuration of the run. */
    public TrainingConfig config() {
        return config;
    }

    /** The configuration with another batch size, number of epochs and learning rate (one mode of {@code nn compare}). */
    public TrainingConfig config(BatchSize k, int epochs, double alpha) {
        return Checks.parse(null, () -> new TrainingConfig(config.loss(), k, epochs, alpha, config.l2(), config.seed(), config.shuffle(),
                config.threads(), config.updateRule(), config.schedule(), config.l1(), config.clipNorm(), config.dropout(),
                config.validationSplit(), config.earlyStopping()));
    }

    /** The --init model file, or null for a fresh start. */
    public ModelFile init() {
        return init;
    }

    /** What training continues from: the --init file's record, else {@link TrainingRecord#NONE}. */
    public TrainingRecord previous() {
        return init == null ? TrainingRecord.NONE : init.training();
    }

    /** Reads the --data of this plan: with --init, like its model (its classes, encoding and input count). */
    public Dataset load() {
        if (init == null) return data.load(null, true);
        return data.loadLike(init.model(), true);
    }

    /**
     * A starting network for {@code inputs} inputs and {@code outputs} outputs: the --init model's
     * (which must have these sizes), else a fresh one. {@code source} names the data in messages.
     */
    public Network start(int inputs, int outputs, String source, boolean classes) {
        Network start;
        if (init != null) {
            start = init.model().network();
            if (start.inputs() != inputs) {
                throw new UserException("--init " + network.init + ": the model takes " + start.inputs() + " inputs, but "
                        + source + " has " + inputs + " input columns");
            }
            if (start.outputs() != outputs) {
                throw new UserException("--init " + network.init + ": the model has " + start.outputs() + " outputs, but "
                        + source + " has " + outputs + (classes ? " classes" : " target columns"));
            }
        } else {
            int[] sizes = new int[hiddenSizes.length + 2];
            sizes[0] = inputs;
            System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
            sizes[sizes.length - 1] = outputs;
            requireMemory(sizes);
            start = Network.create(sizes, hidden, output, initWeights, training.seed);
        }
        Network net = start;
        Checks.parse("--loss", () -> {
            loss.checkOutput(net.layer(net.layers().size() - 1).activation());
            return null;
        });
        return start;
    }

    /**
     * Refuses, before anything is allocated, a network the heap cannot train: each layer's W must fit
     * one array, and training holds about 6 + k copies of the parameters (the start, the trained
     * network, the divergence guard's two, ΔW, g and the update rule's k state arrays; early stopping
     * keeps 1 + k more) plus the batch's activations (a, z, Δ and a dropout copy per unit and sample).
     * With --report, also the report's layer probe at the end of every epoch (LayerProbe: a second
     * engine, with its own ΔW, for 512 samples): running out of memory there would end the run before
     * anything is saved. (The report's evaluation after training is not counted: the model and the
     * metrics are saved before it, so its running out of memory loses neither.)
     */
    private void requireMemory(int[] sizes) {
        long parameters = 0, units = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            if ((long) sizes[l] * sizes[l + 1] > org.backprop4j.data.Memory.MAX_ELEMENTS) {
                throw new UserException("--layers " + network.layers + ": layer " + (l + 1) + " would have " + sizes[l] + " x " + sizes[l + 1]
                        + " weights, more than one array can hold (" + org.backprop4j.data.Memory.MAX_ELEMENTS + ")");
            }
            parameters += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
            units += sizes[l + 1];
        }
        int k = config.updateRule().state().size();
        long copies = 6L + k + (config.earlyStopping().isOn() ? 1 + k : 0);
        long batch = config.batchSize().isFull() ? 0 : config.batchSize().size();
        long bytes = Float.BYTES * (copies * parameters + 4 * batch * units);
        boolean report = given.hasMatchedOption("--report");
        if (report) bytes += Float.BYTES * (parameters + (long) org.backprop4j.inspect.LayerProbe.MAX_SAMPLES * (sizes[0] + 3 * units));
        try {
            org.backprop4j.data.Memory.require(bytes, "--layers " + network.layers + ": training the network "
                    + Arrays.stream(sizes).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining("-"))
                    + " (" + String.format("%,d", parameters) + " parameters)" + (report ? " with --report's layer probe" : ""));
        } catch (org.backprop4j.data.Memory.TooLarge e) {
            throw new UserException(e.getMessage());
        }
    }

    /**
     * The input scaling for training data {@code raw}: fitted on it by --scale, or with --init and no
     * --scale given, the model's own.
     */
    public Scaler scaler(Dataset raw) {
        return init == null || given.hasMatchedOption("--scale") ? Scaler.fit(training.scale, raw.x()) : init.model().scaler();
    }

    /** The one way a trained network becomes a model: with this plan's loss and lambda, and what the data taught. */
    public Model model(Network trained, List<String> classes, Scaler scaler, CategoricalEncoding categorical) {
        return new Model(trained, loss, classes, scaler, config.l2(), categorical);
    }

    /** {@link #prepare(Dataset, WeightOptions)} without sample or class weights. */
    public Start prepare(Dataset all) {
        return prepare(all, null);
    }

    /**
     * Everything up to the first step for the data set {@code all} (raw, as read, with its weights if
     * any): holds out --validation-split (before the scaling is fitted, so those rows stay unseen) or
     * reads --validation-data (without the --sample-weights column of {@code weights}, null for none),
     * fits the scaling, makes the starting network. Validation rows carry no weights: their cost
     * measures the model, as test data's does, and as the Spark trainer's does.
     */
    public Start prepare(Dataset all, WeightOptions weights) {
        Trainer.Split held = validation.validationSplit == null ? null
                : Checks.parse(null, () -> Trainer.splitValidation(all, validation.validationSplit, training.seed));
        Dataset raw = held == null ? all : held.training();
        if (init != null && init.model().network().inputs() != raw.x().cols) { // before its scaling meets the data
            throw new UserException("--init " + network.init + ": the model takes " + init.model().network().inputs() + " inputs, but "
                    + raw.source() + " has " + raw.x().cols + " input columns");
        }
        Dataset rawValidation = held != null ? held.validation().withWeights(null) : null;
        if (validation.validationData != null) {
            DataOptions file = data.withData(validation.validationData.toString(), validation.validationLabels);
            rawValidation = file.loadLike(raw, true);
            if (weights != null) rawValidation = weights.dropWeightColumn(rawValidation, file.data, data);
            if (rawValidation.x().cols != raw.x().cols) {
                throw new UserException("--validation-data " + validation.validationData + " has " + rawValidation.x().cols
                        + " input columns, but " + raw.source() + " has " + raw.x().cols);
            }
        }
        Scaler scaler = scaler(raw);
        Dataset scaled = raw.scaled(scaler);
        Network start = start(scaled.x().cols, scaled.y().cols, raw.source(), scaled.isClassification());
        return new Start(raw, scaled, rawValidation == null ? null : rawValidation.scaled(scaler), start,
                model(start, scaled.classes(), scaler, raw.categorical()));
    }

    /** Prepares and trains on {@code all} without a listener: the model file it would save. */
    public ModelFile fit(Dataset all) {
        return fit(prepare(all), TrainingListener.NONE);
    }

    /**
     * A run ready to start.
     *
     * @param raw        the training rows as read (without the held-out validation rows)
     * @param data       the same, scaled: what the trainer sees
     * @param validation the validation rows, scaled, or null
     * @param network    the starting network
     * @param untrained  the model of the starting network: loss, classes, scaling, encoding, lambda
     */
    public record Start(Dataset raw, Dataset data, Dataset validation, Network network, Model untrained) { }

    /**
     * Trains {@code start} (continuing --init's run) and returns the model file to save: the trained
     * model and the record that continuing it needs.
     *
     * @throws TrainingDivergedException if the cost becomes NaN or infinite, or explodes
     */
    public ModelFile fit(Start start, TrainingListener listener) {
        return fit(start, listener, null, Checkpoints.NONE);
    }

    /**
     * {@link #fit(Start, TrainingListener)}, saving checkpoints when {@code checkpoints} says, and
     * with {@code resume} continuing the run that saved it (refused with one line if it is another run's).
     */
    public ModelFile fit(Start start, TrainingListener listener, Checkpoint resume, Checkpoints checkpoints) {
        TrainingResult result = Checks.parse(resume == null ? null : "--resume", () -> new Trainer(config, listener)
                .fit(start.network(), previous(), start.data(), start.validation(), resume, checkpoints));
        return new ModelFile(start.untrained().withNetwork(result.network()), result.record());
    }

    /**
     * With --init, sizes and activations come from the file; --layers, --activation and
     * --output-activation may still be given (scripts often pass them all), but only if they say
     * the same as the file.
     */
    private void checkAgreesWithInit(Network net) {
        int hiddenLayers = net.layers().size() - 1;
        if (given.hasMatchedOption("--layers")) {
            int[] fromFile = Arrays.copyOfRange(net.sizes(), 1, net.sizes().length - 1);
            if (!Arrays.equals(parseLayers(network.layers), fromFile)) {
                throw new UserException("--layers " + network.layers + " disagrees with --init " + network.init + ", whose hidden layers are "
                        + (fromFile.length == 0 ? "none" : Arrays.toString(fromFile)) + " (sizes come from the file)");
            }
        }
        if (given.hasMatchedOption("--activation")) {
            Activation f = Checks.parse("--activation", () -> Activation.of(network.activation));
            for (int l = 0; l < hiddenLayers; l++) {
                if (net.layer(l).activation() != f) {
                    throw new UserException("--activation " + network.activation + " disagrees with --init " + network.init + ", whose layer "
                            + (l + 1) + " uses " + net.layer(l).activation() + " (activations come from the file)");
                }
            }
        }
        if (given.hasMatchedOption("--output-activation")) {
            Activation f = Checks.parse("--output-activation", () -> Activation.of(network.outputActivation));
            Activation out = net.layer(hiddenLayers).activation();
            if (out != f) {
                throw new UserException("--output-activation " + network.outputActivation + " disagrees with --init " + network.init
                        + ", whose output layer uses " + out + " (activations come from the file)");
            }
        }
    }

    private static int[] parseLayers(String text) {
        return Checks.parse("--layers", () -> Network.parseHiddenSizes(text));
    }
}
