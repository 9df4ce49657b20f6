package org.backprop4j.spark;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.ClassWeights;
import org.backprop4j.data.Columns;
import org.backprop4j.data.DataException;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.IdxReader;
import org.backprop4j.data.Scaler;
import org.backprop4j.train.Trainer;
import scala.Tuple2;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns what Spark reads (CSV, Parquet, LIBSVM, any DataFrame) into a {@link SparkDataset}: numeric
 * and vector columns become inputs, a label column becomes one-hot targets (class names sorted as
 * {@code nn train} sorts them: numerically when all are numbers), or the last K columns become real
 * targets; the scaling is fitted with two distributed passes (min, max, sum; then the squared
 * deviations from the mean), as {@link Scaler#fit} does in one JVM.
 */
public final class SparkData {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private SparkData() { }

    /**
     * How the columns of a table are read beyond --label/--targets, all off by default: columns one-hot
     * encoded in place ({@code categorical}, names or 0-based indices: --categorical), the LIBSVM input
     * count ({@code features}, 0: the largest index in the file: --features), the column holding each
     * sample's weight w_i in E3's sum, which is then not an input ({@code sampleWeights}:
     * --sample-weights), and the weight of each class, multiplying it ({@code classWeights}:
     * "balanced" or a list, --class-weights). Files other than the training data only drop the weight column.
     */
    public record Reading(List<String> categorical, int features, String sampleWeights, String classWeights) implements Serializable {
        public static final Reading PLAIN = new Reading(List.of(), 0, null, null);

        public Reading {
            categorical = categorical == null ? List.of() : List.copyOf(categorical);
        }

        /** The same columns for a test or validation file: its weights are not used (held-out costs stay unweighted). */
        Reading forOtherFiles() {
            return new Reading(categorical, features, sampleWeights, null);
        }
    }

    /** Training data and the rows held out of the same file for validation (--validation-split), or null. */
    public record Split(SparkDataset training, SparkDataset validation) { }

    /**
     * Reads {@code file} in {@code format} (csv, parquet, libsvm; idx, with {@code labels}, is read on
     * the driver and distributed) into {@code partitions} partitions (0: Spark's default parallelism).
     * LIBSVM files have the columns {@code label} and {@code features}: classes come from "label".
     */
    public static SparkDataset read(SparkSession spark, String file, String format, Path labels, Columns columns, String scale,
                                    int partitions) {
        return read(spark, file, format, labels, columns, scale, partitions, Reading.PLAIN, null, 0, 0).training();
    }

    /** The same for data to use with a model trained on {@code like}: its classes and its scaling, not fitted anew. */
    public static SparkDataset readLike(SparkSession spark, String file, String format, Path labels, Columns columns,
                                        SparkDataset like, int partitions) {
        return readLike(spark, file, format, labels, columns, Reading.PLAIN, like, partitions);
    }

    /**
     * Test or validation data for a model trained on {@code like}: its classes, categorical encoding,
     * input count and scaling; {@code reading}'s weight column is dropped, its weights not used.
     */
    public static SparkDataset readLike(SparkSession spark, String file, String format, Path labels, Columns columns, Reading reading,
                                        SparkDataset like, int partitions) {
        return read(spark, file, format, labels, columns, like.scaler().method(), partitions, reading.forOtherFiles(), like, 0, 0).training();
    }

    /**
     * Reads training data as {@code reading} says. {@code like}: what the data must agree with (a
     * model's classes, categorical encoding, input count, and its scaling unless that is null: then
     * {@code scale} is fitted), or null. {@code split} &gt; 0 holds out the rows
     * {@link Trainer#heldOut} picks for N, {@code split} and {@code seed} — the rows {@code nn train
     * --validation-split} holds out of the same file — before the scaling is fitted on the rest;
     * class weights ("balanced") count the classes over all rows, as {@code nn train} does.
     */
    public static Split read(SparkSession spark, String file, String format, Path labels, Columns columns, String scale,
                             int partitions, Reading reading, SparkDataset like, double split, long seed) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int p = partitions > 0 ? partitions : jsc.defaultParallelism();
        boolean header = format.equals("csv") && hasHeader(spark, file, columns, reading);
        org.apache.spark.sql.Dataset<Row> df = switch (format) {
            case "csv" -> spark.read().option("header", header).option("inferSchema", "false").csv(file);
            case "parquet" -> spark.read().parquet(file);
            case "libsvm" -> spark.read().format("libsvm").load(file);
            case "idx" -> null;
            default -> throw new IllegalArgumentException("unknown format '" + format + "' (known: csv, parquet, libsvm, idx)");
        };
        if (df == null) return fromIdx(jsc, file, labels, scale, p, reading, like, split, seed);
        if (format.equals("libsvm") && columns instanceof Columns.Label) columns = new Columns.Label("label");
        return fromDataFrame(df, columns, scale, p, file, like, reading, split, seed, !format.equals("csv") || header);
    }

    /** IDX images and labels, read on the driver (with class weights and a validation split as one machine makes them), distributed. */
    private static Split fromIdx(JavaSparkContext jsc, String file, Path labels, String scale, int partitions, Reading reading,
                                 SparkDataset like, double split, long seed) {
        if (labels == null) throw new IllegalArgumentException("IDX images " + file + " need --labels");
        if (reading.sampleWeights() != null) throw new IllegalArgumentException("--sample-weights: IDX images have no columns");
        Dataset local = IdxReader.read(Path.of(file), labels, like == null ? null : like.classes());
        if (reading.classWeights() != null) {
            long[] count = new long[local.classes().size()];
            for (int k : local.labels()) count[k]++;
            local = local.withWeights(ClassWeights.perSample(local, classWeights(reading.classWeights(), local.classes(), count)));
        }
        Trainer.Split held = split > 0 ? Trainer.splitValidation(local, split, seed) : null;
        Dataset rows = held == null ? local : held.training();
        Distributed d = distribute(jsc, rows, partitions);
        SparkDataset training = finish(d.blocks(), local.x().cols, local.y().cols, local.classes(), scale, like, local.source(), d.parts(),
                CategoricalEncoding.NONE);
        if (held == null) return new Split(training, null);
        Distributed v = distribute(jsc, held.validation().withWeights(null), partitions);
        return new Split(training, finish(v.blocks(), local.x().cols, local.y().cols, local.classes(), scale, training,
                local.source() + " (validation split)", v.parts(), CategoricalEncoding.NONE));
    }

    /**
     * A CSV file has a header when a cell of its first line that is not a label or category given by
     * index is not a number, or when a column is named (as {@code nn train} decides).
     */
    private static boolean hasHeader(SparkSession spark, String file, Columns columns, Reading reading) {
        List<String> named = new ArrayList<>(reading.categorical());
        if (columns instanceof Columns.Label l) named.add(l.column());
        if (reading.sampleWeights() != null) named.add(reading.sampleWeights());
        if (named.stream().anyMatch(c -> !c.trim().matches("\\d+"))) return true;
        String[] first = spark.read().textFile(file).first().split(",");
        for (int c = 0; c < first.length; c++) {
            String cell = first[c].trim().replace("\"", "");
            if (!cell.isEmpty() && !NUMBER.matcher(cell).matches() && !named.contains(Integer.toString(c))) return true;
        }
        return false;
    }

    /**
     * A DataFrame given through the Java API: with {@link Columns.Label} the named (or 0-based
     * indexed) column holds classes and every other column is an input; with {@link Columns.Targets}
     * the last K columns are targets. Inputs are numbers, numeric strings or ml vectors (expanded).
     */
    public static SparkDataset fromDataFrame(org.apache.spark.sql.Dataset<Row> df, Columns columns, String scale, int partitions,
                                             String source) {
        return fromDataFrame(df, columns, scale, partitions, source, null, Reading.PLAIN, 0, 0, true).training();
    }

    private static Split fromDataFrame(org.apache.spark.sql.Dataset<Row> df, Columns columns, String scale, int partitions,
                                       String source, SparkDataset like, Reading reading, double split, long seed, boolean named) {
        StructField[] fields = df.schema().fields();
        int label = -1, targets = 0;
        if (columns instanceof Columns.Label l) {
            label = columnIndex(fields, l.column(), "--label");
        } else if (columns instanceof Columns.Targets t) {
            targets = t.count();
            if (targets >= fields.length) throw new IllegalArgumentException("--targets " + targets + ": " + source + " has " + fields.length + " columns");
        }
        int firstTarget = fields.length - targets;
        int weight = reading.sampleWeights() == null ? -1 : columnIndex(fields, reading.sampleWeights().trim(), "--sample-weights");
        if (weight >= 0 && (weight == label || weight >= firstTarget)) {
            throw new IllegalArgumentException("--sample-weights " + reading.sampleWeights() + ": that is "
                    + (weight == label ? "the --label column" : "one of the --targets columns") + " of " + source);
        }
        // categorical columns: the model's (or training data's) encoding, else those of --categorical, categories learnt below
        List<String> categoricalNames = like != null && !like.categorical().isNone() ? like.categorical().names() : reading.categorical();
        int[] category = new int[fields.length];
        java.util.Arrays.fill(category, -1);
        int[] categoricalColumns = new int[categoricalNames.size()];
        for (int k = 0; k < categoricalColumns.length; k++) {
            int c = columnIndex(fields, categoricalNames.get(k).trim(), "--categorical");
            if (c == label || c >= firstTarget || c == weight || category[c] >= 0) {
                throw new IllegalArgumentException("--categorical " + categoricalNames.get(k) + ": that is "
                        + (c == label ? "the --label column" : c == weight ? "the --sample-weights column"
                        : c >= firstTarget ? "one of the --targets columns" : "named twice") + " of " + source);
            }
            categoricalColumns[k] = c;
            category[c] = k;
        }
        List<Integer> inputColumns = new ArrayList<>();
        for (int c = 0; c < firstTarget; c++) if (c != label && c != weight) inputColumns.add(c);
        Row first = df.first();
        if (first == null) throw new IllegalArgumentException(source + " holds no rows");
        List<List<String>> categories = categoriesOf(df, categoricalColumns, like, source);
        int inputs = 0;
        int[] width = new int[fields.length];
        int wanted = like != null ? like.inputs() : reading.features();   // LIBSVM: a model's input count, else --features
        for (int c : inputColumns) {
            if (category[c] >= 0) {
                width[c] = categories.get(category[c]).size();
            } else if (isVector(fields[c].dataType())) {
                int found = ((Vector) first.get(c)).size();     // Spark's LIBSVM reader: the largest index in the file
                if (wanted > 0 && found > wanted) {
                    throw new IllegalArgumentException((like != null ? like.source() + " takes " + wanted + " inputs" : "--features " + wanted)
                            + ", but " + source + " has feature index " + found);
                }
                width[c] = inputColumns.size() == 1 && wanted > 0 ? wanted : found;
            } else {
                width[c] = 1;
            }
            inputs += width[c];
        }
        List<String> classes = List.of();
        Map<String, Long> counts = null;
        if (label >= 0) {
            final int lc = label;
            if (like == null || reading.classWeights() != null) counts = df.javaRDD().map(r -> className(r.get(lc))).countByValue();
            classes = like != null ? like.classes() : sortClasses(new ArrayList<>(counts.keySet()));
        }
        double[] perClass = null;
        if (reading.classWeights() != null) {
            if (label < 0) throw new IllegalArgumentException("--class-weights: " + source + " has real-valued targets, not classes");
            long[] count = new long[classes.size()];
            for (int k = 0; k < count.length; k++) count[k] = counts.getOrDefault(classes.get(k), 0L);
            perClass = classWeights(reading.classWeights(), classes, count);
        }
        List<CategoricalEncoding.Column> encoded = new ArrayList<>();
        for (int k = 0; k < categoricalColumns.length; k++) {
            int c = categoricalColumns[k];
            encoded.add(new CategoricalEncoding.Column(named ? fields[c].name() : Integer.toString(c), categories.get(k)));
        }
        CategoricalEncoding encoding = new CategoricalEncoding(encoded);
        boolean weighted = weight >= 0 || perClass != null;
        Layout layout = new Layout(inputColumns.stream().mapToInt(Integer::intValue).toArray(), width, category,
                new ArrayList<>(categories.stream().map(ArrayList::new).toList()), inputs, label, new ArrayList<>(classes), firstTarget,
                targets, weighted ? weight : -1, weighted ? perClass : null, weighted, source);
        JavaPairRDD<Row, Long> rows = df.javaRDD().zipWithIndex();
        int outputs = label >= 0 ? classes.size() : targets;
        BitSet held = null;
        if (split > 0) {
            boolean[] h = Trainer.heldOut(Math.toIntExact(df.count()), split, seed);
            held = new BitSet(h.length);
            for (int i = 0; i < h.length; i++) if (h[i]) held.set(i);
        }
        SparkDataset training = finish(blocks(rows, held, false, partitions, layout), inputs, outputs, classes, scale, like, source,
                List.of(), encoding);
        if (held == null) return new Split(training, null);
        return new Split(training, finish(blocks(rows, held, true, partitions, layout.unweighted()), inputs, outputs, classes, scale,
                training, source + " (validation split)", List.of(), encoding));
    }

    /**
     * The rows of a table (numbered in file order) kept by {@code held} ({@code keep}: the held ones, or
     * the others; null: all), as one block per partition. Row i goes to partition i mod P, rows kept in
     * file order: a partition recomputed after an executor is lost holds the same rows in the same order
     * (a plain repartition's order depends on the order in which shuffle blocks arrive, so mini-batches
     * and sums would change).
     */
    private static JavaRDD<Block> blocks(JavaPairRDD<Row, Long> rows, BitSet held, boolean keep, int partitions, Layout layout) {
        JavaPairRDD<Row, Long> kept = held == null ? rows : rows.filter(r -> held.get(Math.toIntExact(r._2())) == keep);
        return kept.mapToPair(r -> new Tuple2<>(r._2(), r._1())).repartitionAndSortWithinPartitions(new HashPartitioner(partitions))
                .mapPartitions(numbered -> List.of(layout.block(numbered)).iterator());
    }

    /**
     * The categories of each categorical column: {@code like}'s, else the distinct values of the
     * column (one distributed pass for all columns), sorted as class names are.
     */
    private static List<List<String>> categoriesOf(org.apache.spark.sql.Dataset<Row> df, int[] columns, SparkDataset like, String source) {
        if (columns.length == 0) return List.of();
        if (like != null && !like.categorical().isNone()) {
            return like.categorical().columns().stream().map(CategoricalEncoding.Column::categories).toList();
        }
        List<Tuple2<Integer, String>> distinct = df.javaRDD().flatMap(r -> {
            List<Tuple2<Integer, String>> cells = new ArrayList<>(columns.length);
            for (int k = 0; k < columns.length; k++) cells.add(new Tuple2<>(k, categoryOf(r.get(columns[k]), columns[k], source)));
            return cells.iterator();
        }).distinct().collect();
        List<List<String>> categories = new ArrayList<>();
        for (int k = 0; k < columns.length; k++) {
            final int column = k;
            categories.add(sortClasses(distinct.stream().filter(t -> t._1() == column).map(Tuple2::_2).toList()));
        }
        return categories;
    }

    /** A categorical cell's category (as {@code nn train} keeps it: the text as written, trimmed). */
    private static String categoryOf(Object value, int column, String source) {
        String text = value == null ? "" : value.toString().trim();
        if (text.isEmpty()) throw new DataException(source + ": empty cell in categorical column " + column);
        return text;
    }

    /** The weight of each class: "balanced" from the class counts (scikit-learn's rule), or a list (NAME=W,… or W,…). */
    private static double[] classWeights(String text, List<String> classes, long[] count) {
        if (text.trim().equalsIgnoreCase("balanced")) return ClassWeights.balanced(count);
        try {
            return ClassWeights.parse(text, classes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--class-weights " + text + ": " + e.getMessage());
        }
    }

    /** Data already in one JVM (read by a core reader), split into {@code partitions} contiguous blocks; its sample weights kept. */
    public static SparkDataset fromLocal(JavaSparkContext jsc, Dataset data, String scale, int partitions) {
        Distributed d = distribute(jsc, data, partitions);
        return finish(d.blocks(), data.x().cols, data.y().cols, data.classes(), scale, null, data.source(), d.parts(), data.categorical());
    }

    /** The blocks of data held by the driver, and the broadcasts they are shipped in. */
    private record Distributed(JavaRDD<Block> blocks, List<Broadcast<Block>> parts) { }

    /**
     * Data held by the driver, distributed: block p goes out as broadcast p, and the RDD only numbers the
     * partitions (task p reads broadcast p). Tasks stay small (a parallelized collection would carry its
     * rows inside every task of every step), and an executor that is lost takes nothing with it: its
     * blocks are fetched again from the driver when Spark recomputes them.
     */
    private static Distributed distribute(JavaSparkContext jsc, Dataset data, int partitions) {
        ArrayList<Broadcast<Block>> parts = new ArrayList<>();
        for (Block b : split(data, partitions)) parts.add(jsc.broadcast(b));
        List<Integer> numbers = new ArrayList<>();
        for (int p = 0; p < partitions; p++) numbers.add(p);
        return new Distributed(jsc.parallelize(numbers, partitions).map(p -> parts.get(p).value()), parts);
    }

    private static List<Block> split(Dataset data, int partitions) {
        int n = data.size(), in = data.x().cols, out = data.y().cols;
        List<Block> blocks = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int from = (int) ((long) p * n / partitions), to = (int) ((long) (p + 1) * n / partitions);
            float[] x = new float[(to - from) * in], y = new float[(to - from) * out];
            System.arraycopy(data.x().data, from * in, x, 0, x.length);
            System.arraycopy(data.y().data, from * out, y, 0, y.length);
            float[] w = data.isWeighted() ? java.util.Arrays.copyOfRange(data.weights(), from, to) : null;
            blocks.add(new Block(to - from, in, out, x, y, w));
        }
        return blocks;
    }

    /** Fits the scaling over all blocks (or takes {@code like}'s), applies it, caches the result. */
    private static SparkDataset finish(JavaRDD<Block> raw, int inputs, int outputs, List<String> classes, String scale,
                                       SparkDataset like, String source, List<Broadcast<Block>> parts, CategoricalEncoding categorical) {
        if (like != null && (inputs != like.inputs() || outputs != like.outputs())) {
            throw new IllegalArgumentException(source + " has " + inputs + " inputs and " + outputs + " targets, but "
                    + like.source() + " has " + like.inputs() + " and " + like.outputs());
        }
        raw = raw.persist(StorageLevel.MEMORY_AND_DISK());
        Scaler scaler = like != null && like.scaler() != null ? like.scaler() : fitScaler(raw, scale, inputs);
        JavaRDD<Block> blocks = raw;
        if (!scaler.isNone()) {
            float[] shift = scaler.shift(), divide = scaler.divide();
            blocks = raw.map(b -> scaled(b, shift, divide)).persist(StorageLevel.MEMORY_AND_DISK());
        }
        // Cached, with the lineage kept (no localCheckpoint, whose blocks die with their executor): a lost
        // executor's blocks are recomputed, from the file or from the driver's broadcasts
        long n = blocks.map(Block::rows).reduce(Integer::sum);
        if (blocks != raw) raw.unpersist(false);
        return new SparkDataset(blocks, n, inputs, outputs, classes, scaler, source, parts, categorical);
    }

    /**
     * {@link Scaler#fit} over the blocks: count, min, max and sum per column in one pass, the sum of
     * squared deviations from the mean in a second; the divisor of a constant column is 1.
     */
    static Scaler fitScaler(JavaRDD<Block> blocks, String method, int d) {
        if (method.equals("none")) return Scaler.NONE;
        if (!method.equals("minmax") && !method.equals("standard")) {
            throw new IllegalArgumentException("--scale: unknown scaling '" + method + "' (known: none, minmax, standard)");
        }
        double[] stats = OrderedReduce.treeReduce(blocks.map(b -> {                     // [n, min_0..d-1, max_0..d-1, sum_0..d-1]
            double[] s = new double[1 + 3 * d];
            java.util.Arrays.fill(s, 1, 1 + d, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(s, 1 + d, 1 + 2 * d, Double.NEGATIVE_INFINITY);
            s[0] = b.rows();
            for (int i = 0; i < b.rows(); i++) {
                for (int j = 0; j < d; j++) {
                    double v = b.x()[i * d + j];
                    s[1 + j] = Math.min(s[1 + j], v);
                    s[1 + d + j] = Math.max(s[1 + d + j], v);
                    s[1 + 2 * d + j] += v;
                }
            }
            return s;
        }), (a, b) -> {
            a[0] += b[0];
            for (int j = 0; j < d; j++) {
                a[1 + j] = Math.min(a[1 + j], b[1 + j]);
                a[1 + d + j] = Math.max(a[1 + d + j], b[1 + d + j]);
                a[1 + 2 * d + j] += b[1 + 2 * d + j];
            }
            return a;
        }, 2);
        double n = stats[0];
        double[] mean = new double[d];
        for (int j = 0; j < d; j++) mean[j] = stats[1 + 2 * d + j] / n;
        double[] squares = OrderedReduce.treeReduce(blocks.map(b -> {
            double[] s = new double[d];
            for (int i = 0; i < b.rows(); i++) {
                for (int j = 0; j < d; j++) {
                    double e = b.x()[i * d + j] - mean[j];
                    s[j] += e * e;
                }
            }
            return s;
        }), (a, b) -> {
            for (int j = 0; j < d; j++) a[j] += b[j];
            return a;
        }, 2);
        float[] shift = new float[d], divide = new float[d];
        for (int j = 0; j < d; j++) {
            double lo = stats[1 + j], hi = stats[1 + d + j], sd = Math.sqrt(squares[j] / n);
            if (method.equals("minmax")) {
                shift[j] = (float) lo;
                divide[j] = hi > lo ? (float) (hi - lo) : 1f;
            } else {
                shift[j] = (float) mean[j];
                divide[j] = sd > 0 ? (float) sd : 1f;
            }
        }
        return new Scaler(method, shift, divide);
    }

    /** x' = (x − shift) / divide per column, as {@link Scaler#transform}. */
    private static Block scaled(Block b, float[] shift, float[] divide) {
        int d = b.inputs();
        float[] x = new float[b.x().length];
        for (int i = 0; i < b.rows(); i++) {
            for (int j = 0; j < d; j++) x[i * d + j] = (b.x()[i * d + j] - shift[j]) / divide[j];
        }
        return new Block(b.rows(), d, b.outputs(), x, b.y(), b.w());
    }

    private static int columnIndex(StructField[] fields, String column, String option) {
        for (int c = 0; c < fields.length; c++) if (fields[c].name().equals(column)) return c;
        if (column.matches("\\d+") && Integer.parseInt(column) < fields.length) return Integer.parseInt(column);
        List<String> names = new ArrayList<>();
        for (StructField f : fields) names.add(f.name());
        throw new IllegalArgumentException(option + ": no column '" + column + "' (columns: " + names + ")");
    }

    private static boolean isVector(DataType type) {
        return type instanceof VectorUDT;
    }

    /** A label's class name: numbers canonical ("1.0" and "+1" are "1"), as the LIBSVM reader names them. */
    static String className(Object value) {
        if (value == null) throw new DataException("a label is missing");
        if (!(value instanceof Number n)) return value.toString().trim();   // CSV labels are kept as written, as nn train keeps them
        double v = n.doubleValue();
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    /** Sorted as nn train sorts classes: numerically when all are numbers, else by text. */
    static List<String> sortClasses(List<String> distinct) {
        List<String> classes = new ArrayList<>(distinct);
        boolean numeric = classes.stream().allMatch(s -> NUMBER.matcher(s).matches());
        classes.sort(numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder());
        return classes;
    }

    /**
     * Which columns of a row are inputs (and how wide: a vector's length, a categorical column's number
     * of categories), which is the label or targets, which holds the sample weight; makes a partition's
     * block. {@code weighted}: the block carries w_i (the sample weight column's, times the class weight).
     */
    private record Layout(int[] inputColumns, int[] width, int[] category, ArrayList<ArrayList<String>> categories, int inputs,
                          int label, ArrayList<String> classes, int firstTarget, int targets, int weight, double[] perClass,
                          boolean weighted, String source) implements Serializable {
        /** The same columns, without weights (the sample weight column still dropped): for held-out rows. */
        Layout unweighted() {
            return new Layout(inputColumns, width, category, categories, inputs, label, classes, firstTarget, targets, -1, null, false, source);
        }

        /** The block of rows numbered in file order (0-based; messages name data row i + 1). */
        Block block(Iterator<Tuple2<Long, Row>> numbered) {
            int outputs = label >= 0 ? classes.size() : targets;
            FloatList x = new FloatList(), y = new FloatList(), w = new FloatList();
            int n = 0;
            while (numbered.hasNext()) {
                Tuple2<Long, Row> next = numbered.next();
                Row r = next._2();
                long row = next._1() + 1;
                for (int c : inputColumns) {
                    Object v = r.get(c);
                    if (category[c] >= 0) {
                        List<String> cs = categories.get(category[c]);
                        String name = categoryOf(v, c, source);
                        int k = cs.indexOf(name);
                        if (k < 0) {
                            throw new DataException(source + ": data row " + row + ", column " + c + ": category '" + DataException.quote(name)
                                    + "' is not one of the training data's categories " + DataException.quote(cs.toString()));
                        }
                        for (int j = 0; j < cs.size(); j++) x.add(j == k ? 1f : 0f);
                    } else if (v instanceof Vector vec) {
                        if (vec.size() > width[c]) {
                            throw new DataException(source + ": column " + c + " holds vectors of " + vec.size() + " and " + width[c] + " elements");
                        }
                        for (double e : vec.toArray()) x.add((float) e);
                        for (int pad = vec.size(); pad < width[c]; pad++) x.add(0f);   // LIBSVM: indices up to --features
                    } else {
                        x.add(number(v, c, row));
                    }
                }
                int k = -1;
                if (label >= 0) {
                    String name = className(r.get(label));
                    k = classes.indexOf(name);
                    if (k < 0) {
                        throw new DataException(source + ": data row " + row + ": label '" + DataException.quote(name)
                                + "' is not one of the training data's classes " + classes);
                    }
                    for (int j = 0; j < outputs; j++) y.add(j == k ? 1f : 0f);
                } else {
                    for (int c = firstTarget; c < firstTarget + targets; c++) y.add(number(r.get(c), c, row));
                }
                if (weighted) {
                    // as nn train multiplies them: the class weight (float32) times the sample weight
                    float sample = weight >= 0 ? sampleWeight(r.get(weight), row) : 1f;
                    w.add(perClass == null ? sample : weight >= 0 ? (float) perClass[k] * sample : (float) perClass[k]);
                }
                n++;
            }
            return new Block(n, inputs, outputs, x.toArray(), y.toArray(), weighted ? w.toArray() : null);
        }

        private float number(Object v, int column, long row) {
            if (v instanceof Number num) return num.floatValue();
            String text = v == null ? "" : v.toString().trim();
            if (!NUMBER.matcher(text).matches()) {
                throw new DataException(source + ": data row " + row + ", column " + column + ": '" + DataException.quote(text) + "' is not a number");
            }
            return Float.parseFloat(text);
        }

        private float sampleWeight(Object v, long row) {
            float w = number(v, weight, row);
            if (!(w >= 0) || Float.isInfinite(w)) {
                throw new DataException(source + ": data row " + row + ": sample weight " + v + " must be finite and at least 0");
            }
            return w;
        }
    }

    /** A growable float array. */
    private static final class FloatList {
        private float[] a = new float[1024];
        private int n;

        void add(float v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[n++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
