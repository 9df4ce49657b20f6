package org.backprop4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.backprop4j.data.Dataset;
import org.backprop4j.eval.Folds;
import org.backprop4j.eval.Metrics;
import org.backprop4j.nn.Model;
import org.backprop4j.options.Checks;
import org.backprop4j.options.PlanOptions;
import org.backprop4j.options.QuietOption;
import org.backprop4j.options.TrainingPlan;
import org.backprop4j.options.WeightOptions;
import org.backprop4j.options.UserException;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code nn cross-validate}: K-fold cross-validation with the option groups of {@code nn train} (data,
 * network, steps, training), so the two parse and check them the same way, in one {@link TrainingPlan}.
 * Each fold is one {@link TrainingPlan#fit(Dataset)}: from the same start (the same --seed or --init)
 * on the other K−1 folds, with scaling fitted on those; it is evaluated on its own rows, and the
 * metrics are reported per fold and as mean ± standard deviation.
 */
@Command(name = "cross-validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"K-fold cross-validation: trains K models, each on K-1 folds with the options of 'nn train', evaluates each "
                + "on its held-out fold, and prints the metrics per fold and their mean and standard deviation (n-1 in the "
                + "denominator). Folds are shuffled with --seed; for classes they are stratified (each fold keeps the class "
                + "proportions) unless --no-stratify. Input scaling is fitted on each fold's training part. Nothing is saved.",
                "A categorical column's categories (--categorical) are taken from the whole file. The options of 'nn train' "
                        + "that write files or name a test set (--out, --test-data, --test-labels, --report, --metrics) are not taken."})
final class CrossValidateCommand extends PlanOptions implements Callable<Integer> {
    @Spec CommandSpec spec;

    // the groups of nn train's plan: PlanOptions
    @Mixin QuietOption verbosity;
    @Mixin WeightOptions weights;

    @Option(names = "--folds", paramLabel = "K", defaultValue = "5", order = 1, description = "The number of folds, at least 2. Default: ${DEFAULT-VALUE}.")
    int folds;

    @Option(names = "--no-stratify", order = 2, description = "Plain K-fold: deal the shuffled rows out without regard to their class.")
    boolean noStratify;

    @Option(names = "--json", order = 3, description = "Print one JSON object: per_fold (a list of metric objects), mean and std.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (folds < 2) throw new UserException("--folds must be at least 2, got " + folds);
        Checks.noClobbering(spec);           // it writes no file today; a file option added later is checked from the start
        TrainingPlan plan = plan(spec.commandLine().getParseResult(), Runtime.getRuntime().availableProcessors());
        PrintWriter err = spec.commandLine().getErr();
        Dataset raw = weights.apply(plan.load(), data);   // a fold's training rows keep their weights; its metrics are unweighted
        int[][] heldOut = Checks.parse("--folds", () -> Folds.split(raw, folds, !noStratify, training.seed));

        List<Map<String, Double>> perFold = new ArrayList<>();
        for (int f = 0; f < folds; f++) {
            Model model;
            try {
                model = plan.fit(plan.prepare(raw.subset(Folds.complement(heldOut[f], raw.size())), weights), TrainingListener.NONE).model();
            } catch (TrainingDivergedException e) {
                throw new UserException("fold " + (f + 1) + " of " + folds + ": " + e.getMessage());
            }
            Metrics m = Metrics.of(model, raw.subset(heldOut[f]), model.l2());
            Map<String, Double> values = values(m);
            perFold.add(values);
            if (!verbosity.quiet) {
                err.printf("fold %d/%d: trained on %d samples, tested on %d: %s%n", f + 1, folds, raw.size() - heldOut[f].length,
                        heldOut[f].length, brief(values));
                err.flush();
            }
        }
        Map<String, double[]> stats = meanAndStd(perFold);
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? json(perFold, stats, raw) : table(perFold, stats, raw));
        return 0;
    }

    /** The numbers reported for one fold, in display order (NaN ones left out). */
    static Map<String, Double> values(Metrics m) {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("samples", (double) m.cost().samples());
        v.put("loss", m.cost().cost());
        v.put("data_loss", m.cost().dataCost());
        v.put("l2_loss", m.cost().l2Cost());
        if (m.classification() != null) {
            v.put("accuracy", m.cost().accuracy());
            v.put("macro_precision", m.classification().macroPrecision());
            v.put("macro_recall", m.classification().macroRecall());
            v.put("macro_f1", m.classification().macroF1());
            if (!Double.isNaN(m.logLoss())) v.put("log_loss", m.logLoss());
        } else {
            v.put("mse", m.regression().mse());
            v.put("mae", m.regression().mae());
            v.put("r2", m.regression().r2());
        }
        return v;
    }

    /** For each metric present in every fold: {mean, sample standard deviation}. */
    static Map<String, double[]> meanAndStd(List<Map<String, Double>> perFold) {
        Map<String, double[]> stats = new LinkedHashMap<>();
        for (String key : perFold.get(0).keySet()) {
            if (perFold.stream().anyMatch(f -> !f.containsKey(key))) continue;
            double[] v = perFold.stream().mapToDouble(f -> f.get(key)).toArray();
            double mean = 0;
            for (double x : v) mean += x;
            mean /= v.length;
            double ss = 0;
            for (double x : v) ss += (x - mean) * (x - mean);
            stats.put(key, new double[] {mean, Math.sqrt(ss / (v.length - 1))});
        }
        return stats;
    }

    private static String brief(Map<String, Double> v) {
        StringBuilder s = new StringBuilder();
        for (String key : List.of("loss", "accuracy", "macro_f1", "mse", "r2")) {
            if (v.containsKey(key)) s.append(s.length() == 0 ? "" : ", ").append(key).append(' ').append(String.format("%.4f", v.get(key)));
        }
        return s.toString();
    }

    private String table(List<Map<String, Double>> perFold, Map<String, double[]> stats, Dataset raw) {
        StringBuilder s = new StringBuilder(String.format("%d-fold cross-validation%s of %s (%d samples)%n", folds,
                !noStratify && raw.isClassification() ? ", stratified," : "", raw.source(), raw.size()));
        List<String> keys = new ArrayList<>(stats.keySet());
        keys.remove("samples");
        s.append(String.format("%-6s %8s", "fold", "samples"));
        for (String k : keys) s.append(String.format(" %15s", k));
        for (int f = 0; f < perFold.size(); f++) {
            s.append(String.format("%n%-6d %8.0f", f + 1, perFold.get(f).get("samples")));
            for (String k : keys) s.append(String.format(" %15.6f", perFold.get(f).get(k)));
        }
        s.append(String.format("%n%nmean ± std over the %d folds:", folds));
        for (String k : keys) {
            s.append(String.format("%n  %-16s %.6f ± %.6f", k, stats.get(k)[0], stats.get(k)[1]));
        }
        return s.toString();
    }

    private String json(List<Map<String, Double>> perFold, Map<String, double[]> stats, Dataset raw) throws java.io.IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberField("folds", folds);
            g.writeBooleanField("stratified", !noStratify && raw.isClassification());
            g.writeNumberField("samples", raw.size());
            g.writeNumberField("seed", training.seed);
            g.writeArrayFieldStart("per_fold");
            for (Map<String, Double> f : perFold) {
                g.writeStartObject();
                for (Map.Entry<String, Double> e : f.entrySet()) {
                    if (e.getKey().equals("samples")) g.writeNumberField("samples", e.getValue().intValue());
                    else g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            for (int part = 0; part < 2; part++) {
                g.writeObjectFieldStart(part == 0 ? "mean" : "std");
                for (Map.Entry<String, double[]> e : stats.entrySet()) {
                    if (!e.getKey().equals("samples")) g.writeNumberField(e.getKey(), e.getValue()[part]);
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        return w.toString();
    }
}
