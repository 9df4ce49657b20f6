package org.backprop4j.train;

import org.backprop4j.ParameterException;
import org.backprop4j.nn.Loss;

import java.util.List;

/**
 * Everything that decides how a network is trained, validated when built.
 *
 * @param loss         the cost of one sample, E3 ({@link Loss#MSE}, the seed's) or cross-entropy
 * @param batchSize    K per step: full, 1 or B; the last batch of an epoch may be smaller and then
 *                     uses its own K in E11–E12
 * @param epochs       passes over the data
 * @param learningRate alpha in E11–E12, &gt; 0
 * @param l2           lambda in E4 and E11, ≥ 0; applies to weights only, never to biases
 * @param seed         seeds the shuffling (and, through the caller, the initial weights); the same
 *                     seed gives the same model, bit for bit
 * @param shuffle      shuffle the samples at the start of each epoch; false keeps file order
 * @param threads      threads for the matrix kernels, ≥ 1; the result does not depend on it (every
 *                     sum is taken in an order fixed by the shapes alone)
 * @param updateRule   how g becomes a step: {@link UpdateRule#sgd()} (the seed's E11–E12), momentum,
 *                     Nesterov, AdaGrad, RMSProp, Adam, AdamW
 * @param schedule     alpha per epoch; {@link LearningRateSchedule#constant()} is the seed's
 * @param l1           L1 weight, ≥ 0: adds l1·Σ|W| to E4 and l1·sign(W) to g; weights only
 * @param clipNorm     if &gt; 0, the batch's whole gradient g (weights and biases, L1 and L2 terms
 *                     included) is scaled down to this norm when longer; 0: no clipping
 * @param dropout      inverted-dropout rates of the hidden layers' outputs, each in [0, 1): empty for
 *                     none, one rate for every hidden layer, or one per hidden layer; training only
 * @param validationSplit share of the training data, in [0, 1), held out for validation (0: none):
 *                     which rows is drawn with the seed (see {@link Trainer#splitValidation})
 * @param earlyStopping stop when the monitored cost stops improving, keeping the best epoch's weights;
 *                     {@link EarlyStopping#OFF}: run all epochs
 */
public record TrainingConfig(Loss loss, BatchSize batchSize, int epochs, double learningRate, double l2,
                             long seed, boolean shuffle, int threads, UpdateRule updateRule, LearningRateSchedule schedule,
                             double l1, double clipNorm, List<Double> dropout, double validationSplit,
                             EarlyStopping earlyStopping) {

    /** The seed's settings: plain gradient descent, constant alpha, no L1, clipping, dropout, validation or early stopping. */
    public TrainingConfig(Loss loss, BatchSize batchSize, int epochs, double learningRate, double l2,
                          long seed, boolean shuffle, int threads) {
        this(loss, batchSize, epochs, learningRate, l2, seed, shuffle, threads, UpdateRule.sgd(), LearningRateSchedule.constant(),
                0, 0, List.of(), 0, EarlyStopping.OFF);
    }

    public TrainingConfig {
        if (loss == null) throw new IllegalArgumentException("loss must be given");
        if (batchSize == null) throw new IllegalArgumentException("batch size must be given");
        if (epochs < 1) throw new ParameterException("epochs", "must be at least 1, got " + epochs);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new ParameterException("learningRate", "must be a finite number > 0, got " + learningRate);
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            throw new ParameterException("l2", "must be a finite number >= 0, got " + l2);
        }
        if (threads < 1) throw new ParameterException("threads", "must be at least 1, got " + threads);
        if (updateRule == null) throw new IllegalArgumentException("update rule must be given");
        if (schedule == null) throw new IllegalArgumentException("learning-rate schedule must be given");
        if (earlyStopping == null) throw new IllegalArgumentException("early stopping must be given (EarlyStopping.OFF for none)");
        if (!(l1 >= 0) || !Double.isFinite(l1)) {
            throw new ParameterException("l1", "must be a finite number >= 0, got " + l1);
        }
        if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) {
            throw new ParameterException("clipNorm", "must be a finite number > 0, got " + clipNorm);
        }
        dropout = List.copyOf(dropout);
        for (double p : dropout) {
            if (!(p >= 0 && p < 1)) throw new ParameterException("dropout", "rates must be in [0, 1), got " + p);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new ParameterException("validationSplit", "must be in (0, 1), got " + validationSplit);
        }
        double floor = schedule instanceof LearningRateSchedule.Cosine c ? c.minRate()
                : schedule instanceof LearningRateSchedule.Plateau p ? p.minRate() : 0;
        if (floor >= learningRate) {
            throw new ParameterException("minRate", floor + " must be below the learning rate " + learningRate);
        }
    }

    /** The dropout rate of each of {@code hidden} hidden layers (zeros without dropout). */
    public double[] dropoutRates(int hidden) {
        double[] rates = new double[hidden];
        if (dropout.size() == 1) {
            java.util.Arrays.fill(rates, dropout.get(0));
        } else if (dropout.size() == hidden) {
            for (int h = 0; h < hidden; h++) rates[h] = dropout.get(h);
        } else if (!dropout.isEmpty()) {
            throw new ParameterException("dropout", "has " + dropout.size() + " rates, but the network has "
                    + hidden + " hidden layer" + (hidden == 1 ? "" : "s") + " (give one rate, or one per hidden layer)");
        }
        return rates;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: mse, batch 32, 10 epochs, learning rate 0.1, no L2, seed 1, shuffled, one thread per core;
     * and the seed's plain gradient descent with constant alpha, no L1, clipping, dropout, validation or early stopping.
     */
    public static final class Builder {
        private Loss loss = Loss.MSE;
        private BatchSize batchSize = BatchSize.of(32);
        private int epochs = 10;
        private double learningRate = 0.1;
        private double l2 = 0;
        private long seed = 1;
        private boolean shuffle = true;
        private int threads = Runtime.getRuntime().availableProcessors();
        private UpdateRule updateRule = UpdateRule.sgd();
        private LearningRateSchedule schedule = LearningRateSchedule.constant();
        private double l1 = 0;
        private double clipNorm = 0;
        private List<Double> dropout = List.of();
        private double validationSplit = 0;
        private EarlyStopping earlyStopping = EarlyStopping.OFF;

        public Builder loss(Loss v) { loss = v; return this; }
        public Builder batchSize(BatchSize v) { batchSize = v; return this; }
        public Builder batchSize(int v) { batchSize = BatchSize.of(v); return this; }
        public Builder fullBatch() { batchSize = BatchSize.FULL; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder l2(double v) { l2 = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder shuffle(boolean v) { shuffle = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder updateRule(UpdateRule v) { updateRule = v; return this; }
        public Builder schedule(LearningRateSchedule v) { schedule = v; return this; }
        public Builder l1(double v) { l1 = v; return this; }
        /** Clip the gradient to norm {@code v} &gt; 0. */
        public Builder clipNorm(double v) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new ParameterException("clipNorm", "must be a finite number > 0, got " + v);
            }
            clipNorm = v;
            return this;
        }
        /** One rate for every hidden layer, or one rate per hidden layer. */
        public Builder dropout(double... rates) {
            dropout = java.util.Arrays.stream(rates).boxed().toList();
            return this;
        }
        /** Hold out this share of the training data, in (0, 1), for validation. */
        public Builder validationSplit(double v) {
            if (!(v > 0 && v < 1)) throw new ParameterException("validationSplit", "must be in (0, 1), got " + v);
            validationSplit = v;
            return this;
        }
        public Builder earlyStopping(EarlyStopping v) { earlyStopping = v; return this; }
        /** Early stopping after {@code patience} epochs without an improvement of more than {@code minDelta}. */
        public Builder earlyStopping(int patience, double minDelta) { earlyStopping = EarlyStopping.after(patience, minDelta); return this; }

        public TrainingConfig build() {
            return new TrainingConfig(loss, batchSize, epochs, learningRate, l2, seed, shuffle, threads, updateRule, schedule,
                    l1, clipNorm, dropout, validationSplit, earlyStopping);
        }
    }
}
