package org.backprop4j.train;

import org.backprop4j.ParameterException;

/**
 * The learning rate α_t of epoch t (1-based), from the configured α_0: the seed's constant α and
 * the usual schedules. T is the number of epochs the training is planned for (with --init, the
 * saved model's epochs plus this run's); α changes between epochs, never within one.
 *
 * <p>A schedule is a typed value; {@link #start} makes the per-run object that answers α_t and,
 * for reduce-on-plateau, hears the monitored cost after each epoch.
 */
public sealed interface LearningRateSchedule permits LearningRateSchedule.Constant, LearningRateSchedule.Step,
        LearningRateSchedule.Exponential, LearningRateSchedule.InverseScaling, LearningRateSchedule.Cosine,
        LearningRateSchedule.Plateau {

    /** The name on the command line. */
    String id();

    /** A fresh run of this schedule for base rate α_0 and T planned epochs. */
    Run start(double alpha0, int T);

    /** The rates of one training run. */
    interface Run {
        /** α_t for epoch t ≥ 1. */
        double rate(int t);

        /** After each epoch: the monitored cost (validation cost, else training cost). Only plateau listens. */
        default void observe(double cost) {
        }

        /** What this run has learnt from the costs so far, for a {@link Checkpoint}: empty except for plateau. */
        default double[] state() {
            return new double[0];
        }

        /** Continues from {@link #state()} of an earlier run of the same schedule. */
        default void restore(double[] state) {
            if (state.length != 0) throw new IllegalArgumentException("this schedule keeps no state, got " + state.length + " numbers");
        }
    }

    /** The seed's constant α (E11–E12). */
    static LearningRateSchedule constant() {
        return new Constant();
    }

    /** α_t = α_0 γ^⌊(t−1)/every⌋: multiplied by γ every {@code every} epochs. */
    static LearningRateSchedule step(int every, double gamma) {
        return new Step(every, gamma);
    }

    /** α_t = α_0 γ^(t−1). */
    static LearningRateSchedule exponential(double gamma) {
        return new Exponential(gamma);
    }

    /** α_t = α_0 / t^power (scikit-learn's "invscaling", with t counting epochs). */
    static LearningRateSchedule inverseScaling(double power) {
        return new InverseScaling(power);
    }

    /** α_t = α_min + (α_0 − α_min)(1 + cos(π (t−1)/T))/2: half a cosine from α_0 down towards α_min. */
    static LearningRateSchedule cosine(double minRate) {
        return new Cosine(minRate);
    }

    /** α × factor when the monitored cost has not improved for {@code patience} epochs, never below minRate. */
    static LearningRateSchedule plateau(double factor, int patience, double minRate) {
        return new Plateau(factor, patience, minRate);
    }

    record Constant() implements LearningRateSchedule {
        @Override public String id() { return "constant"; }
        @Override public Run start(double alpha0, int T) { return t -> alpha0; }
    }

    record Step(int every, double gamma) implements LearningRateSchedule {
        public Step {
            if (every < 1) throw new ParameterException("stepEvery", "must be at least 1 epoch, got " + every);
            checkGamma(gamma);
        }
        @Override public String id() { return "step"; }
        @Override public Run start(double alpha0, int T) { return t -> alpha0 * Math.pow(gamma, (t - 1) / every); }
    }

    record Exponential(double gamma) implements LearningRateSchedule {
        public Exponential {
            checkGamma(gamma);
        }
        @Override public String id() { return "exponential"; }
        @Override public Run start(double alpha0, int T) { return t -> alpha0 * Math.pow(gamma, t - 1); }
    }

    record InverseScaling(double power) implements LearningRateSchedule {
        public InverseScaling {
            if (!(power > 0) || !Double.isFinite(power)) {
                throw new ParameterException("power", "must be a finite number > 0, got " + power);
            }
        }
        @Override public String id() { return "invscaling"; }
        @Override public Run start(double alpha0, int T) { return t -> alpha0 / Math.pow(t, power); }
    }

    record Cosine(double minRate) implements LearningRateSchedule {
        public Cosine {
            checkMinRate(minRate);
        }
        @Override public String id() { return "cosine"; }
        @Override public Run start(double alpha0, int T) {
            return t -> minRate + (alpha0 - minRate) * (1 + Math.cos(Math.PI * (t - 1) / T)) / 2;
        }
    }

    /**
     * Reduce on plateau (Keras's ReduceLROnPlateau): after {@code patience} epochs in a row without
     * an improvement of the monitored cost, α := max(α × factor, minRate), and the count restarts.
     * An improvement is a cost below the best so far by more than 1e-4 of it (PyTorch's default
     * relative threshold), so that noise in the last digits does not count. The reductions are
     * not saved in a model file: continuing with --init starts again from α_0; a
     * {@link Checkpoint} keeps them, so --resume continues them.
     */
    record Plateau(double factor, int patience, double minRate) implements LearningRateSchedule {
        public Plateau {
            if (!(factor > 0 && factor < 1)) throw new ParameterException("plateauFactor", "must be in (0, 1), got " + factor);
            if (patience < 1) throw new ParameterException("plateauPatience", "must be at least 1 epoch, got " + patience);
            checkMinRate(minRate);
        }
        @Override public String id() { return "plateau"; }
        @Override public Run start(double alpha0, int T) {
            return new Run() {
                private double alpha = alpha0;
                private double best = Double.POSITIVE_INFINITY;
                private int flat;

                @Override public double rate(int t) {
                    return alpha;
                }

                @Override public void observe(double cost) {
                    if (best == Double.POSITIVE_INFINITY || cost < best - 1e-4 * Math.abs(best)) {
                        best = cost;
                        flat = 0;
                    } else if (++flat >= patience) {
                        alpha = Math.max(alpha * factor, minRate);
                        flat = 0;
                    }
                }

                /** α, the best cost so far, epochs without improvement. */
                @Override public double[] state() {
                    return new double[] {alpha, best, flat};
                }

                @Override public void restore(double[] state) {
                    if (state.length != 3 || !(state[0] > 0) || !Double.isFinite(state[0]) || Double.isNaN(state[1])
                            || !(state[2] >= 0 && state[2] < patience && state[2] == Math.rint(state[2]))) {
                        throw new IllegalArgumentException("plateau state must be [alpha > 0, best cost, 0 <= flat epochs < "
                                + patience + "], got " + java.util.Arrays.toString(state));
                    }
                    alpha = state[0];
                    best = state[1];
                    flat = (int) state[2];
                }
            };
        }
    }

    private static void checkGamma(double gamma) {
        if (!(gamma > 0 && gamma <= 1)) throw new ParameterException("gamma", "must be in (0, 1], got " + gamma);
    }

    private static void checkMinRate(double minRate) {
        if (!(minRate >= 0) || !Double.isFinite(minRate)) {
            throw new ParameterException("minRate", "must be a finite number >= 0, got " + minRate);
        }
    }
}
