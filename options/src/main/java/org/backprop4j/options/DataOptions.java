package org.backprop4j.options;

import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.IdxReader;
import org.backprop4j.data.SvmLightReader;
import org.backprop4j.nn.Model;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.nio.file.Path;
import java.util.List;

/**
 * The data group: where data comes from and which columns are targets. Shared by every command that
 * reads a data set (train, compare, cross-validate, evaluate, predict, gradcheck); a test or
 * validation set is read with the same column options ({@link #withData}).
 */
public final class DataOptions {
    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "CSV file, MNIST IDX images (with --labels; pixels are scaled to [0,1]) or LIBSVM/SVMlight file "
                    + "(.svm, .libsvm, .svmlight; or say --format libsvm). With --spark: anything Spark reads (a file or folder, "
                    + "local or hdfs://, s3a://, ...), Parquet too.")
    public String data;

    @Option(names = "--format", paramLabel = "csv|idx|libsvm|parquet",
            description = "The data format (parquet with --spark only). Default: from the file name (.svm/.libsvm/.svmlight: libsvm; "
                    + ".parquet: parquet; 'idx' or '-ubyte' in it, or --labels given: idx; else csv).")
    public String format;

    @Option(names = "--features", paramLabel = "N",
            description = "LIBSVM: the number of inputs (indices 1..N). Default: a model's input count, else the largest index in the file.")
    public Integer features;

    @Option(names = "--categorical", paramLabel = "COL[,COL...]", split = ",",
            description = "CSV: input columns (header names or 0-based indices) holding categories; each becomes one 0/1 input per "
                    + "category (one-hot). The categories are stored in the model; evaluate and predict refuse a category it does not know.")
    public List<String> categorical;

    @Option(names = "--labels", paramLabel = "FILE", description = "MNIST IDX labels for IDX images given by --data.")
    public Path labels;

    @Option(names = "--targets", paramLabel = "K",
            description = "CSV: the last K columns are the real-valued target vector y.")
    public Integer targets;

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "CSV: the column (header name or 0-based index) holding class labels; they are one-hot encoded.")
    public String label;

    /** The same column options for another file (a test set). */
    public DataOptions withData(String otherData, Path otherLabels) {
        DataOptions d = new DataOptions();
        d.data = otherData;
        d.labels = otherLabels;
        d.targets = targets;
        d.label = label;
        d.format = format;
        d.features = features;
        d.categorical = categorical;
        return d;
    }

    /** The format, csv, idx, libsvm or parquet: --format, else guessed from the file name. */
    public String format() {
        if (format != null) {
            String f = format.toLowerCase(Locale.ROOT);
            if (!List.of("csv", "idx", "libsvm", "svmlight", "parquet").contains(f)) {
                throw new UserException("--format: unknown format '" + format + "' (known: csv, idx, libsvm, parquet)");
            }
            return f.equals("svmlight") ? "libsvm" : f;
        }
        String name = data.toLowerCase(Locale.ROOT);
        if (name.endsWith(".svm") || name.endsWith(".libsvm") || name.endsWith(".svmlight")) return "libsvm";
        if (name.endsWith(".parquet")) return "parquet";
        return isIdx() ? "idx" : "csv";
    }

    /**
     * Which columns of a table are targets: --targets K (the last K), --label COLUMN (classes), or
     * neither (inputs only).
     */
    public Columns columns() {
        if (targets != null && label != null) throw new UserException("--targets and --label exclude each other");
        if (targets != null && targets < 1) throw new UserException("--targets must be at least 1, got " + targets);
        return targets != null ? Columns.targets(targets) : label != null ? Columns.label(label) : Columns.inputsOnly();
    }

    /** The --data file on this machine. */
    private Path file() {
        return Path.of(data);
    }

    /** Reads data to use with {@code model}: its classes, its categorical encoding and (LIBSVM) its input count. */
    public Dataset loadLike(Model model, boolean targetsRequired) {
        LibsvmLabels regression = model.isClassifier() ? LibsvmLabels.CLASSES : LibsvmLabels.TARGET;
        return load(model.isClassifier() ? model.classes() : null, model.categorical(), model.network().inputs(), regression,
                targetsRequired, "the model");
    }

    /** Reads data to use beside {@code training} (a test set): its classes, categorical encoding and (LIBSVM) input count. */
    public Dataset loadLike(Dataset training, boolean targetsRequired) {
        LibsvmLabels regression = training.isClassification() ? LibsvmLabels.CLASSES : LibsvmLabels.TARGET;
        return load(training.isClassification() ? training.classes() : null, training.categorical(), training.x().cols, regression,
                targetsRequired, training.source());
    }

    /** What a LIBSVM label is when neither --label nor --targets says: classes, or the real-valued target of a regression model. */
    private enum LibsvmLabels { CLASSES, TARGET }

    public boolean isIdx() {
        return labels != null || looksLikeIdx(data);
    }

    /**
     * Reads the data. {@code knownClasses}: a model's classes (labels must be among them), or null.
     * {@code targetsRequired}: whether a --targets/--label choice is mandatory (training, evaluation).
     */
    public Dataset load(List<String> knownClasses, boolean targetsRequired) {
        return load(knownClasses, null, 0, LibsvmLabels.CLASSES, targetsRequired, null);
    }

    /**
     * Reads the data with the classes, categorical encoding and LIBSVM input count of {@code like} (a
     * model or a training set, named so in messages), or, where {@code like} is null, with those of the
     * command line (--categorical, --features) and the data itself.
     */
    private Dataset load(List<String> knownClasses, CategoricalEncoding knownEncoding, int knownInputs, LibsvmLabels labelsByDefault,
                         boolean targetsRequired, String like) {
        String fmt = format();
        if (fmt.equals("parquet")) throw new UserException("--format parquet: Parquet is read on Spark only (nn train --spark MASTER)");
        if (categorical != null && !fmt.equals("csv")) throw new UserException("--categorical is for CSV data, not " + fmt);
        if (features != null && !fmt.equals("libsvm")) throw new UserException("--features is for LIBSVM data, not " + fmt);
        if (fmt.equals("libsvm")) return loadLibsvm(knownClasses, knownInputs, labelsByDefault, targetsRequired, like);
        if (fmt.equals("idx")) return loadIdxOrCsv(knownClasses, null, targetsRequired, true);
        CategoricalEncoding encoding = CategoricalEncoding.NONE;
        if (like != null) {
            encoding = knownEncoding;
            if (categorical != null && !sameColumns(categorical, encoding.names())) {
                throw new UserException("--categorical " + String.join(",", categorical) + ": " + like + " encodes "
                        + (encoding.isNone() ? "no categorical columns" : "the columns " + encoding.names())
                        + "; leave --categorical out to use its encoding");
            }
        } else if (categorical != null) {
            encoding = Checks.parse("--categorical", () -> CategoricalEncoding.unfitted(categorical));
        }
        return loadIdxOrCsv(knownClasses, encoding, targetsRequired, false);
    }

    /**
     * Whether --categorical names the encoding's columns, in order. A 0-based index is taken to match
     * (the encoding stores header names, and the header is not read yet): the encoding is applied either way.
     */
    private static boolean sameColumns(List<String> given, List<String> stored) {
        if (given.size() != stored.size()) return false;
        for (int i = 0; i < given.size(); i++) {
            String g = given.get(i).trim();
            if (!g.equals(stored.get(i)) && !g.matches("\\d+")) return false;
        }
        return true;
    }

    private Dataset loadLibsvm(List<String> knownClasses, int knownInputs, LibsvmLabels labelsByDefault, boolean targetsRequired, String like) {
        if (labels != null) throw new UserException("--labels is for IDX images; a LIBSVM file holds its labels");
        if (label != null) {
            throw new UserException("--label is for CSV; LIBSVM labels are classes by default (--targets 1 reads them as a real-valued target)");
        }
        if (targets != null && targets != 1) throw new UserException("--targets " + targets + ": a LIBSVM line has one label, so only --targets 1");
        if (features != null && features < 1) throw new UserException("--features must be at least 1, got " + features);
        if (features != null && knownInputs > 0 && features != knownInputs) {
            throw new UserException("--features " + features + ": " + like + " takes " + knownInputs + " inputs");
        }
        int width = features != null ? features : knownInputs;
        SvmLightReader.Labels mode = !targetsRequired ? SvmLightReader.Labels.IGNORED
                : targets != null || labelsByDefault == LibsvmLabels.TARGET ? SvmLightReader.Labels.TARGET : SvmLightReader.Labels.CLASSES;
        return SvmLightReader.read(file(), width, mode, knownClasses);
    }

    private Dataset loadIdxOrCsv(List<String> knownClasses, CategoricalEncoding encoding, boolean targetsRequired, boolean idx) {
        Columns columns = columns();
        if (idx) {
            if (targets != null || label != null) throw new UserException("--targets and --label are for CSV data; IDX labels come from --labels");
            if (labels == null && targetsRequired) throw new UserException("IDX images need --labels FILE");
            return IdxReader.read(file(), labels, knownClasses);
        }
        if (labels != null) throw new UserException("--labels is for IDX images; for CSV use --label COLUMN or --targets K");
        if (targetsRequired && columns instanceof Columns.InputsOnly) {
            throw new UserException("say which CSV columns are targets: --label COLUMN (classes) or --targets K (last K columns)");
        }
        return CsvReader.read(file(), columns, knownClasses, encoding == null ? CategoricalEncoding.NONE : encoding);
    }

    /** IDX images without labels (prediction) are recognised by the usual file names. */
    private static boolean looksLikeIdx(String path) {
        String name = path.toLowerCase(Locale.ROOT);
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        return name.contains("idx") || name.contains("-ubyte");
    }
}
