package org.backprop4j.options;

import org.backprop4j.data.ClassWeights;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.SampleWeights;
import picocli.CommandLine.Option;

/**
 * The weights group: how much each training sample counts in E3's sum, J = (1/K) Σ w_i J_i. Without
 * either option every w_i is 1 and the trainer runs the seed's unweighted arithmetic, bit for bit.
 * Validation and test costs stay unweighted (they measure the model, not the objective), on one machine
 * and on Spark; a --validation-data or --test-data file has the weight column too, which is dropped.
 */
public final class WeightOptions {
    @Option(names = "--sample-weights", paramLabel = "COLUMN", order = 90,
            description = "CSV: the column (header name or 0-based index) holding each sample's weight w_i in E3's sum, "
                    + "J = (1/K) sum of w_i J_i (finite, at least 0); the column is not an input. "
                    + "Default: every sample counts once.")
    public String sampleWeights;

    @Option(names = "--class-weights", paramLabel = "balanced|LIST", order = 91,
            description = "Weigh each sample by its class: 'balanced' (w_c = N / (C n_c), scikit-learn's rule: every class weighs "
                    + "the same in total, the mean weight stays 1), or NAME=W,... (or W,... in class order). "
                    + "Multiplies --sample-weights.")
    public String classWeights;

    /** {@code data}, read as {@code options} say, with the weights these options ask for (unchanged without them). */
    public Dataset apply(Dataset data, DataOptions options) {
        Dataset weighted = data;
        if (sampleWeights != null) {
            if (!options.format().equals("csv")) {
                throw new UserException("--sample-weights is for CSV data, not " + options.format() + " (whose rows have no column to hold a weight)");
            }
            int targets = options.targets == null ? 0 : options.targets;
            weighted = SampleWeights.fromColumn(data, java.nio.file.Path.of(options.data), sampleWeights.trim(), options.label, targets);
        }
        if (classWeights != null) {
            if (!weighted.isClassification()) throw new UserException("--class-weights: " + data.source() + " has real-valued targets, not classes");
            Dataset sampled = weighted;
            double[] perClass = classWeights.trim().equalsIgnoreCase("balanced") ? ClassWeights.balanced(sampled)
                    : Checks.parse("--class-weights", () -> ClassWeights.parse(classWeights, sampled.classes()));
            float[] w = ClassWeights.perSample(weighted, perClass);
            if (weighted.isWeighted()) {
                for (int i = 0; i < w.length; i++) w[i] *= weighted.weights()[i];
            }
            weighted = weighted.withWeights(w);
        }
        return weighted;
    }

    /**
     * Another file read with the same column options (test or validation data): without the --sample-weights
     * column, so that it has the training data's inputs. Its weights are not used: held-out costs stay unweighted.
     */
    public Dataset dropWeightColumn(Dataset other, String file, DataOptions options) {
        if (sampleWeights == null || other == null) return other;
        int targets = options.targets == null ? 0 : options.targets;
        return SampleWeights.fromColumn(other, java.nio.file.Path.of(file), sampleWeights.trim(), options.label, targets).withWeights(null);
    }
}
