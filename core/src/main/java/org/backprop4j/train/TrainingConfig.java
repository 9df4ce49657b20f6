package org.backprop4j.train;

import org.backprop4j.nn.Loss;

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
 */
public record TrainingConfig(Loss loss, BatchSize batchSize, int epochs, double learningRate, double l2,
                             long seed, boolean shuffle, int threads) {

    public TrainingConfig {
        if (loss == null) throw new IllegalArgumentException("loss must be given");
        if (batchSize == null) throw new IllegalArgumentException("batch size must be given");
        if (epochs < 1) throw new IllegalArgumentException("epochs (--epochs) must be at least 1, got " + epochs);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate (--learning-rate) must be a finite number > 0, got " + learningRate);
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("L2 weight lambda (--l2) must be a finite number >= 0, got " + l2);
        }
        if (threads < 1) throw new IllegalArgumentException("threads (--threads) must be at least 1, got " + threads);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: mse, batch 32, 10 epochs, learning rate 0.1, no L2, seed 1, shuffled, one thread per core. */
    public static final class Builder {
        private Loss loss = Loss.MSE;
        private BatchSize batchSize = BatchSize.of(32);
        private int epochs = 10;
        private double learningRate = 0.1;
        private double l2 = 0;
        private long seed = 1;
        private boolean shuffle = true;
        private int threads = Runtime.getRuntime().availableProcessors();

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

        public TrainingConfig build() {
            return new TrainingConfig(loss, batchSize, epochs, learningRate, l2, seed, shuffle, threads);
        }
    }
}
