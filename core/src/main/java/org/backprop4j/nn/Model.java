package org.backprop4j.nn;

import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.Scaler;
import org.backprop4j.math.Matrix;

import java.util.List;

/**
 * What a model file holds: the network and what is needed to use it on raw data.
 *
 * @param network the layers
 * @param loss    the cost it was trained with (evaluate reports it)
 * @param classes class names in output order, or empty for real-valued outputs
 * @param scaler  input scaling applied before the network ({@link Scaler#NONE} for none)
 * @param l2      the lambda it was trained with (for E4's L2 term when evaluating)
 * @param categorical how categorical input columns are one-hot encoded before scaling
 *                ({@link CategoricalEncoding#NONE} for none); readers apply it to raw tables
 */
public record Model(Network network, Loss loss, List<String> classes, Scaler scaler, double l2, CategoricalEncoding categorical) {

    public Model(Network network, Loss loss, List<String> classes, Scaler scaler, double l2) {
        this(network, loss, classes, scaler, l2, CategoricalEncoding.NONE);
    }

    public Model {
        if (categorical == null) categorical = CategoricalEncoding.NONE;
        classes = List.copyOf(classes);
        if (!classes.isEmpty() && classes.size() != network.outputs()) {
            throw new IllegalArgumentException(classes.size() + " class names for " + network.outputs() + " outputs");
        }
        if (!scaler.isNone() && scaler.shift().length != network.inputs()) {
            throw new IllegalArgumentException("scaling for " + scaler.shift().length + " inputs, network takes " + network.inputs());
        }
        loss.checkOutput(network.layer(network.layers().size() - 1).activation());
    }

    public Model(Network network, Loss loss) {
        this(network, loss, List.of(), Scaler.NONE, 0);
    }

    public boolean isClassifier() {
        return !classes.isEmpty();
    }

    /** The network's outputs for raw (unscaled) inputs, one row per sample. x: not modified. */
    public Matrix predict(Matrix x) {
        return network.predict(scaler.transform(x));
    }

    /**
     * The class index of each row of raw inputs x: the position of the network's largest output
     * (the first largest wins ties, as in {@link org.backprop4j.data.Dataset#argmax}). x: not modified.
     * Throws IllegalStateException if the model has no classes (real-valued outputs).
     */
    public int[] predictClassIndices(Matrix x) {
        if (!isClassifier()) throw new IllegalStateException("the model has real-valued outputs, not classes");
        Matrix out = predict(x);
        int[] index = new int[out.rows];
        for (int i = 0; i < out.rows; i++) index[i] = org.backprop4j.data.Dataset.argmax(out, i);
        return index;
    }

    /**
     * The class label of each row of raw inputs x, one of {@link #classes()} (scikit-learn's
     * {@code predict} beside {@code predict_proba}, which is {@link #predict}). x: not modified.
     * Throws IllegalStateException if the model has no classes.
     */
    public List<String> predictClasses(Matrix x) {
        int[] index = predictClassIndices(x);
        String[] labels = new String[index.length];
        for (int i = 0; i < index.length; i++) labels[i] = classes.get(index[i]);
        return List.of(labels);
    }

    /** This model with another network (same loss, classes, scaling and lambda). */
    public Model withNetwork(Network other) {
        return new Model(other, loss, classes, scaler, l2, categorical);
    }

    /** This model with inputs one-hot encoded by {@code encoding} (everything else the same). */
    public Model withCategorical(CategoricalEncoding encoding) {
        return new Model(network, loss, classes, scaler, l2, encoding);
    }
}
