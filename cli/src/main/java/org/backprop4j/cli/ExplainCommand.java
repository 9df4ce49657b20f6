package org.backprop4j.cli;

import org.backprop4j.data.Dataset;
import org.backprop4j.io.AtomicFiles;
import org.backprop4j.io.ModelJson;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.options.Checks;
import org.backprop4j.options.DataOptions;
import org.backprop4j.options.UserException;
import org.backprop4j.reference.OneStep;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nn explain}: one step of gradient descent written out with its numbers, equation by
 * equation (E1–E12), for a learner reading SPEC. The numbers are the reference engine's
 * ({@link OneStep}); {@link Explanation} lays them out, {@link ExplainPage} draws the page.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Shows one step of gradient descent in numbers, equation by equation as SPEC writes it: E1 z and E2 a "
                + "of every layer, E3 per sample, E4 J (data term + L2 term), E6 output delta, E7 hidden deltas, E8-E9 per-sample "
                + "gradients, E10 their sums, E11-E12 the new W and b, with the central finite difference of J beside every "
                + "dJ/dW and dJ/db. Computed in double by the reference engine.",
                "Without --model: a built-in 2-3-2 network on two samples (--activation, --output-activation and --loss change it). "
                        + "With --model and --data: that model's weights on the first --samples rows of the data (scaled as the model says)."})
final class ExplainCommand implements Callable<Integer> {
    /** Networks larger than this are refused: every weight is printed, and explain is for reading. */
    static final long MAX_PARAMETERS = 10_000;

    @Spec CommandSpec spec;

    @Option(names = {"--model", "--init"}, paramLabel = "MODEL.json", order = 1,
            description = "Start the step from this model's weights (needs --data). Default: the built-in example.")
    Path model;

    @ArgGroup(exclusive = false, heading = "Data (with --model):%n", order = 2)
    DataOptions dataOptions;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "2", order = 20,
            description = "K: the step uses the first N samples (one mini-batch). Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--learning-rate", paramLabel = "ALPHA", defaultValue = "0.5", order = 21,
            description = "alpha of E11-E12. Default: ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--l2", paramLabel = "LAMBDA", order = 22,
            description = "lambda of E4 and E11. Default: the model's, or 0.01 for the built-in example.")
    Double l2;

    @Option(names = "--activation", paramLabel = "NAME", order = 23, description = "Built-in example: f of the hidden layer. Default: sigmoid.")
    String activation;

    @Option(names = "--output-activation", paramLabel = "NAME", order = 24, description = "Built-in example: f of the output layer. Default: sigmoid.")
    String outputActivation;

    @Option(names = "--loss", paramLabel = "mse|cross-entropy", order = 25, description = "Built-in example: the loss. Default: mse.")
    String loss;

    @Option(names = "--digits", paramLabel = "N", defaultValue = "4", order = 26,
            description = "Significant digits of the values shown. Default: ${DEFAULT-VALUE}.")
    int digits;

    @Option(names = "--markdown", order = 27, description = "Print Markdown (headings, values in code blocks) instead of plain text.")
    boolean markdown;

    @Option(names = "--html", paramLabel = "FILE", order = 28,
            description = "Also write a self-contained interactive page: the network drawn, buttons to step through E1-E12, "
                    + "hover or tap a unit or an edge for its values.")
    Path html;

    /**
     * The built-in example: a 2-3-2 network and two samples. Small numbers chosen to be read, all
     * sums of powers of two, so that the float32 network holds exactly these decimals.
     */
    static final float[][] EXAMPLE_W1 = {{0.125f, -0.25f}, {0.5f, 0.25f}, {-0.375f, 0.125f}};
    static final float[] EXAMPLE_B1 = {0.125f, -0.125f, 0.0625f};
    static final float[][] EXAMPLE_W2 = {{0.25f, -0.5f, 0.25f}, {-0.25f, 0.375f, 0.125f}};
    static final float[] EXAMPLE_B2 = {0.0625f, -0.0625f};
    static final double[][] EXAMPLE_X = {{1.0, 0.5}, {0.25, -0.75}};
    static final double[][] EXAMPLE_Y = {{1, 0}, {0, 1}};

    @Override
    public Integer call() throws Exception {
        if (samples < 1) throw new UserException("--samples must be at least 1, got " + samples);
        if (digits < 1 || digits > 17) throw new UserException("--digits must be between 1 and 17, got " + digits);
        if (!(Double.isFinite(alpha) && alpha > 0)) throw new UserException("--learning-rate must be a finite number > 0, got " + alpha);
        if (l2 != null && !(l2 >= 0 && Double.isFinite(l2))) throw new UserException("--l2 must be a finite number >= 0, got " + l2);
        Checks.noClobbering(spec);           // --html: writable, a regular file, not the --model it explains

        Explanation explanation = model == null ? builtIn() : fromModel();
        PrintWriter out = spec.commandLine().getOut();
        if (html != null) {
            String page = ExplainPage.html(explanation);
            AtomicFiles.write(html, w -> w.write(page));
        }
        out.print(markdown ? explanation.markdown() : explanation.text());
        out.flush();
        return 0;
    }

    private Explanation builtIn() {
        if (dataOptions != null) throw new UserException("--data goes with --model (the built-in example has its own two samples)");
        if (samples > EXAMPLE_X.length && spec.commandLine().getParseResult().hasMatchedOption("--samples")) {
            throw new UserException("--samples " + samples + ": the built-in example has " + EXAMPLE_X.length + " samples");
        }
        Activation hidden = activation == null ? Activation.SIGMOID : Checks.parse("--activation", () -> Activation.of(activation));
        Activation output = outputActivation == null ? Activation.SIGMOID
                : Checks.parse("--output-activation", () -> Activation.of(outputActivation));
        Loss lossFn = loss == null ? Loss.MSE : Checks.parse("--loss", () -> Loss.of(loss));
        Checks.parse("--loss", () -> {
            lossFn.checkOutput(output);
            return null;
        });
        Network net = new Network(List.of(new Dense(Matrix.of(EXAMPLE_W1), EXAMPLE_B1.clone(), hidden),
                new Dense(Matrix.of(EXAMPLE_W2), EXAMPLE_B2.clone(), output)));
        int K = Math.min(samples, EXAMPLE_X.length);
        double[][] x = java.util.Arrays.copyOf(EXAMPLE_X, K), y = java.util.Arrays.copyOf(EXAMPLE_Y, K);
        OneStep step = OneStep.take(net, lossFn, x, y, alpha, l2 != null ? l2 : 0.01);
        return new Explanation(step, "the built-in example: a 2-3-2 network and " + K + " sample" + (K == 1 ? "" : "s")
                + " (nn explain --help: --model and --data for your own)", digits);
    }

    private Explanation fromModel() {
        for (String builtInOnly : new String[] {"--activation", "--output-activation", "--loss"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(builtInOnly)) {
                throw new UserException(builtInOnly + " changes the built-in example; with --model the model's own is used");
            }
        }
        if (dataOptions == null) throw new UserException("--model " + model + " needs --data FILE: the samples of the step");
        Model m = ModelJson.read(model);
        long parameters = m.network().parameterCount();
        if (parameters > MAX_PARAMETERS) {
            throw new UserException("--model " + model + ": " + m.network() + " has " + parameters + " parameters; nn explain prints "
                    + "every one and is meant for small networks (at most " + MAX_PARAMETERS + ")");
        }
        Dataset raw = dataOptions.loadLike(m, true);
        if (raw.x().cols != m.network().inputs() || raw.y().cols != m.network().outputs()) {
            throw new UserException("model " + model + " takes " + m.network().inputs() + " inputs and has " + m.network().outputs()
                    + " outputs, but " + raw.source() + " has " + raw.x().cols + " input and " + raw.y().cols + " target columns");
        }
        Dataset data = raw.scaled(m.scaler());        // the step sees what the network sees
        int K = Math.min(samples, data.size());
        double[][] x = new double[K][], y = new double[K][];
        for (int k = 0; k < K; k++) {
            x[k] = toDouble(data.x().row(k));
            y[k] = toDouble(data.y().row(k));
        }
        OneStep step = OneStep.take(m.network(), m.loss(), x, y, alpha, l2 != null ? l2 : m.l2());
        return new Explanation(step, "model " + model + ", the first " + K + " sample" + (K == 1 ? "" : "s") + " of " + raw.source()
                + (m.scaler().isNone() ? "" : " (scaled: " + m.scaler().method() + ")"), digits);
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
