package org.backprop4j.cli;

import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.IdxReader;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Where data comes from and which columns are targets: shared by train, evaluate and predict. */
final class DataOptions {
    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "CSV file, or MNIST IDX images (with --labels). IDX pixels are scaled to [0,1].")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE", description = "MNIST IDX labels for IDX images given by --data.")
    Path labels;

    @Option(names = "--targets", paramLabel = "K",
            description = "CSV: the last K columns are the real-valued target vector y.")
    Integer targets;

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "CSV: the column (header name or 0-based index) holding class labels; they are one-hot encoded.")
    String label;

    /** The same column options for another file (a test set). */
    DataOptions withData(Path otherData, Path otherLabels) {
        DataOptions d = new DataOptions();
        d.data = otherData;
        d.labels = otherLabels;
        d.targets = targets;
        d.label = label;
        return d;
    }

    boolean isIdx() {
        return labels != null || looksLikeIdx(data);
    }

    /**
     * Reads the data. {@code knownClasses}: a model's classes (labels must be among them), or null.
     * {@code targetsRequired}: whether a --targets/--label choice is mandatory (training, evaluation).
     */
    Dataset load(List<String> knownClasses, boolean targetsRequired) {
        if (targets != null && label != null) throw new UserException("--targets and --label exclude each other");
        if (targets != null && targets < 1) throw new UserException("--targets must be at least 1, got " + targets);
        if (isIdx()) {
            if (targets != null || label != null) throw new UserException("--targets and --label are for CSV data; IDX labels come from --labels");
            if (labels == null && targetsRequired) throw new UserException("IDX images need --labels FILE");
            return IdxReader.read(data, labels, knownClasses);
        }
        if (labels != null) throw new UserException("--labels is for IDX images; for CSV use --label COLUMN or --targets K");
        Columns columns = targets != null ? Columns.targets(targets) : label != null ? Columns.label(label) : Columns.inputsOnly();
        if (targetsRequired && columns instanceof Columns.InputsOnly) {
            throw new UserException("say which CSV columns are targets: --label COLUMN (classes) or --targets K (last K columns)");
        }
        return CsvReader.read(data, columns, knownClasses);
    }

    /** IDX images without labels (prediction) are recognised by the usual file names. */
    private static boolean looksLikeIdx(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        return name.contains("idx") || name.endsWith("-ubyte") || name.endsWith("-ubyte.gz");
    }
}
