package org.backprop4j.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.math.Matrix;

import java.util.List;

/**
 * Training data on a Spark cluster: one {@link Block} of scaled samples per partition, cached in the
 * executors' memory, with what was learnt from the whole data set while reading it (class names,
 * the scaling, both computed distributed). Made by {@link SparkData}. The blocks keep their lineage,
 * so Spark recomputes those of a lost executor (from the files, or from the driver's broadcasts
 * when the data was read on the driver).
 */
public final class SparkDataset {
    private final JavaRDD<Block> blocks;
    private final long size;
    private final int inputs;
    private final int outputs;
    private final List<String> classes;
    private final Scaler scaler;
    private final String source;
    private final List<Broadcast<Block>> parts;
    private final CategoricalEncoding categorical;

    SparkDataset(JavaRDD<Block> blocks, long size, int inputs, int outputs, List<String> classes, Scaler scaler, String source,
                 List<Broadcast<Block>> parts) {
        this(blocks, size, inputs, outputs, classes, scaler, source, parts, CategoricalEncoding.NONE);
    }

    SparkDataset(JavaRDD<Block> blocks, long size, int inputs, int outputs, List<String> classes, Scaler scaler, String source,
                 List<Broadcast<Block>> parts, CategoricalEncoding categorical) {
        this.blocks = blocks;
        this.size = size;
        this.inputs = inputs;
        this.outputs = outputs;
        this.classes = List.copyOf(classes);
        this.scaler = scaler;
        this.source = source;
        this.parts = parts;
        this.categorical = categorical;
    }

    JavaRDD<Block> blocks() {
        return blocks;
    }

    /** N: samples in all partitions. */
    public long size() {
        return size;
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /** Class names in one-hot order, or empty for real-valued targets. */
    public List<String> classes() {
        return classes;
    }

    public boolean isClassification() {
        return !classes.isEmpty();
    }

    /**
     * The scaling fitted on this data (already applied to the blocks); {@link Scaler#NONE} for none; null
     * only in a description of data still to read, meaning "fit it on that data".
     */
    public Scaler scaler() {
        return scaler;
    }

    /** The one-hot encoding of categorical input columns learnt from this data (--categorical), or NONE. */
    public CategoricalEncoding categorical() {
        return categorical;
    }

    public String source() {
        return source;
    }

    public int partitions() {
        return blocks.getNumPartitions();
    }

    /**
     * A 64-bit hash of the rows, partition by partition (FNV-1a over each block's shape and float bits,
     * combined in partition order): a checkpoint remembers it, so that a run is not resumed on other
     * data. One job over the cached blocks.
     */
    public long hash() {
        List<Long> parts = blocks.mapPartitionsWithIndex((p, it) -> {
            long h = 0xcbf29ce484222325L ^ p;
            while (it.hasNext()) {
                Block b = it.next();
                h = mix(mix(mix(h, b.rows()), b.inputs()), b.outputs());
                for (float v : b.x()) h = mix(h, Float.floatToRawIntBits(v));
                for (float v : b.y()) h = mix(h, Float.floatToRawIntBits(v));
                if (b.w() != null) for (float v : b.w()) h = mix(h, Float.floatToRawIntBits(v));
            }
            return List.of(h).iterator();
        }, true).collect();
        long h = 0xcbf29ce484222325L;
        for (long part : parts) h = (h ^ part) * 0x100000001b3L;
        return h;
    }

    private static long mix(long h, int v) {
        return (h ^ v) * 0x100000001b3L;
    }

    /**
     * Up to {@code max} rows of this data (scaled, as the network sees it), the first rows of each
     * partition in equal shares, as a data set on the driver: what the layer probe of the report and
     * the metrics measures the network on.
     */
    public Dataset sample(int max) {
        int per = Math.max(1, (max + partitions() - 1) / partitions());
        List<Block> heads = blocks.map(b -> {
            int k = Math.min(per, b.rows());
            return new Block(k, b.inputs(), b.outputs(), java.util.Arrays.copyOf(b.x(), k * b.inputs()),
                    java.util.Arrays.copyOf(b.y(), k * b.outputs()));
        }).collect();
        int n = Math.min(max, heads.stream().mapToInt(Block::rows).sum());
        Matrix x = new Matrix(n, inputs), y = new Matrix(n, outputs);
        int at = 0;
        for (Block b : heads) {
            int k = Math.min(b.rows(), n - at);
            System.arraycopy(b.x(), 0, x.data, at * inputs, k * inputs);
            System.arraycopy(b.y(), 0, y.data, at * outputs, k * outputs);
            at += k;
        }
        return new Dataset(x, y, classes, source, categorical);
    }

    /** Frees the cached blocks (and the driver's copies of data it distributed). */
    public void unpersist() {
        blocks.unpersist(false);
        for (Broadcast<Block> part : parts) part.destroy();
    }
}
