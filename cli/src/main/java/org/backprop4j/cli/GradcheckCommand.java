package org.backprop4j.cli;

import org.backprop4j.data.Shuffle;
import org.backprop4j.data.Dataset;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Model;
import org.backprop4j.options.Checks;
import org.backprop4j.options.DataOptions;
import org.backprop4j.options.UserException;
import org.backprop4j.reference.GradientCheck;
import org.backprop4j.reference.ReferenceBackprop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code nn gradcheck}: backpropagation (E5–E10) against central finite differences of the cost
 * (E4), in double, on a model and a few samples of data, layer by layer, with a verdict; see
 * {@link GradientCheck} for the error measure and the threshold.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Checks backpropagation (SPEC E5-E10) on a model: the gradient of the cost J (E4) that backpropagation "
                + "gives is compared, in double precision, with central finite differences (J(p+h) - J(p-h)) / 2h, "
                + "h = 1e-5, for every layer. Prints the worst error per layer and PASS or FAIL.",
                "Error of a parameter: |backprop - difference| / max(|backprop|, |difference|, 1e-4); PASS when every "
                        + "error is below 1e-4. Exit code 0 on PASS, 3 on FAIL."})
final class GradcheckCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.json", order = 1, description = "The model file.")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "20", order = 20,
            description = "How many samples of the data (drawn at random with --seed) make up the cost J. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--params", paramLabel = "P", defaultValue = "200", order = 21,
            description = "At most P weights and P biases checked per layer (a random subset when a layer has more). Default: ${DEFAULT-VALUE}.")
    int params;

    @Option(names = "--l2", paramLabel = "LAMBDA", order = 22, description = "lambda of E4. Default: the lambda the model was trained with.")
    Double l2;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", order = 23, description = "Draws the samples and parameters. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (samples < 1) throw new UserException("--samples must be at least 1, got " + samples);
        if (params < 1) throw new UserException("--params must be at least 1, got " + params);
        if (l2 != null && !(l2 >= 0 && Double.isFinite(l2))) throw new UserException("--l2 must be a finite number >= 0, got " + l2);
        Model m = ModelJson.read(model);
        Dataset raw = dataOptions.loadLike(m, true);
        if (raw.x().cols != m.network().inputs() || raw.y().cols != m.network().outputs()) {
            throw new UserException("model " + model + " takes " + m.network().inputs() + " inputs and has " + m.network().outputs()
                    + " outputs, but " + raw.source() + " has " + raw.x().cols + " input and " + raw.y().cols + " target columns");
        }
        Dataset data = raw.scaled(m.scaler());           // the gradient of what the network sees
        int[] rows = sample(data.size(), samples, seed);
        double[][] x = new double[rows.length][], y = new double[rows.length][];
        for (int k = 0; k < rows.length; k++) {
            x[k] = toDouble(data.x().row(rows[k]));
            y[k] = toDouble(data.y().row(rows[k]));
        }
        double lambda = l2 != null ? l2 : m.l2();
        spec.commandLine().getErr().printf("checking %s on %d samples ...%n", m.network(), rows.length);
        spec.commandLine().getErr().flush();
        ReferenceBackprop net = new ReferenceBackprop(m.network(), m.loss());
        GradientCheck.Result result = GradientCheck.check(net, x, y, lambda, params, seed);
        return print(result, m, lambda, raw.source(), spec.commandLine().getOut());
    }

    /** Prints the per-layer table and the verdict; returns the exit code (0 PASS, 3 FAIL). */
    static int print(GradientCheck.Result r, Model m, double lambda, String source, PrintWriter out) {
        out.printf("gradient check of %s, loss %s, lambda %s, on %d samples of %s%n", m.network(), m.loss(), lambda, r.samples(), source);
        out.printf("backpropagation (E5-E10) against central differences (h = %.0e) of J (E4), in double; "
                + "error = |bp - fd| / max(|bp|, |fd|, %.0e)%n", GradientCheck.H, GradientCheck.FLOOR);
        out.printf("%-6s %-10s %-9s %-18s %-12s %-16s %-12s %s%n", "layer", "W shape", "f", "weights checked", "worst error",
                "biases checked", "worst error", "");
        for (GradientCheck.LayerResult l : r.layers()) {
            Dense d = m.network().layer(l.layer() - 1);
            out.printf("%-6d %-10s %-9s %-18s %-12.3g %-16s %-12.3g %s%n", l.layer(), d.outputs() + "x" + d.inputs(), d.activation(),
                    l.weightsChecked() + " of " + l.weights(), l.worstWeight(), l.biasesChecked() + " of " + l.biases(), l.worstBias(),
                    l.passed() ? "ok" : "FAIL (worst at W[" + l.worstWeightAt()[0] + "][" + l.worstWeightAt()[1] + "])");
        }
        if (r.passed()) {
            out.printf("PASS: worst error %.3g < %.0e%n", r.worst(), GradientCheck.THRESHOLD);
        } else {
            out.printf("FAIL: worst error %.3g >= %.0e: backpropagation does not match the finite differences%s%n", r.worst(),
                    GradientCheck.THRESHOLD, r.layers().size() > 1 ? " (a mistake in layer l shows in layers l and below)" : "");
        }
        out.flush();
        return r.passed() ? 0 : 3;
    }

    /** min(n, k) distinct row indices drawn with {@code seed}. */
    private static int[] sample(int n, int k, long seed) {
        return Shuffle.sample(n, k, new Random(seed));
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
