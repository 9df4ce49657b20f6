package org.backprop4j.nn;

import org.backprop4j.math.Pointwise;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An activation function f together with its derivative f' (SPEC, "Derivatives of the usual
 * activations"), so that E2 (forward) and E6/E7 (backward) stay next to each other.
 *
 * <p>Each constant offers two forms: a double form on one sample (used by the literal reference
 * implementation) and a float32 bulk form on a batch of rows (used by the fast engine). The float
 * form evaluates transcendental functions in double and rounds once, so it is as close to the exact
 * value as float32 allows. Softmax is the one activation that mixes the units of a row: its f' is
 * a Jacobian, applied here as a Jacobian-vector product.
 */
public enum Activation implements Pointwise {
    SIGMOID("sigmoid") {
        @Override public double f(double z) { return 1.0 / (1.0 + Math.exp(-z)); }
        @Override public double df(double z, double a) { return a * (1.0 - a); } // f' = f(1-f)

        @Override public void forward(float[] z, float[] a, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) a[i] = (float) (1.0 / (1.0 + Math.exp(-z[i])));
        }
        @Override public void backward(float[] z, float[] a, float[] g, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) g[i] *= a[i] * (1f - a[i]);
        }
    },
    TANH("tanh") {
        @Override public double f(double z) { return Math.tanh(z); }
        @Override public double df(double z, double a) { return 1.0 - a * a; } // f' = 1 - f^2

        @Override public void forward(float[] z, float[] a, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) a[i] = (float) Math.tanh(z[i]);
        }
        @Override public void backward(float[] z, float[] a, float[] g, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) g[i] *= 1f - a[i] * a[i];
        }
    },
    RELU("relu") {
        @Override public double f(double z) { return z > 0 ? z : 0.0; }
        @Override public double df(double z, double a) { return z > 0 ? 1.0 : 0.0; } // f'(0) taken as 0

        @Override public void forward(float[] z, float[] a, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) a[i] = z[i] > 0f ? z[i] : 0f;
        }
        @Override public void backward(float[] z, float[] a, float[] g, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) g[i] = z[i] > 0f ? g[i] : 0f;
        }
    },
    IDENTITY("identity") {
        @Override public double f(double z) { return z; }
        @Override public double df(double z, double a) { return 1.0; }

        @Override public void forward(float[] z, float[] a, int rows, int cols) {
            System.arraycopy(z, 0, a, 0, rows * cols);
        }
        @Override public void backward(float[] z, float[] a, float[] g, int rows, int cols) {
            // f' = 1: g is already the delta
        }
    },
    /** Leaky ReLU with slope 0.01 for z ≤ 0 (Maas et al. 2013; PyTorch's default slope). */
    LEAKY_RELU("leaky-relu") {
        @Override public double f(double z) { return z > 0 ? z : LEAK * z; }
        @Override public double df(double z, double a) { return z > 0 ? 1.0 : LEAK; } // f'(0) taken as the slope

        @Override public void forward(float[] z, float[] a, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) a[i] = z[i] > 0f ? z[i] : (float) (LEAK * z[i]);
        }
        @Override public void backward(float[] z, float[] a, float[] g, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) g[i] = z[i] > 0f ? g[i] : (float) (LEAK * g[i]);
        }
    },
    /** ELU with alpha = 1 (Clevert et al. 2015): f(z) = z for z &gt; 0, else e^z − 1; f'(z) = e^z = f(z) + 1 there. */
    ELU("elu") {
        @Override public double f(double z) { return z > 0 ? z : Math.expm1(z); } // expm1: exact near 0
        @Override public double df(double z, double a) { return z > 0 ? 1.0 : Math.exp(z); }

        @Override public void forward(float[] z, float[] a, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) a[i] = z[i] > 0f ? z[i] : (float) Math.expm1(z[i]);
        }
        @Override public void backward(float[] z, float[] a, float[] g, int rows, int cols) {
            // e^z from z, not a + 1: a was rounded to float32 and a + 1 loses its low bits near a = -1
            for (int i = 0, n = rows * cols; i < n; i++) g[i] = z[i] > 0f ? g[i] : (float) (g[i] * Math.exp(z[i]));
        }
    },
    /** Softplus f(z) = ln(1 + e^z), a smooth ReLU; f'(z) = 1/(1 + e^−z), the sigmoid. */
    SOFTPLUS("softplus") {
        @Override public double f(double z) { return softplus(z); }
        @Override public double df(double z, double a) { return 1.0 / (1.0 + Math.exp(-z)); }

        @Override public void forward(float[] z, float[] a, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) a[i] = (float) softplus(z[i]);
        }
        @Override public void backward(float[] z, float[] a, float[] g, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) g[i] = (float) (g[i] / (1.0 + Math.exp(-z[i])));
        }
    },
    /**
     * GELU in its tanh form (Hendrycks &amp; Gimpel 2016, eq. for the fast approximation; GPT-2's and
     * PyTorch's {@code approximate='tanh'}): f(z) = ½ z (1 + tanh u), u = √(2/π)(z + 0.044715 z³).
     * We take the tanh form rather than the erf form z·Φ(z) because Java has no erf, and f' below
     * is the exact derivative of this form (the gradient check holds it to finite differences):
     * f'(z) = ½ (1 + tanh u) + ½ z (1 − tanh² u) √(2/π)(1 + 3·0.044715 z²). The two forms differ by
     * less than 1e-3 everywhere.
     */
    GELU("gelu") {
        @Override public double f(double z) { return 0.5 * z * (1 + Math.tanh(geluU(z))); }
        @Override public double df(double z, double a) { return geluDerivative(z); }

        @Override public void forward(float[] z, float[] a, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) a[i] = (float) (0.5 * z[i] * (1 + Math.tanh(geluU(z[i]))));
        }
        @Override public void backward(float[] z, float[] a, float[] g, int rows, int cols) {
            for (int i = 0, n = rows * cols; i < n; i++) g[i] = (float) (g[i] * geluDerivative(z[i]));
        }
    },
    SOFTMAX("softmax") {
        @Override public double f(double z) {
            throw new UnsupportedOperationException("softmax is defined on a whole layer, not one unit");
        }
        @Override public double df(double z, double a) {
            throw new UnsupportedOperationException("softmax has a Jacobian, not an elementwise derivative");
        }

        @Override public void apply(double[] z, double[] a) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) max = Math.max(max, v);
            double sum = 0;
            for (int i = 0; i < z.length; i++) sum += a[i] = Math.exp(z[i] - max); // shift by max: no overflow
            for (int i = 0; i < z.length; i++) a[i] /= sum;
        }
        @Override public double[] backward(double[] z, double[] a, double[] g) {
            // Jacobian-vector product: delta_i = sum_j (da_j/dz_i) g_j = a_i (g_i - sum_j a_j g_j)
            double dot = 0;
            for (int j = 0; j < a.length; j++) dot += a[j] * g[j];
            double[] delta = new double[a.length];
            for (int i = 0; i < a.length; i++) delta[i] = a[i] * (g[i] - dot);
            return delta;
        }

        @Override public void forward(float[] z, float[] a, int rows, int cols) {
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) max = Math.max(max, z[o + j]);
                double sum = 0;
                for (int j = 0; j < cols; j++) sum += Math.exp(z[o + j] - max);
                for (int j = 0; j < cols; j++) a[o + j] = (float) (Math.exp(z[o + j] - max) / sum);
            }
        }
        @Override public void backward(float[] z, float[] a, float[] g, int rows, int cols) {
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                double dot = 0;
                for (int j = 0; j < cols; j++) dot += (double) a[o + j] * g[o + j];
                for (int j = 0; j < cols; j++) g[o + j] = (float) (a[o + j] * (g[o + j] - dot));
            }
        }
    };

    /** The slope of {@link #LEAKY_RELU} for z ≤ 0. */
    public static final double LEAK = 0.01;
    private static final double GELU_C = Math.sqrt(2 / Math.PI);
    private static final double GELU_K = 0.044715;

    /** ln(1 + e^z) written as max(z, 0) + ln(1 + e^−|z|): no overflow for large z, no log(1) rounding for small. */
    private static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    private static double geluU(double z) {
        return GELU_C * (z + GELU_K * z * z * z);
    }

    /** d/dz of ½ z (1 + tanh u(z)), with u' = √(2/π)(1 + 3k z²). */
    private static double geluDerivative(double z) {
        double t = Math.tanh(geluU(z));
        return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * z * z);
    }

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    /** The name used in the model file and on the command line. */
    public String id() {
        return id;
    }

    /** f(z) for one unit (E2). */
    public abstract double f(double z);

    /** f'(z), given z and a = f(z) (whichever is cheaper to use). */
    public abstract double df(double z, double a);

    /** a = f(z) for one sample's layer (E2), double. z: not modified; a: overwritten. */
    public void apply(double[] z, double[] a) {
        for (int i = 0; i < z.length; i++) a[i] = f(z[i]);
    }

    /** Returns g ⊙ f'(z) for one sample (the product in E6 and E7), double. Inputs not modified. */
    public double[] backward(double[] z, double[] a, double[] g) {
        double[] delta = new double[g.length];
        for (int i = 0; i < g.length; i++) delta[i] = g[i] * df(z[i], a[i]);
        return delta;
    }

    /** The closed form the fast kernels know this as ({@link Pointwise.Form#OTHER}: they run {@link #forward} and {@link #backward}). */
    @Override
    public Pointwise.Form form() {
        return switch (this) {
            case SIGMOID -> Pointwise.Form.SIGMOID;
            case TANH -> Pointwise.Form.TANH;
            case RELU -> Pointwise.Form.RELU;
            case IDENTITY -> Pointwise.Form.IDENTITY;
            default -> Pointwise.Form.OTHER;
        };
    }

    /** A = f(Z) over rows×cols elements (E2), float32. z: not modified; a: overwritten (may not alias z). */
    @Override
    public abstract void forward(float[] z, float[] a, int rows, int cols);

    /** G := G ⊙ f'(Z) over rows×cols elements (E6, E7), float32. z, a: not modified; g: modified in place. */
    @Override
    public abstract void backward(float[] z, float[] a, float[] g, int rows, int cols);

    /** Looks an activation up by its name; the message lists the known names. */
    public static Activation of(String name) {
        for (Activation f : values()) {
            if (f.id.equalsIgnoreCase(name)) return f;
        }
        throw new IllegalArgumentException("unknown activation '" + name + "' (known: " + names() + ")");
    }

    public static String names() {
        return Arrays.stream(values()).map(Activation::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
