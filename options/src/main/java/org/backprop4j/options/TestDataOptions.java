package org.backprop4j.options;

import org.backprop4j.data.Dataset;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** A test set to evaluate the trained model on, read with the column options of --data. */
public final class TestDataOptions {
    @Option(names = "--test-data", paramLabel = "FILE", order = 30,
            description = "Also evaluate the trained model on this data (same format and target options as --data; with --spark "
                    + "anything Spark reads).")
    public String testData;

    @Option(names = "--test-labels", paramLabel = "FILE", order = 31, description = "IDX labels for --test-data.")
    public Path testLabels;

    /** Refuses --test-labels without --test-data (before any data is read). */
    public void check() {
        if (testLabels != null && testData == null) throw new UserException("--test-labels needs --test-data");
    }

    /** The raw test set read like {@code training} (its classes, encoding and input count), or null without --test-data. */
    public Dataset load(DataOptions data, Dataset training) {
        if (testData == null) return null;
        Dataset test = data.withData(testData, testLabels).loadLike(training, true);
        if (test.x().cols != training.x().cols) {
            throw new UserException("--test-data " + testData + " has " + test.x().cols + " input columns, but "
                    + training.source() + " has " + training.x().cols);
        }
        return test;
    }
}
