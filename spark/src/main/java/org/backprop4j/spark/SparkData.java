package org.backprop4j.spark;

import org.apache.spark.HashPartitioner;
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
import org.backprop4j.data.Columns;
import org.backprop4j.data.DataException;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.IdxReader;
import org.backprop4j.data.Scaler;
import scala.Tuple2;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
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
     * Reads {@code file} in {@code format} (csv, parquet, libsvm; idx, with {@code labels}, is read on
     * the driver and distributed) into {@code partitions} partitions (0: Spark's default parallelism).
     * LIBSVM files have the columns {@code label} and {@code features}: classes come from "label".
     */
    public static SparkDataset read(SparkSession spark, String file, String format, Path labels, Columns columns, String scale,
                                    int partitions) {
        return read(spark, file, format, labels, columns, scale, partitions, null);
    }

    /** The same for data to use with a model trained on {@code like}: its classes and its scaling, not fitted anew. */
    public static SparkDataset readLike(SparkSession spark, String file, String format, Path labels, Columns columns,
                                        SparkDataset like, int partitions) {
        return read(spark, file, format, labels, columns, like.scaler().method(), partitions, like);
    }

    private static SparkDataset read(SparkSession spark, String file, String format, Path labels, Columns columns, String scale,
                                     int partitions, SparkDataset like) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int p = partitions > 0 ? partitions : jsc.defaultParallelism();
        org.apache.spark.sql.Dataset<Row> df = switch (format) {
            case "csv" -> spark.read().option("header", hasHeader(spark, file)).option("inferSchema", "false").csv(file);
            case "parquet" -> spark.read().parquet(file);
            case "libsvm" -> spark.read().format("libsvm").load(file);
            case "idx" -> null;
            default -> throw new IllegalArgumentException("unknown format '" + format + "' (known: csv, parquet, libsvm, idx)");
        };
        if (df == null) {
            if (labels == null) throw new IllegalArgumentException("IDX images " + file + " need --labels");
            Dataset local = IdxReader.read(Path.of(file), labels, like == null ? null : like.classes());
            Distributed d = distribute(jsc, local, p);
            return finish(d.blocks(), local.x().cols, local.y().cols, local.classes(), scale, like, local.source(), d.parts());
        }
        if (format.equals("libsvm") && columns instanceof Columns.Label) columns = new Columns.Label("label");
        return fromDataFrame(df, columns, scale, p, file, like);
    }

    /** A CSV file has a header when a cell of its first line is not a number (as {@code nn train} decides). */
    private static String hasHeader(SparkSession spark, String file) {
        String first = spark.read().textFile(file).first();
        for (String cell : first.split(",")) {
            String c = cell.trim().replace("\"", "");
            if (!c.isEmpty() && !NUMBER.matcher(c).matches()) return "true";
        }
        return "false";
    }

    /**
     * A DataFrame given through the Java API: with {@link Columns.Label} the named (or 0-based
     * indexed) column holds classes and every other column is an input; with {@link Columns.Targets}
     * the last K columns are targets. Inputs are numbers, numeric strings or ml vectors (expanded).
     */
    public static SparkDataset fromDataFrame(org.apache.spark.sql.Dataset<Row> df, Columns columns, String scale, int partitions,
                                             String source) {
        return fromDataFrame(df, columns, scale, partitions, source, null);
    }

    private static SparkDataset fromDataFrame(org.apache.spark.sql.Dataset<Row> df, Columns columns, String scale, int partitions,
                                              String source, SparkDataset like) {
        StructField[] fields = df.schema().fields();
        int label = -1, targets = 0;
        if (columns instanceof Columns.Label l) {
            label = columnIndex(fields, l.column());
        } else if (columns instanceof Columns.Targets t) {
            targets = t.count();
            if (targets >= fields.length) throw new IllegalArgumentException("--targets " + targets + ": " + source + " has " + fields.length + " columns");
        }
        List<Integer> inputColumns = new ArrayList<>();
        for (int c = 0; c < fields.length - targets; c++) if (c != label) inputColumns.add(c);
        Row first = df.first();
        if (first == null) throw new IllegalArgumentException(source + " holds no rows");
        int inputs = 0;
        int[] width = new int[fields.length];
        for (int c : inputColumns) {
            width[c] = isVector(fields[c].dataType()) ? ((Vector) first.get(c)).size() : 1;
            inputs += width[c];
        }
        List<String> classes = List.of();
        if (label >= 0 && like != null) {
            classes = like.classes();
        } else if (label >= 0) {
            final int lc = label;
            List<String> distinct = df.javaRDD().map(r -> className(r.get(lc))).distinct().collect();
            classes = sortClasses(distinct);
        }
        Layout layout = new Layout(inputColumns.stream().mapToInt(Integer::intValue).toArray(), width, inputs, label,
                new ArrayList<>(classes), fields.length - targets, targets, source);
        // Row i of the file goes to partition i mod P, rows kept in file order: a partition recomputed after an
        // executor is lost holds the same rows in the same order (a plain repartition's order depends on the
        // order in which shuffle blocks arrive, so mini-batches and sums would change)
        JavaRDD<Block> raw = df.javaRDD().zipWithIndex().mapToPair(r -> new Tuple2<>(r._2(), r._1()))
                .repartitionAndSortWithinPartitions(new HashPartitioner(partitions))
                .mapPartitions(rows -> List.of(layout.block(new Values<>(rows))).iterator());
        return finish(raw, inputs, label >= 0 ? classes.size() : targets, classes, scale, like, source, List.of());
    }

    /** Data already in one JVM (read by a core reader), split into {@code partitions} contiguous blocks. */
    public static SparkDataset fromLocal(JavaSparkContext jsc, Dataset data, String scale, int partitions) {
        Distributed d = distribute(jsc, data, partitions);
        return finish(d.blocks(), data.x().cols, data.y().cols, data.classes(), scale, null, data.source(), d.parts());
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

    /** The values of (key, value) pairs. */
    private record Values<T>(Iterator<? extends Tuple2<?, T>> pairs) implements Iterator<T> {
        @Override public boolean hasNext() {
            return pairs.hasNext();
        }

        @Override public T next() {
            return pairs.next()._2();
        }
    }

    private static List<Block> split(Dataset data, int partitions) {
        int n = data.size(), in = data.x().cols, out = data.y().cols;
        List<Block> blocks = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int from = (int) ((long) p * n / partitions), to = (int) ((long) (p + 1) * n / partitions);
            float[] x = new float[(to - from) * in], y = new float[(to - from) * out];
            System.arraycopy(data.x().data, from * in, x, 0, x.length);
            System.arraycopy(data.y().data, from * out, y, 0, y.length);
            blocks.add(new Block(to - from, in, out, x, y));
        }
        return blocks;
    }

    /** Fits the scaling over all blocks (or takes {@code like}'s), applies it, caches the result. */
    private static SparkDataset finish(JavaRDD<Block> raw, int inputs, int outputs, List<String> classes, String scale,
                                       SparkDataset like, String source, List<Broadcast<Block>> parts) {
        if (like != null && (inputs != like.inputs() || outputs != like.outputs())) {
            throw new IllegalArgumentException(source + " has " + inputs + " inputs and " + outputs + " targets, but "
                    + like.source() + " has " + like.inputs() + " and " + like.outputs());
        }
        raw = raw.persist(StorageLevel.MEMORY_AND_DISK());
        Scaler scaler = like != null ? like.scaler() : fitScaler(raw, scale, inputs);
        JavaRDD<Block> blocks = raw;
        if (!scaler.isNone()) {
            float[] shift = scaler.shift(), divide = scaler.divide();
            blocks = raw.map(b -> scaled(b, shift, divide)).persist(StorageLevel.MEMORY_AND_DISK());
        }
        // Cached, with the lineage kept (no localCheckpoint, whose blocks die with their executor): a lost
        // executor's blocks are recomputed, from the file or from the driver's broadcasts
        long n = blocks.map(Block::rows).reduce(Integer::sum);
        if (blocks != raw) raw.unpersist(false);
        return new SparkDataset(blocks, n, inputs, outputs, classes, scaler, source, parts);
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
        double[] stats = blocks.map(b -> {                     // [n, min_0..d-1, max_0..d-1, sum_0..d-1]
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
        }).treeReduce((a, b) -> {
            a[0] += b[0];
            for (int j = 0; j < d; j++) {
                a[1 + j] = Math.min(a[1 + j], b[1 + j]);
                a[1 + d + j] = Math.max(a[1 + d + j], b[1 + d + j]);
                a[1 + 2 * d + j] += b[1 + 2 * d + j];
            }
            return a;
        });
        double n = stats[0];
        double[] mean = new double[d];
        for (int j = 0; j < d; j++) mean[j] = stats[1 + 2 * d + j] / n;
        double[] squares = blocks.map(b -> {
            double[] s = new double[d];
            for (int i = 0; i < b.rows(); i++) {
                for (int j = 0; j < d; j++) {
                    double e = b.x()[i * d + j] - mean[j];
                    s[j] += e * e;
                }
            }
            return s;
        }).treeReduce((a, b) -> {
            for (int j = 0; j < d; j++) a[j] += b[j];
            return a;
        });
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
        return new Block(b.rows(), d, b.outputs(), x, b.y());
    }

    private static int columnIndex(StructField[] fields, String column) {
        for (int c = 0; c < fields.length; c++) if (fields[c].name().equals(column)) return c;
        if (column.matches("\\d+") && Integer.parseInt(column) < fields.length) return Integer.parseInt(column);
        List<String> names = new ArrayList<>();
        for (StructField f : fields) names.add(f.name());
        throw new IllegalArgumentException("--label: no column '" + column + "' (columns: " + names + ")");
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

    /** Which columns of a row are inputs (and how wide), which is the label or targets; makes a partition's block. */
    private record Layout(int[] inputColumns, int[] width, int inputs, int label, ArrayList<String> classes, int firstTarget,
                          int targets, String source) implements Serializable {
        Block block(Iterator<Row> rows) {
            int outputs = label >= 0 ? classes.size() : targets;
            FloatList x = new FloatList(), y = new FloatList();
            int n = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                for (int c : inputColumns) {
                    Object v = r.get(c);
                    if (v instanceof Vector vec) {
                        if (vec.size() != width[c]) throw new DataException(source + ": column " + c + " holds vectors of "
                                + vec.size() + " and " + width[c] + " elements");
                        for (double e : vec.toArray()) x.add((float) e);
                    } else {
                        x.add(number(v, c));
                    }
                }
                if (label >= 0) {
                    String name = className(r.get(label));
                    int k = classes.indexOf(name);
                    if (k < 0) throw new DataException(source + ": label '" + name + "' is not one of the training data's classes " + classes);
                    for (int j = 0; j < outputs; j++) y.add(j == k ? 1f : 0f);
                } else {
                    for (int c = firstTarget; c < firstTarget + targets; c++) y.add(number(r.get(c), c));
                }
                n++;
            }
            return new Block(n, inputs, outputs, x.toArray(), y.toArray());
        }

        private float number(Object v, int column) {
            if (v instanceof Number num) return num.floatValue();
            String text = v == null ? "" : v.toString().trim();
            if (!NUMBER.matcher(text).matches()) {
                throw new DataException(source + ": column " + column + ": '" + text + "' is not a number");
            }
            return Float.parseFloat(text);
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
