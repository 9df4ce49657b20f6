package org.backprop4j.nn;

import org.backprop4j.math.Matrix;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * How initial weights and biases are drawn (all from the run's seed). s_l (fan-in) and s_{l+1}
 * (fan-out) are the layer's input and output widths.
 *
 * <p>Besides the default, the usual variance-preserving rules: Xavier/Glorot for tanh and sigmoid
 * (Glorot &amp; Bengio 2010), He for the ReLU family (He et al. 2015), LeCun (LeCun et al. 1998,
 * also SELU's). They draw only the weights and start the biases at 0, as Keras does; "normal" means
 * a plain Gaussian ({@link Random#nextGaussian}), not the truncated one some libraries use.
 */
public enum Init {
    /**
     * The default: W_ij and b_i uniform in [-1/√s_l, 1/√s_l], s_l the layer's fan-in. The seed
     * leaves initialisation open; this is the rule PyTorch's nn.Linear uses, so our default
     * networks start from the same distribution as the PyTorch figures we compare with.
     */
    DEFAULT("default") {
        @Override public void fill(Matrix w, float[] b, Random random) {
            double bound = 1.0 / Math.sqrt(w.cols);
            for (int i = 0; i < w.data.length; i++) w.data[i] = (float) ((2 * random.nextDouble() - 1) * bound);
            for (int i = 0; i < b.length; i++) b[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
    },
    /** W uniform in ±√(6/(s_l + s_{l+1})): variance 2/(s_l + s_{l+1}). */
    XAVIER_UNIFORM("xavier-uniform") {
        @Override public void fill(Matrix w, float[] b, Random random) {
            uniform(w, b, random, Math.sqrt(6.0 / (w.cols + w.rows)));
        }
    },
    /** W normal with standard deviation √(2/(s_l + s_{l+1})). */
    XAVIER_NORMAL("xavier-normal") {
        @Override public void fill(Matrix w, float[] b, Random random) {
            normal(w, b, random, Math.sqrt(2.0 / (w.cols + w.rows)));
        }
    },
    /** W uniform in ±√(6/s_l): variance 2/s_l. */
    HE_UNIFORM("he-uniform") {
        @Override public void fill(Matrix w, float[] b, Random random) {
            uniform(w, b, random, Math.sqrt(6.0 / w.cols));
        }
    },
    /** W normal with standard deviation √(2/s_l). */
    HE_NORMAL("he-normal") {
        @Override public void fill(Matrix w, float[] b, Random random) {
            normal(w, b, random, Math.sqrt(2.0 / w.cols));
        }
    },
    /** W uniform in ±√(3/s_l): variance 1/s_l. */
    LECUN_UNIFORM("lecun-uniform") {
        @Override public void fill(Matrix w, float[] b, Random random) {
            uniform(w, b, random, Math.sqrt(3.0 / w.cols));
        }
    },
    /** W normal with standard deviation √(1/s_l). */
    LECUN_NORMAL("lecun-normal") {
        @Override public void fill(Matrix w, float[] b, Random random) {
            normal(w, b, random, Math.sqrt(1.0 / w.cols));
        }
    };

    private final String id;

    Init(String id) {
        this.id = id;
    }

    /** The name used on the command line. */
    public String id() {
        return id;
    }

    /** Overwrites w and b with fresh draws from {@code random}, row by row, then the biases. */
    public abstract void fill(Matrix w, float[] b, Random random);

    private static void uniform(Matrix w, float[] b, Random random, double bound) {
        for (int i = 0; i < w.data.length; i++) w.data[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        Arrays.fill(b, 0f);
    }

    private static void normal(Matrix w, float[] b, Random random, double sigma) {
        for (int i = 0; i < w.data.length; i++) w.data[i] = (float) (random.nextGaussian() * sigma);
        Arrays.fill(b, 0f);
    }

    /** Looks an initialisation up by its name; the message lists the known names. */
    public static Init of(String name) {
        for (Init i : values()) {
            if (i.id.equalsIgnoreCase(name)) return i;
        }
        throw new IllegalArgumentException("unknown weight initialisation '" + name + "' (known: " + names() + ")");
    }

    public static String names() {
        return Arrays.stream(values()).map(Init::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
