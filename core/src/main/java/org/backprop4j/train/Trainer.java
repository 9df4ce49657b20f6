package org.backprop4j.train;

import org.backprop4j.ParameterException;
import org.backprop4j.data.Shuffle;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Network;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Turns a data set and a starting network into a trained network: the one loop of seed sections
 * 6–8, epochs → batches → step, the same for K = N (batch gradient descent), 1 (stochastic) and
 * B (mini-batch).
 *
 * <p>Shuffling: at the start of each epoch the sample order is permuted by Fisher–Yates with a
 * {@link Random} seeded once per run with the config's seed; with shuffling off, file order is kept.
 *
 * <p>Divergence: training stops with a {@link TrainingDivergedException} as soon as a batch's cost
 * is NaN or infinite (checked each step: the engine computes that cost anyway), or when an epoch's
 * cost explodes to more than {@value #EXPLOSION} times the first epoch's. The exception carries
 * the last good network: the one at the end of the last epoch that the next epoch, whose costs are
 * computed with it, confirmed (finite and not exploded) — so not the end of the epoch just before
 * the failure, whose weights made the failing costs.
 *
 * <p>Each step hands the batch's ΔW, Δb to the configured {@link UpdateRule} (the seed's E11–E12 by
 * default) with the epoch's α_t from the {@link LearningRateSchedule}. After each epoch a cost is
 * monitored for reduce-on-plateau and early stopping: the validation data's cost (E4's first term,
 * forward pass without dropout; weighted as E3's sum when its samples carry weights) when there is
 * validation data, else the training cost J of E4.
 * With early stopping the network handed back is the one at the end of the best epoch.
 *
 * <p>Continuing ({@link #fit(Network, TrainingRecord, Dataset, Dataset)} with a saved record): epochs
 * are numbered on from the record's, the optimizer's state is taken over when it belongs to the
 * same rule, and the shuffling and dropout draw what an uninterrupted run would have drawn (the
 * shuffles of the earlier epochs are replayed; dropout is reseeded from seed and epoch). So with
 * the same configuration, 2 epochs and then 2 more from the saved model give the model of 4
 * epochs bit for bit — except that reduce-on-plateau starts again from α_0.
 */
public final class Trainer {
    /** An epoch cost this many times the first epoch's (and above 1) counts as exploded. */
    public static final double EXPLOSION = 1e3;

    private final TrainingConfig config;
    private final TrainingListener listener;

    public Trainer(TrainingConfig config) {
        this(config, TrainingListener.NONE);
    }

    public Trainer(TrainingConfig config, TrainingListener listener) {
        this.config = config;
        this.listener = listener;
    }

    /**
     * Trains a copy of {@code initial} on {@code data} and returns it; {@code initial} is not changed.
     * The same as {@code fit(initial, data).network()}.
     *
     * @throws IllegalArgumentException    if the data does not fit the network
     * @throws TrainingDivergedException   if the cost becomes NaN or infinite, or explodes
     */
    public Network train(Network initial, Dataset data) {
        return fit(initial, TrainingRecord.NONE, data, null).network();
    }

    /** Trains a copy of {@code initial} on {@code data}, holding out the configured validation split if any. */
    public TrainingResult fit(Network initial, Dataset data) {
        return fit(initial, TrainingRecord.NONE, data, null);
    }

    /**
     * Trains a copy of {@code initial} on {@code data}; {@code initial} is not changed.
     *
     * @param previous   the record of the run that produced {@code initial} (from its model file), to
     *                   continue it; {@link TrainingRecord#NONE} for a fresh start
     * @param validation data to monitor instead of the training cost, or null: then the configured
     *                   validation split of {@code data} is held out, if any
     * @return the trained network (with early stopping: the best epoch's; after a listener's stop
     *         request: as it was then, or with early stopping the best epoch's so far), the epochs'
     *         statistics, and the record to save with it
     * @throws IllegalArgumentException    if the data does not fit the network, or both validation
     *                                     data and a validation split are given
     * @throws TrainingDivergedException   if the cost becomes NaN or infinite, or explodes
     */
    public TrainingResult fit(Network initial, TrainingRecord previous, Dataset data, Dataset validation) {
        return fit(initial, previous, data, validation, null, Checkpoints.NONE);
    }

    /**
     * {@link #fit(Network, TrainingRecord, Dataset, Dataset)}, saving {@link Checkpoint}s when
     * {@code checkpoints} says they are due, and, with {@code resume}, continuing the interrupted run
     * that saved it instead of starting at {@code initial}: the run's own configuration and data must
     * be given again (checked: seed, planned epochs, samples and a hash of the data). The result is
     * bit for bit that of the uninterrupted run; only the statistics of the epochs before the
     * checkpoint are not in its history, and on divergence the last good network reported is at best
     * the checkpoint's.
     *
     * @throws IllegalArgumentException if {@code resume} does not belong to this configuration and data
     */
    public TrainingResult fit(Network initial, TrainingRecord previous, Dataset data, Dataset validation, Checkpoint resume,
                              Checkpoints checkpoints) {
        if (resume != null) initial = resume.network();
        if (validation != null && config.validationSplit() > 0) {
            throw new IllegalArgumentException("give validation data or a validation split, not both");
        }
        if (validation == null && config.validationSplit() > 0) {
            Split split = splitValidation(data, config.validationSplit(), config.seed());
            data = split.training();
            validation = split.validation();
        }
        if (validation != null && (validation.x().cols != initial.inputs() || validation.y().cols != initial.outputs())) {
            throw new IllegalArgumentException("the validation data " + validation.source() + " has " + validation.x().cols
                    + " inputs and " + validation.y().cols + " targets, the network " + initial.inputs() + " and " + initial.outputs());
        }
        if (data.x().cols != initial.inputs()) {
            throw new IllegalArgumentException("the network takes " + initial.inputs() + " inputs but " + data.source()
                    + " has " + data.x().cols);
        }
        if (data.y().cols != initial.outputs()) {
            throw new IllegalArgumentException("the network has " + initial.outputs() + " outputs but " + data.source()
                    + " has " + data.y().cols + " targets" + (data.isClassification() ? " (classes)" : ""));
        }
        int n = data.size();
        int maxK = config.batchSize().k(n);
        Kernels kernels = Kernels.fast(config.threads());
        Random dropoutRandom = new Random();  // reseeded each epoch, so a continued run draws the same masks
        Backprop engine = new Backprop(initial.copy(), config.loss(), maxK, kernels,
                config.dropoutRates(initial.layers().size() - 1), dropoutRandom);
        Optimizer optimizer = new Optimizer(config.updateRule(), initial, config.l2(), config.l1(), config.clipNorm(), kernels);
        if (previous.optimizer() != null && resume == null) optimizer.restore(previous.optimizer(), initial); // another rule's state: start afresh
        int first = resume != null ? resume.firstEpoch() : previous.bestEpoch() + 1, last = first - 1 + config.epochs();
        LearningRateSchedule.Run rates = config.schedule().start(config.learningRate(), last);
        long dropoutPerSample = dropoutUnits(initial);    // numbers dropout draws per sample of a batch
        long dataHash = resume != null || checkpoints != Checkpoints.NONE ? Checkpoint.hash(data) : 0;
        if (resume != null) checkResume(resume, last, n, dataHash, dropoutPerSample, optimizer, rates);
        Network net = engine.network();
        // The weights at the end of an epoch are only known to be good once the next epoch, whose costs
        // are computed with them, passes its checks: until then they are `pending`. Two buffers, swapped.
        Network confirmed = initial.copy(), pending = initial.copy();
        int done = resume != null ? resume.epoch() : first - 1;  // epochs completed
        int confirmedEpoch = done, pendingEpoch = done;
        double firstEpochCost = resume != null ? resume.firstEpochCost() : Double.NaN;
        boolean classes = data.isClassification();
        Random random = new Random(config.seed());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        int resumeAt = resume != null ? resume.nextSample() : 0;  // > 0: the first epoch below is one already begun
        if (config.shuffle()) {
            for (int e = 1; e <= done + (resumeAt > 0 ? 1 : 0); e++) Shuffle.shuffle(order, random);  // replay the recorded run's shuffles
        }
        int[] validationOrder = validation == null ? null : Shuffle.identity(validation.size());
        BestEpoch best = new BestEpoch(config.earlyStopping(), previous.bestEpoch(), resume != null ? resume.best() : null);
        int stoppedEpoch = resume != null ? done : previous.bestEpoch();
        boolean finished = resumeAt == 0 && best.ranOut(done);
        List<EpochStats> history = new ArrayList<>();
        listener.onStart(net);

        epochs:
        for (int epoch = done + 1; epoch <= last && !finished; epoch++) {
            long start = System.nanoTime();
            boolean begun = epoch == done + 1 && resumeAt > 0;
            double alpha = rates.rate(epoch);
            dropoutRandom.setSeed(config.seed() * 0x9E3779B97F4A7C15L + epoch);
            if (begun) {
                for (long d = (long) resumeAt * dropoutPerSample; d > 0; d--) dropoutRandom.nextFloat(); // the draws already made
            } else if (config.shuffle()) {
                Shuffle.shuffle(order, random);
            }
            double costSum = begun ? resume.costSum() : 0;
            int steps = begun ? resume.steps() : 0, correct = begun ? resume.correct() : 0;
            for (int from = begun ? resumeAt : 0; from < n; from += maxK) {
                int K = Math.min(maxK, n - from);   // a ragged last batch uses its own K
                double batchCost = engine.gradients(data.x(), data.y(), data.weights(), order, from, K); // weights null: the seed's sum
                if (!Double.isFinite(batchCost)) {  // before the update: the weights that made it are already broken
                    throw diverged("in epoch " + epoch + ", step " + (steps + 1) + ": the cost of a batch became "
                            + batchCost, confirmedEpoch >= first ? confirmed : null, confirmedEpoch);
                }
                if (classes) correct += engine.correct(K);
                optimizer.step(net, engine, K, alpha);
                costSum += batchCost;
                steps++;
                listener.onStep(epoch, from + K, n, costSum / (from + K));
                if (from + K < n) {   // after an epoch's last step, its bookkeeping comes first
                    // read before the checkpoint decision: a stop that comes after it is seen at the next step,
                    // never between a "not due" and the break (which would end the run without its last checkpoint)
                    boolean stop = listener.stopRequested();
                    if (checkpoints.due(epoch, false)) {
                        checkpoints.save(new Checkpoint(net.copy(), optimizer.snapshot(), config.seed(), first, last, epoch - 1, from + K,
                                config.shuffle() ? epoch : 0, (from + K) * dropoutPerSample, n, dataHash, costSum, correct, steps,
                                firstEpochCost, rates.state(), best.checkpoint()));
                    }
                    if (stop) break epochs;
                }
            }
            double dataCost = costSum / n;
            // E4, second term. With lambda = 0 it is 0·ΣW², which is NaN as soon as a weight is NaN or
            // infinite: so this also catches weights that the epoch's last step broke.
            double l2Cost = config.l2() / 2 * net.sumOfSquaredWeights();
            double l1Cost = config.l1() == 0 ? 0 : config.l1() * sumOfAbsoluteWeights(net);
            double cost = dataCost + l2Cost + l1Cost;
            if (!Double.isFinite(cost)) {
                throw diverged("in epoch " + epoch + ": the cost became " + cost, confirmedEpoch >= first ? confirmed : null, confirmedEpoch);
            }
            if (epoch == first) {
                firstEpochCost = cost;
            } else if (cost > EXPLOSION * firstEpochCost && cost > 1) {
                throw diverged(String.format("in epoch %d: the cost exploded to %.4g, over %.0f times the first epoch's %.4g",
                        epoch, cost, EXPLOSION, firstEpochCost), confirmedEpoch >= first ? confirmed : null, confirmedEpoch);
            }
            Network swap = confirmed;
            confirmed = pending;
            confirmedEpoch = pendingEpoch;
            pending = swap;
            net.copyInto(pending);
            pendingEpoch = epoch;
            double validationCost = validation == null ? Double.NaN : validationCost(engine, validation, validationOrder);
            EpochStats stats = new EpochStats(epoch, last, dataCost, l2Cost, steps, (System.nanoTime() - start) / 1e9,
                    classes ? (double) correct / n : Double.NaN, alpha, validationCost, l1Cost);
            history.add(stats);
            listener.onEpoch(stats);
            stoppedEpoch = epoch;
            double monitored = validation != null ? validationCost : cost;
            rates.observe(monitored);
            boolean patienceOut = best.endOfEpoch(epoch, monitored, net, optimizer::snapshot);
            boolean stop = listener.stopRequested();   // before the checkpoint decision, as after a step
            if (checkpoints.due(epoch, true)) {
                checkpoints.save(new Checkpoint(net.copy(), optimizer.snapshot(), config.seed(), first, last, epoch, 0,
                        config.shuffle() ? epoch : 0, 0, n, dataHash, 0, 0, 0, firstEpochCost, rates.state(),
                        best.checkpoint()));
            }
            if (patienceOut || stop) break;
        }
        return best.result(net, history, stoppedEpoch, optimizer::snapshot);
    }

    /** Numbers dropout draws per sample of a batch: the widths of the hidden layers it thins. */
    private long dropoutUnits(Network net) {
        double[] rates = config.dropoutRates(net.layers().size() - 1);
        long units = 0;
        for (int h = 0; h < rates.length; h++) {
            if (rates[h] > 0) units += net.layer(h).outputs();
        }
        return units;
    }

    /** Refuses a checkpoint of another run; restores the optimizer's and the schedule's state from it. */
    private void checkResume(Checkpoint c, int last, int n, long dataHash, long dropoutPerSample, Optimizer optimizer,
                             LearningRateSchedule.Run rates) {
        String refused = "cannot resume from this checkpoint: ";
        if (c.seed() != config.seed()) throw new IllegalArgumentException(refused + "it is of a run with seed " + c.seed() + ", not " + config.seed());
        if (c.lastEpoch() != last) {
            throw new IllegalArgumentException(refused + "its run ends after epoch " + c.lastEpoch() + ", this one after " + last);
        }
        if (c.samples() != n || c.dataHash() != dataHash) {
            throw new IllegalArgumentException(refused + "it was trained on other data (" + c.samples() + " samples, hash "
                    + String.format("%016x", c.dataHash()) + "; now " + n + " samples, hash " + String.format("%016x", dataHash) + ")");
        }
        long shuffles = config.shuffle() ? c.epoch() + (c.nextSample() > 0 ? 1 : 0) : 0;
        if (c.shuffles() != shuffles || c.dropoutDraws() != c.nextSample() * dropoutPerSample) {
            throw new IllegalArgumentException(refused + "its random positions (" + c.shuffles() + " shuffles, " + c.dropoutDraws()
                    + " dropout draws) are not this configuration's (" + shuffles + ", " + c.nextSample() * dropoutPerSample + ")");
        }
        if (!optimizer.restore(c.optimizer(), c.network())) {
            throw new IllegalArgumentException(refused + "it holds " + c.optimizer().rule() + " state, this run uses " + config.updateRule().id());
        }
        if ((c.best() != null) != (config.earlyStopping().isOn() && c.epoch() >= c.firstEpoch())) {
            throw new IllegalArgumentException(refused + "early stopping is " + (config.earlyStopping().isOn() ? "on" : "off")
                    + " here but " + (c.best() != null ? "on" : "off") + " in its run");
        }
        rates.restore(c.schedule());
    }

    /**
     * The mean cost per sample (E4's first term) of {@code validation}, in chunks of the engine's K, without
     * dropout: (1/N) Σ w_i J_i when its samples carry weights (the objective the training rows are weighed
     * by, as E3's sum is for a batch), else (1/N) Σ J_i.
     */
    private static double validationCost(Backprop engine, Dataset validation, int[] order) {
        int n = validation.size(), maxK = engine.maxK();
        double sum = 0;
        for (int from = 0; from < n; from += maxK) {
            sum += engine.cost(validation.x(), validation.y(), validation.weights(), order, from, Math.min(maxK, n - from));
        }
        return sum / n;
    }

    /** Training and validation rows of a data set. */
    public record Split(Dataset training, Dataset validation) { }

    /**
     * Holds out round(fraction·N) samples of {@code data} for validation: which ones is decided by a
     * Fisher–Yates shuffle with its own {@code Random(seed)} (so it is the same for the same seed,
     * and does not change the training run's shuffling); both parts keep the file order. Not
     * stratified by class.
     *
     * @throws IllegalArgumentException if either part would be empty
     */
    public static Split splitValidation(Dataset data, double fraction, long seed) {
        boolean[] held = heldOut(data.size(), fraction, seed);
        int n = data.size(), v = 0;
        for (boolean h : held) if (h) v++;
        int[] training = new int[n - v], validation = new int[v];
        for (int i = 0, t = 0, u = 0; i < n; i++) {
            if (held[i]) validation[u++] = i;
            else training[t++] = i;
        }
        return new Split(data.subset(training), data.subset(validation));
    }

    /**
     * Which of N samples (numbered in file order) {@link #splitValidation} holds out for validation:
     * {@code held[i]} for sample i. Only N, the fraction and the seed decide it, so data read in
     * pieces (on Spark) holds out the very rows a single machine holds out.
     *
     * @throws ParameterException if the fraction is not in (0, 1) or either part would be empty
     */
    public static boolean[] heldOut(int n, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new ParameterException("validationSplit", "must be in (0, 1), got " + fraction);
        }
        int held = (int) Math.round(fraction * n);
        if (held < 1 || held >= n) {
            throw new ParameterException("validationSplit", fraction + " of " + n + " samples leaves "
                    + held + " for validation and " + (n - held) + " for training; each needs at least one");
        }
        int[] order = Shuffle.identity(n);
        Shuffle.shuffle(order, new Random(seed));
        boolean[] out = new boolean[n];
        for (int i = n - held; i < n; i++) out[order[i]] = true;
        return out;
    }

    /** Σ_l Σ_i Σ_j |W_ij^(l)|, the sum in the L1 term (biases excluded), in double. */
    private static double sumOfAbsoluteWeights(Network net) {
        double s = 0;
        for (int l = 0; l < net.layers().size(); l++) {
            for (float w : net.layer(l).weights().data) s += Math.abs(w);
        }
        return s;
    }

    /** lastGood: null when no epoch's weights were confirmed (it would be the starting network). */
    private TrainingDivergedException diverged(String what, Network lastGood, int lastGoodEpoch) {
        return new TrainingDivergedException("training diverged " + what + "; try a smaller learning rate (now "
                + config.learningRate() + ")", lastGood, lastGoodEpoch);
    }


}
