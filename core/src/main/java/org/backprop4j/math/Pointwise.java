package org.backprop4j.math;

/**
 * An activation as the kernels see it (E2's a = f(z), E7's g ⊙ f'(z)): its own float32 loops over
 * a batch, which are the naive twins every fast kernel is tested against, and which closed form it
 * has, so a fast kernel can run the forms it knows on vectors and hand the others to the loops.
 * {@code nn.Activation} implements it; this is all {@code math} knows of the network.
 */
public interface Pointwise {
    /** The closed forms a fast kernel may know. */
    enum Form { SIGMOID, TANH, RELU, IDENTITY, OTHER }

    /** Which closed form f is ({@link Form#OTHER} for one the kernels leave to {@link #forward} and {@link #backward}). */
    Form form();

    /** a = f(z) on rows × cols values, row-major. z: not modified; a: overwritten. */
    void forward(float[] z, float[] a, int rows, int cols);

    /** g := g ⊙ f'(z) on rows × cols values, with a = f(z) at hand. z, a: not modified; g: modified. */
    void backward(float[] z, float[] a, float[] g, int rows, int cols);
}
