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
 */
record Block(int rows, int inputs, int outputs, float[] x, float[] y) implements Serializable {
    Block {
        if (x.length != rows * inputs || y.length != rows * outputs) {
            throw new IllegalArgumentException("block of " + rows + " rows with " + x.length + " inputs and " + y.length + " targets");
        }
    }

    Matrix xMatrix() {
        return new Matrix(rows, inputs, x);
    }

    Matrix yMatrix() {
        return new Matrix(rows, outputs, y);
    }
}
