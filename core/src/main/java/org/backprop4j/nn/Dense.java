package org.backprop4j.nn;

import org.backprop4j.math.Matrix;

/**
 * One fully connected layer: E1 and E2 with its own W, b and f.
 *
 * @param weights    W^(l): s_{l+1} rows of s_l numbers; {@code weights.get(i, j)} is W_ij, from
 *                   input j to output i (the model file's layout)
 * @param bias       b^(l): s_{l+1} numbers
 * @param activation f of this layer
 */
public record Dense(Matrix weights, float[] bias, Activation activation) {

    public Dense {
        if (bias.length != weights.rows) {
            throw new IllegalArgumentException("layer has " + weights.rows + " weight rows but " + bias.length + " biases");
        }
        if (weights.rows == 0 || weights.cols == 0) {
            throw new IllegalArgumentException("layer has an empty weight matrix (" + weights + ")");
        }
    }

    /** s_l: the number of inputs. */
    public int inputs() {
        return weights.cols;
    }

    /** s_{l+1}: the number of outputs. */
    public int outputs() {
        return weights.rows;
    }

    /** A deep copy (the trainer updates its own copy in place). */
    public Dense copy() {
        return new Dense(weights.copy(), bias.clone(), activation);
    }
}
