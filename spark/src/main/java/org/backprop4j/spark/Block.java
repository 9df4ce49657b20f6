package org.backprop4j.spark;

import org.backprop4j.math.Matrix;

import java.io.Serializable;

/**
 * The samples of one partition as two row-major float32 matrices: what a task trains on. A data set
 * on Spark is an RDD of blocks, one per partition, cached in the executors' memory.
 *
 * @param rows    samples in this partition
 * @param x       inputs, rows × inputs
 * @param y       targets, rows × outputs (one-hot rows for classes)
 * @param w       each sample's weight w_i in E3's sum, or null: every sample counts once (the seed's arithmetic)
 */
record Block(int rows, int inputs, int outputs, float[] x, float[] y, float[] w) implements Serializable {
    Block {
        if (x.length != rows * inputs || y.length != rows * outputs || w != null && w.length != rows) {
            throw new IllegalArgumentException("block of " + rows + " rows with " + x.length + " inputs, " + y.length + " targets"
                    + (w == null ? "" : " and " + w.length + " weights"));
        }
    }

    /** An unweighted block. */
    Block(int rows, int inputs, int outputs, float[] x, float[] y) {
        this(rows, inputs, outputs, x, y, null);
    }

    Matrix xMatrix() {
        return new Matrix(rows, inputs, x);
    }

    Matrix yMatrix() {
        return new Matrix(rows, outputs, y);
    }
}
