package org.backprop4j.train;

import org.backprop4j.ParameterException;
import java.util.List;

/**
 * How one step turns the gradient g into a change of the parameters: the seed's plain gradient
 * descent (E11–E12) and the rules users of Keras, PyTorch and scikit-learn reach for. Each rule
 * carries its own equation and says which per-parameter state it keeps.
 *
 * <p>g is the same for every rule: the gradient of E4 for the batch, that is E11's and E12's
 * brackets, g_W = (1/K)ΔW + λW (+ l1·sign W) and g_b = (1/K)Δb, scaled down as a whole when clipping
 * by norm applies. With g the seed's step reads w := w − α g. The momentum forms are PyTorch's
 * (the velocity accumulates g, and α multiplies it at the step), so a learning-rate schedule
 * changes the step size at once rather than through the velocity.
 *
 * <p>Arithmetic is float32 elementwise, the state float32 too; step-wide scalars (Adam's bias
 * corrections) are computed in double. The loops index raw arrays here rather than in
 * {@code math}, because each loop is the rule's equation and reads best beside it.
 */
public sealed interface UpdateRule extends java.io.Serializable  // a small value of hyperparameters: distributed trainers ship it to their workers
        permits UpdateRule.Sgd, UpdateRule.Momentum, UpdateRule.Nesterov, UpdateRule.AdaGrad, UpdateRule.RmsProp, UpdateRule.Adam {

    /** The name on the command line and in the model file. */
    String id();

    /** Names of the per-parameter state arrays this rule keeps (the model file's keys), in the order update() takes them. */
    List<String> state();

    /**
     * One step on n parameters: w := w − (this rule's change for gradient g). s holds one array of
     * n numbers per {@link #state()} name, updated in place; t is the 1-based number of this step
     * in the whole run (Adam's bias correction); {@code weights} tells weights (true) from biases,
     * for AdamW's decoupled decay, which like λ applies to weights only. g: not modified; w, s: modified.
     */
    void update(int n, float[] w, float[] g, float[][] s, float alpha, long t, boolean weights);

    /** The seed's rule, E11–E12: w := w − α g. */
    static UpdateRule sgd() {
        return new Sgd();
    }

    /** Momentum with coefficient μ in [0, 1). */
    static UpdateRule momentum(double mu) {
        return new Momentum(mu);
    }

    /** Nesterov momentum with coefficient μ in [0, 1). */
    static UpdateRule nesterov(double mu) {
        return new Nesterov(mu);
    }

    /** AdaGrad with ε added to the root (PyTorch's default ε is 1e-10). */
    static UpdateRule adagrad(double epsilon) {
        return new AdaGrad(epsilon);
    }

    /** RMSProp with decay ρ (Keras: 0.9) and ε. */
    static UpdateRule rmsprop(double rho, double epsilon) {
        return new RmsProp(rho, epsilon);
    }

    /** Adam (Kingma &amp; Ba 2015); the paper's defaults are 0.9, 0.999, 1e-8. */
    static UpdateRule adam(double beta1, double beta2, double epsilon) {
        return new Adam(beta1, beta2, epsilon, 0);
    }

    /** AdamW (Loshchilov &amp; Hutter 2019): Adam plus decoupled weight decay, decay &gt; 0. */
    static UpdateRule adamw(double beta1, double beta2, double epsilon, double decay) {
        if (!(decay > 0)) throw new ParameterException("weightDecay", "of AdamW must be > 0, got " + decay);
        return new Adam(beta1, beta2, epsilon, decay);
    }

    /** The seed's plain gradient descent, E11–E12. Keeps no state. */
    record Sgd() implements UpdateRule {
        @Override public String id() { return "sgd"; }
        @Override public List<String> state() { return List.of(); }
        @Override public void update(int n, float[] w, float[] g, float[][] s, float alpha, long t, boolean weights) {
            for (int i = 0; i < n; i++) w[i] -= alpha * g[i];                               // E11, E12
        }
    }

    /** v := μ v + g;  w := w − α v. State: the velocity v. */
    record Momentum(double mu) implements UpdateRule {
        public Momentum {
            checkUnit(mu, "momentum");
        }
        @Override public String id() { return "momentum"; }
        @Override public List<String> state() { return List.of("velocity"); }
        @Override public void update(int n, float[] w, float[] g, float[][] s, float alpha, long t, boolean weights) {
            float m = (float) mu;
            float[] v = s[0];
            for (int i = 0; i < n; i++) {
                v[i] = m * v[i] + g[i];
                w[i] -= alpha * v[i];
            }
        }
    }

    /**
     * v := μ v + g;  w := w − α (g + μ v): the step looks ahead along the new velocity (Sutskever et
     * al. 2013, in PyTorch's form). State: the velocity v.
     */
    record Nesterov(double mu) implements UpdateRule {
        public Nesterov {
            checkUnit(mu, "momentum");
        }
        @Override public String id() { return "nesterov"; }
        @Override public List<String> state() { return List.of("velocity"); }
        @Override public void update(int n, float[] w, float[] g, float[][] s, float alpha, long t, boolean weights) {
            float m = (float) mu;
            float[] v = s[0];
            for (int i = 0; i < n; i++) {
                v[i] = m * v[i] + g[i];
                w[i] -= alpha * (g[i] + m * v[i]);
            }
        }
    }

    /** G := G + g²;  w := w − α g / (√G + ε) (Duchi et al. 2011). State: the sum of squares G. */
    record AdaGrad(double epsilon) implements UpdateRule {
        public AdaGrad {
            checkEpsilon(epsilon);
        }
        @Override public String id() { return "adagrad"; }
        @Override public List<String> state() { return List.of("sum_squares"); }
        @Override public void update(int n, float[] w, float[] g, float[][] s, float alpha, long t, boolean weights) {
            float[] sum = s[0];
            for (int i = 0; i < n; i++) {
                sum[i] += g[i] * g[i];
                w[i] -= (float) (alpha * g[i] / (Math.sqrt(sum[i]) + epsilon));
            }
        }
    }

    /** r := ρ r + (1 − ρ) g²;  w := w − α g / (√r + ε) (Hinton's lecture 6e). State: the mean square r. */
    record RmsProp(double rho, double epsilon) implements UpdateRule {
        public RmsProp {
            checkUnit(rho, "rho");
            checkEpsilon(epsilon);
        }
        @Override public String id() { return "rmsprop"; }
        @Override public List<String> state() { return List.of("mean_square"); }
        @Override public void update(int n, float[] w, float[] g, float[][] s, float alpha, long t, boolean weights) {
            float p = (float) rho, q = (float) (1 - rho);
            float[] r = s[0];
            for (int i = 0; i < n; i++) {
                r[i] = p * r[i] + q * g[i] * g[i];
                w[i] -= (float) (alpha * g[i] / (Math.sqrt(r[i]) + epsilon));
            }
        }
    }

    /**
     * Adam: m := β1 m + (1 − β1) g;  v := β2 v + (1 − β2) g²;  m̂ = m / (1 − β1^t);  v̂ = v / (1 − β2^t);
     * w := w − α m̂ / (√v̂ + ε). With decay &gt; 0 this is AdamW, whose decay is decoupled from g:
     * W := W − α·decay·W first (PyTorch's order), on weights only. State: m and v.
     */
    record Adam(double beta1, double beta2, double epsilon, double decay) implements UpdateRule {
        public Adam {
            checkUnit(beta1, "beta1");
            checkUnit(beta2, "beta2");
            checkEpsilon(epsilon);
            if (!(decay >= 0) || !Double.isFinite(decay)) {
                throw new ParameterException("weightDecay", "must be a finite number >= 0, got " + decay);
            }
        }
        @Override public String id() { return decay > 0 ? "adamw" : "adam"; }
        @Override public List<String> state() { return List.of("m", "v"); }
        @Override public void update(int n, float[] w, float[] g, float[][] s, float alpha, long t, boolean weights) {
            float b1 = (float) beta1, c1 = (float) (1 - beta1), b2 = (float) beta2, c2 = (float) (1 - beta2);
            double correction1 = 1 - Math.pow(beta1, t), correction2 = 1 - Math.pow(beta2, t);
            float shrink = weights ? (float) (1 - alpha * decay) : 1f;                      // AdamW; 1 for Adam
            float[] m = s[0], v = s[1];
            for (int i = 0; i < n; i++) {
                m[i] = b1 * m[i] + c1 * g[i];
                v[i] = b2 * v[i] + c2 * g[i] * g[i];
                double mHat = m[i] / correction1, vHat = v[i] / correction2;
                w[i] = (float) (shrink * w[i] - alpha * mHat / (Math.sqrt(vHat) + epsilon));
            }
        }
    }

    private static void checkUnit(double v, String parameter) {
        if (!(v >= 0 && v < 1)) throw new ParameterException(parameter, "must be in [0, 1), got " + v);
    }

    private static void checkEpsilon(double epsilon) {
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new ParameterException("epsilon", "must be a finite number > 0, got " + epsilon);
        }
    }
}
