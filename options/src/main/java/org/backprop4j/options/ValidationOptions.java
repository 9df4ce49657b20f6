package org.backprop4j.options;

import org.backprop4j.train.EarlyStopping;
import org.backprop4j.train.TrainingConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The validation group: a validation set (held out of --data, or a file of its own) whose cost is
 * reported each epoch, and early stopping, which watches it. The split itself is not a
 * configuration value: {@link TrainingPlan#prepare} holds the rows out before fitting the input
 * scaling, and hands them to the trainer as validation data.
 */
public final class ValidationOptions {
    @Option(names = "--validation-split", paramLabel = "F", order = 80,
            description = "Hold out this share of --data (rows drawn with --seed) and report its cost each epoch; plateau and "
                    + "early stopping then watch it.")
    public Double validationSplit;

    @Option(names = "--validation-data", paramLabel = "FILE", order = 81,
            description = "Validation data in the format of --data (instead of --validation-split).")
    public Path validationData;

    @Option(names = "--validation-labels", paramLabel = "FILE", order = 82, description = "IDX labels for --validation-data.")
    public Path validationLabels;

    @Option(names = "--early-stopping", order = 83,
            description = "Stop when the validation cost (or without validation data, the training cost) has not improved for "
                    + "--patience epochs, and keep the best epoch's weights.")
    public boolean earlyStopping;

    @Option(names = "--patience", paramLabel = "N", order = 84, description = "Early stopping's patience (implies --early-stopping). Default: 10.")
    public Integer patience;

    @Option(names = "--min-delta", paramLabel = "D", order = 85,
            description = "Early stopping: the least decrease of the cost that counts as an improvement. Default: 0.")
    public Double minDelta;

    /** Sets the builder's early stopping, and checks the validation options. */
    public TrainingConfig.Builder applyTo(TrainingConfig.Builder b) {
        if (validationSplit != null && validationData != null) {
            throw new UserException("--validation-split and --validation-data exclude each other");
        }
        if (validationSplit != null && !(validationSplit > 0 && validationSplit < 1)) {
            throw new UserException("--validation-split must be in (0, 1), got " + validationSplit);
        }
        if (validationLabels != null && validationData == null) throw new UserException("--validation-labels needs --validation-data");
        if (earlyStopping || patience != null) {
            b.earlyStopping(Checks.parse(null, () -> EarlyStopping.after(patience == null ? 10 : patience, minDelta == null ? 0 : minDelta)));
        } else if (minDelta != null) {
            throw new UserException("--min-delta needs --early-stopping (or --patience)");
        }
        return b;
    }
}
