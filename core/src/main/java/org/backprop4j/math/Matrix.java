package org.backprop4j.math;

import java.util.Arrays;

/**
 * A dense float32 matrix stored row-major in one array: element (i, j) is {@code data[i * cols + j]}.
 *
 * <p>Deliberately thin: a shape and an array. The arithmetic lives in {@link Kernels}, so that all
 * code that indexes raw arrays for speed sits in this package.
 */
public final class Matrix {
    public final int rows;
    public final int cols;
    /** Row-major elements; shared, not copied, so kernels can work in place. */
    public final float[] data;

    public Matrix(int rows, int cols) {
        this(rows, cols, new float[checkedSize(rows, cols)]);
    }

    /** Wraps {@code data} (not copied); its length must be {@code rows * cols}. */
    public Matrix(int rows, int cols, float[] data) {
        if (data.length != checkedSize(rows, cols)) {
            throw new IllegalArgumentException("matrix " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " elements, got " + data.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    private static int checkedSize(int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bad matrix shape " + rows + "x" + cols);
        }
        return rows * cols;
    }

    /** Builds a matrix from rows of equal length (copied). */
    public static Matrix of(float[][] rowsData) {
        int r = rowsData.length;
        int c = r == 0 ? 0 : rowsData[0].length;
        Matrix m = new Matrix(r, c);
        for (int i = 0; i < r; i++) {
            if (rowsData[i].length != c) {
                throw new IllegalArgumentException("row " + i + " has " + rowsData[i].length + " elements, expected " + c);
            }
            System.arraycopy(rowsData[i], 0, m.data, i * c, c);
        }
        return m;
    }

    public float get(int i, int j) {
        return data[i * cols + j];
    }

    public void set(int i, int j, float v) {
        data[i * cols + j] = v;
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
    }

    public float[][] toArray() {
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = row(i);
        }
        return out;
    }

    public Matrix copy() {
        return new Matrix(rows, cols, data.clone());
    }

    /** A new matrix holding the given rows of this one, in the given order. */
    public Matrix selectRows(int[] indices) {
        Matrix out = new Matrix(indices.length, cols);
        for (int r = 0; r < indices.length; r++) {
            System.arraycopy(data, indices[r] * cols, out.data, r * cols, cols);
        }
        return out;
    }

    /**
     * Copies rows {@code order[from]} … {@code order[from + k - 1]} of this matrix, in that order,
     * into the first k rows of {@code dst} (row length {@link #cols}). This matrix: not modified.
     */
    public void gatherRows(int[] order, int from, int k, float[] dst) {
        for (int r = 0; r < k; r++) {
            System.arraycopy(data, order[from + r] * cols, dst, r * cols, cols);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Matrix " + rows + "x" + cols;
    }
}
