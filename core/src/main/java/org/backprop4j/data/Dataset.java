package org.backprop4j.data;

import org.backprop4j.math.Matrix;

import java.util.List;

/**
 * Samples as rows: inputs x (N×s_1) and targets y (N×s_{n_l}), float32.
 *
 * @param x       inputs, one sample per row
 * @param y       targets, one sample per row (one-hot rows for classification); may have 0
 *                columns when the data has inputs only (prediction)
 * @param classes class names in one-hot order, or empty for real-valued targets
 * @param source  where the data came from, for messages
 * @param categorical how categorical input columns were one-hot encoded into x ({@link CategoricalEncoding#NONE}
 *                if none were); a model trained on this data stores it
 * @param weights each sample's weight w_i in E3's sum, J = (1/K) Σ w_i J(W,b;x_i,y_i) (finite, ≥ 0), or null
 *                for the seed's unweighted sum (every w_i = 1, computed without any multiplication)
 */
public record Dataset(Matrix x, Matrix y, List<String> classes, String source, CategoricalEncoding categorical, float[] weights) {

    public Dataset(Matrix x, Matrix y, List<String> classes, String source) {
        this(x, y, classes, source, CategoricalEncoding.NONE, null);
    }

    public Dataset(Matrix x, Matrix y, List<String> classes, String source, CategoricalEncoding categorical) {
        this(x, y, classes, source, categorical, null);
    }

    public Dataset {
        if (x.rows != y.rows) {
            throw new IllegalArgumentException(source + ": " + x.rows + " input rows but " + y.rows + " target rows");
        }
        if (!classes.isEmpty() && y.cols != classes.size()) {
            throw new IllegalArgumentException(source + ": " + classes.size() + " classes but " + y.cols + " target columns");
        }
        classes = List.copyOf(classes);
        if (categorical == null) categorical = CategoricalEncoding.NONE;
        if (weights != null) {
            if (weights.length != x.rows) {
                throw new IllegalArgumentException(source + ": " + weights.length + " sample weights for " + x.rows + " samples");
            }
            for (int i = 0; i < weights.length; i++) {
                if (!(weights[i] >= 0) || Float.isInfinite(weights[i])) {
                    throw new IllegalArgumentException(source + ": sample " + (i + 1) + " has weight " + weights[i]
                            + "; weights must be finite and at least 0");
                }
            }
        }
    }

    /** Whether samples carry weights (else every sample counts once, as in the seed). */
    public boolean isWeighted() {
        return weights != null;
    }

    /** This data with each sample's weight in E3's sum ({@code null}: unweighted). */
    public Dataset withWeights(float[] sampleWeights) {
        return new Dataset(x, y, classes, source, categorical, sampleWeights);
    }

    /** A classification data set: y gets the one-hot rows of {@code labels} (indices into classes). */
    public static Dataset classification(Matrix x, int[] labels, List<String> classes, String source) {
        Memory.requireMatrix(labels.length, classes.size(), source + ": one-hot targets of " + labels.length + " samples in "
                + classes.size() + " classes");
        Matrix y = new Matrix(labels.length, classes.size());
        for (int i = 0; i < labels.length; i++) {
            y.set(i, labels[i], 1f);
        }
        return new Dataset(x, y, classes, source);
    }

    public int size() {
        return x.rows;
    }

    public boolean isClassification() {
        return !classes.isEmpty();
    }

    /** The class index of each row (the position of the largest target). */
    public int[] labels() {
        int[] labels = new int[y.rows];
        for (int i = 0; i < y.rows; i++) labels[i] = argmax(y, i);
        return labels;
    }

    /** The rows at {@code indices}, in that order. */
    public Dataset subset(int[] indices) {
        float[] w = null;
        if (weights != null) {
            w = new float[indices.length];
            for (int i = 0; i < indices.length; i++) w[i] = weights[indices[i]];
        }
        return new Dataset(x.selectRows(indices), y.selectRows(indices), classes, source, categorical, w);
    }

    /** This data with x replaced by {@code scaler.transform(x)}. */
    public Dataset scaled(Scaler scaler) {
        return scaler.isNone() ? this : new Dataset(scaler.transform(x), y, classes, source, categorical, weights);
    }

    /** This data, recorded as encoded by {@code encoding}. */
    public Dataset withCategorical(CategoricalEncoding encoding) {
        return new Dataset(x, y, classes, source, encoding, weights);
    }

    /** Index of the largest element of row i (the first one on ties). */
    public static int argmax(Matrix m, int i) {
        int best = 0;
        for (int j = 1; j < m.cols; j++) {
            if (m.get(i, j) > m.get(i, best)) best = j;
        }
        return best;
    }
}
