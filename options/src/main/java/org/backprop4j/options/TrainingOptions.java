package org.backprop4j.options;

import org.backprop4j.train.LearningRateSchedule;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.UpdateRule;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.ArrayList;
import java.util.List;

/**
 * The training group: regularisation, seed, shuffling, input scaling and threads, and the options
 * beyond the seed's: update rule, learning-rate schedule, L1, clipping and dropout. Each maps onto one typed value of {@link TrainingConfig}; an option that does not
 * apply to the chosen rule or schedule is refused rather than ignored, so a typo in a command cannot
 * pass silently. Unset options are null; their defaults are stated in the help and applied here.
 */
public final class TrainingOptions {
    /** The input scalings --scale knows. */
    public static final List<String> SCALINGS = List.of("none", "minmax", "standard");

    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0", order = 23,
            description = "lambda: L2 weight in E4 and E11, on weights only. Default: ${DEFAULT-VALUE}.")
    public double l2;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", order = 24,
            description = "Seeds the initial weights and the shuffling; the same seed gives the same model. Default: ${DEFAULT-VALUE}.")
    public long seed;

    @Option(names = "--no-shuffle", order = 25, description = "Keep the samples in file order instead of shuffling each epoch.")
    public boolean noShuffle;

    @Option(names = "--scale", paramLabel = "none|minmax|standard", defaultValue = "none", order = 26,
            description = "Input scaling fitted on the training data, stored in the model, applied by evaluate and predict. Default: ${DEFAULT-VALUE}.")
    public String scale;

    @Option(names = "--threads", paramLabel = "N", order = 27,
            description = "Threads for the matrix kernels. Default: the number of cores (with --spark: 1 for the driver's update "
                    + "step; tasks use one each). The model does not depend on it.")
    public Integer threads;

    @Option(names = "--optimizer", paramLabel = "NAME", order = 50,
            description = "Update rule: sgd (the seed's plain gradient descent, E11-E12), momentum, nesterov, adagrad, rmsprop, "
                    + "adam, adamw. Default: sgd.")
    public String optimizer;

    @Option(names = "--momentum", paramLabel = "MU", order = 51, description = "Momentum coefficient of momentum and nesterov, in [0, 1). Default: 0.9.")
    public Double momentum;

    @Option(names = "--rho", paramLabel = "RHO", order = 52, description = "Decay of rmsprop's mean square, in [0, 1). Default: 0.9.")
    public Double rho;

    @Option(names = "--beta1", paramLabel = "B1", order = 53, description = "Adam's decay of the mean gradient, in [0, 1). Default: 0.9.")
    public Double beta1;

    @Option(names = "--beta2", paramLabel = "B2", order = 54, description = "Adam's decay of the mean square, in [0, 1). Default: 0.999.")
    public Double beta2;

    @Option(names = "--epsilon", paramLabel = "EPS", order = 55,
            description = "Added to the root in adagrad, rmsprop, adam and adamw. Default: 1e-8.")
    public Double epsilon;

    @Option(names = "--weight-decay", paramLabel = "D", order = 56,
            description = "AdamW's decoupled weight decay: W -= alpha*D*W each step, weights only. Default: 0.01.")
    public Double weightDecay;

    @Option(names = "--l1", paramLabel = "L1", order = 57,
            description = "L1 weight: adds L1*sum|W| to the cost and L1*sign(W) to the gradient, weights only. Default: 0.")
    public Double l1;

    @Option(names = "--clip-norm", paramLabel = "C", order = 58,
            description = "Scale each step's whole gradient (L1/L2 terms included) down to norm C when it is longer. Default: no clipping.")
    public Double clipNorm;

    @Option(names = "--schedule", paramLabel = "NAME", order = 60,
            description = "Learning rate per epoch t: constant (the seed's), step, exponential, invscaling (alpha/t^power), cosine "
                    + "(down to --min-learning-rate over the epochs), plateau (reduce when the monitored cost stalls). Default: constant.")
    public String schedule;

    @Option(names = "--step-every", paramLabel = "N", order = 61, description = "step: multiply alpha by --gamma every N epochs. Default: 10.")
    public Integer stepEvery;

    @Option(names = "--gamma", paramLabel = "G", order = 62,
            description = "step and exponential: the factor, in (0, 1]. Default: 0.5 for step, 0.95 for exponential.")
    public Double gamma;

    @Option(names = "--power", paramLabel = "P", order = 63, description = "invscaling: alpha_t = alpha / t^P. Default: 0.5.")
    public Double power;

    @Option(names = "--min-learning-rate", paramLabel = "ALPHA", order = 64, description = "cosine and plateau: the floor. Default: 0.")
    public Double minLearningRate;

    @Option(names = "--plateau-patience", paramLabel = "N", order = 65,
            description = "plateau: epochs without improvement before alpha is reduced. Default: 5.")
    public Integer plateauPatience;

    @Option(names = "--plateau-factor", paramLabel = "F", order = 66, description = "plateau: alpha := alpha*F, F in (0, 1). Default: 0.5.")
    public Double plateauFactor;

    @Option(names = "--dropout", paramLabel = "RATE[,RATE...]", order = 71,
            description = "Inverted dropout on the hidden layers' outputs while training (off when predicting): one rate for all "
                    + "hidden layers or one per hidden layer, each in [0, 1). Default: none.")
    public String dropout;

    /** The update rule of --optimizer with its parameters; refuses parameters of other rules. */
    public UpdateRule updateRule() {
        String name = optimizer == null ? "sgd" : optimizer.toLowerCase(Locale.ROOT);
        List<String> allowed = switch (name) {
            case "sgd" -> List.of();
            case "momentum", "nesterov" -> List.of("--momentum");
            case "adagrad" -> List.of("--epsilon");
            case "rmsprop" -> List.of("--rho", "--epsilon");
            case "adam" -> List.of("--beta1", "--beta2", "--epsilon");
            case "adamw" -> List.of("--beta1", "--beta2", "--epsilon", "--weight-decay");
            default -> throw new UserException("--optimizer: unknown update rule '" + optimizer
                    + "' (known: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw)");
        };
        refuseOthers("--optimizer " + name, allowed, new Object[] {momentum, rho, beta1, beta2, epsilon, weightDecay},
                "--momentum", "--rho", "--beta1", "--beta2", "--epsilon", "--weight-decay");
        double eps = or(epsilon, 1e-8);
        return Checks.parse(null, () -> switch (name) {
            case "momentum" -> UpdateRule.momentum(or(momentum, 0.9));
            case "nesterov" -> UpdateRule.nesterov(or(momentum, 0.9));
            case "adagrad" -> UpdateRule.adagrad(eps);
            case "rmsprop" -> UpdateRule.rmsprop(or(rho, 0.9), eps);
            case "adam" -> UpdateRule.adam(or(beta1, 0.9), or(beta2, 0.999), eps);
            case "adamw" -> UpdateRule.adamw(or(beta1, 0.9), or(beta2, 0.999), eps, or(weightDecay, 0.01));
            default -> UpdateRule.sgd();
        });
    }

    /** The schedule of --schedule with its parameters; refuses parameters of other schedules. */
    public LearningRateSchedule schedule() {
        String name = schedule == null ? "constant" : schedule.toLowerCase(Locale.ROOT);
        List<String> allowed = switch (name) {
            case "constant" -> List.of();
            case "step" -> List.of("--step-every", "--gamma");
            case "exponential" -> List.of("--gamma");
            case "invscaling" -> List.of("--power");
            case "cosine" -> List.of("--min-learning-rate");
            case "plateau" -> List.of("--plateau-factor", "--plateau-patience", "--min-learning-rate");
            default -> throw new UserException("--schedule: unknown schedule '" + schedule
                    + "' (known: constant, step, exponential, invscaling, cosine, plateau)");
        };
        refuseOthers("--schedule " + name, allowed, new Object[] {stepEvery, gamma, power, minLearningRate, plateauFactor, plateauPatience},
                "--step-every", "--gamma", "--power", "--min-learning-rate", "--plateau-factor", "--plateau-patience");
        return Checks.parse(null, () -> switch (name) {
            case "step" -> LearningRateSchedule.step(stepEvery == null ? 10 : stepEvery, or(gamma, 0.5));
            case "exponential" -> LearningRateSchedule.exponential(or(gamma, 0.95));
            case "invscaling" -> LearningRateSchedule.inverseScaling(or(power, 0.5));
            case "cosine" -> LearningRateSchedule.cosine(or(minLearningRate, 0));
            case "plateau" -> LearningRateSchedule.plateau(or(plateauFactor, 0.5), plateauPatience == null ? 5 : plateauPatience,
                    or(minLearningRate, 0));
            default -> LearningRateSchedule.constant();
        });
    }

    /** Sets the builder's update rule, schedule, L1, clipping and dropout. */
    public TrainingConfig.Builder applyTo(TrainingConfig.Builder b) {
        b.updateRule(updateRule()).schedule(schedule());
        if (l1 != null) b.l1(l1);
        if (clipNorm != null) Checks.parse(null, () -> b.clipNorm(clipNorm));
        if (dropout != null) b.dropout(dropoutRates(dropout));
        return b;
    }

    public static double[] dropoutRates(String text) {
        List<Double> rates = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            try {
                rates.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw new UserException("--dropout: '" + part.trim() + "' is not a rate (expected e.g. 0.2 or 0.5,0.2)");
            }
        }
        return rates.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void refuseOthers(String chosen, List<String> allowed, Object[] values, String... names) {
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null && !allowed.contains(names[i])) {
                throw new UserException(names[i] + " does not apply to " + chosen
                        + (allowed.isEmpty() ? "" : " (it takes " + String.join(", ", allowed) + ")"));
            }
        }
    }

    private static double or(Double v, double otherwise) {
        return v == null ? otherwise : v;
    }
}
