package org.backprop4j.spark;

import org.backprop4j.ParameterException;
import org.backprop4j.data.Shuffle;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Backprop;
import org.backprop4j.train.BestEpoch;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.Checkpoints;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.LearningRateSchedule;
import org.backprop4j.train.Optimizer;
import org.backprop4j.train.OptimizerState;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingDivergedException;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingRecord;
import org.backprop4j.train.TrainingResult;
import org.backprop4j.train.UpdateRule;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Data-parallel training on Spark: the {@link org.backprop4j.train.Trainer}'s loop with the batch
 * spread over the partitions of a {@link SparkDataset}, by one of two {@link Strategy strategies}.
 * Inside each task the fast engine ({@link Backprop}) computes E1–E10; on the driver the same
 * {@link Optimizer} as on one machine applies E11–E12 (or another update rule).
 *
 * <p>Batches (synchronous): an epoch has S = ⌈N/B⌉ steps (S = 1 for {@code full}); partition p
 * splits its n_p rows (in file order, or shuffled per epoch with a generator seeded from seed,
 * epoch and p) into S nearly equal runs, and step s uses run s of every partition, so
 * K = Σ_p |run s of p| ≈ B. With {@code full} this is exactly the single-machine batch gradient
 * descent; mini-batches are the same size but not the same samples as on one machine.
 *
 * <p>Faults: Spark re-runs a failed task (spark.task.maxFailures), and recomputes the data blocks
 * of a lost executor from their lineage ({@link SparkData}); the driver only changes its weights
 * after a step's aggregation has returned, so a job that fails for good leaves it holding the last
 * good weights: the step is tried again ({@code stepRetries} times) from them, and then a
 * {@link SparkTrainingException} carries out the weights and record of the last complete epoch.
 *
 * <p>Dropout masks come from a generator seeded by seed, step and partition (other masks than on one
 * machine, the same when a task runs again). Validation data is evaluated distributed after each
 * epoch; early stopping keeps the best epoch as the single-machine trainer does. A validation split
 * is held out when the data is read ({@link SparkData}), not here. Sample weights (a block's w_i) weigh each sample's share
 * of E3's sum, as on one machine: J = (1/K) Σ w_i J_i.
 */
public final class SparkTrainer {
    private final TrainingConfig config;
    private final Strategy strategy;
    private final TrainingListener listener;
    private int stepRetries = 2;
    private long failFirstAttemptOfStep = -1;   // tests: a task of this step throws on its first attempt
    private long stepsTaken;
    private long broadcastBytes;
    private long resultBytes;

    public SparkTrainer(TrainingConfig config, Strategy strategy) {
        this(config, strategy, TrainingListener.NONE);
    }

    public SparkTrainer(TrainingConfig config, Strategy strategy, TrainingListener listener) {
        this.config = config;
        this.strategy = strategy;
        this.listener = listener;
    }

    /** How many times a step whose Spark job failed is started again from the last good weights (default 2). */
    public SparkTrainer stepRetries(int retries) {
        this.stepRetries = retries;
        return this;
    }

    /** For tests: the first attempt of partition 0's task in (1-based) step {@code step} throws. */
    SparkTrainer failFirstAttemptOfStep(long step) {
        this.failFirstAttemptOfStep = step;
        return this;
    }

    /** Steps (synchronous) or averaging rounds taken by the last {@link #fit}. */
    public long stepsTaken() {
        return stepsTaken;
    }

    /** Java-serialized size of what the driver broadcasts per step (W and b; with averaging, the optimizer state too). */
    public long broadcastBytes() {
        return broadcastBytes;
    }

    /** Java-serialized size of what one partition sends up per step (ΔW, Δb and counts; or its weights and state). */
    public long resultBytes() {
        return resultBytes;
    }

    /** Trains a copy of {@code initial} on {@code data} and returns it; {@code initial} is not changed. */
    public Network train(Network initial, SparkDataset data) {
        return fit(initial, data).network();
    }

    /** Trains a copy of {@code initial} on {@code data}, a fresh start. */
    public TrainingResult fit(Network initial, SparkDataset data) {
        return fit(initial, TrainingRecord.NONE, data);
    }

    /**
     * Trains a copy of {@code initial} on {@code data}, continuing the run recorded in {@code previous}
     * as {@link org.backprop4j.train.Trainer#fit(Network, TrainingRecord, org.backprop4j.data.Dataset,
     * org.backprop4j.data.Dataset)} does: epochs numbered on from the record's (the configured epochs
     * are that many more), the optimizer's state taken over when it belongs to the same rule. Each
     * epoch's shuffle depends only on seed, epoch and partition, so nothing needs replaying.
     *
     * @throws IllegalArgumentException   if the data does not fit the network
     * @throws TrainingDivergedException  if the cost becomes NaN or infinite
     * @throws SparkTrainingException     if a step's Spark job failed more than {@code stepRetries} times, or
     *                                    the Spark application stopped; it carries the network and record at
     *                                    the end of the last complete epoch
     */
    public TrainingResult fit(Network initial, TrainingRecord previous, SparkDataset data) {
        return fit(initial, previous, data, null, null, Checkpoints.NONE);
    }

    /**
     * {@link #fit(Network, TrainingRecord, SparkDataset)} with validation data (its cost reported after
     * each epoch and watched instead of the training cost by the schedule and early stopping, which
     * hands back the best epoch's network), checkpoints saved at the end of an epoch when
     * {@code checkpoints} says (at an epoch's end, or after a step or averaging round inside an epoch:
     * --checkpoint-seconds), and {@code resume} (a checkpoint this trainer saved) continuing a run. A
     * step's rows depend only on seed, epoch, step and partition, so a checkpoint inside an epoch is
     * just the step count and the epoch's running sums; nothing is replayed.
     *
     * @throws IllegalArgumentException if {@code resume} was not saved by this run on Spark (same data, seed and steps)
     */
    public TrainingResult fit(Network initial, TrainingRecord previous, SparkDataset data, SparkDataset validation,
                              Checkpoint resume, Checkpoints checkpoints) {
        if (data.inputs() != initial.inputs() || data.outputs() != initial.outputs()) {
            throw new IllegalArgumentException("the network takes " + initial.inputs() + " inputs and has " + initial.outputs()
                    + " outputs, but " + data.source() + " has " + data.inputs() + " inputs and " + data.outputs() + " targets");
        }
        if (config.validationSplit() > 0 && validation == null) {
            throw new ParameterException("validationSplit", "is held out when the data is read on Spark (SparkData.read with a split): "
                    + "give the validation rows to fit");
        }
        if (validation != null && (validation.inputs() != initial.inputs() || validation.outputs() != initial.outputs())) {
            throw new IllegalArgumentException("the validation data " + validation.source() + " has " + validation.inputs()
                    + " inputs and " + validation.outputs() + " targets, the network " + initial.inputs() + " and " + initial.outputs());
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.blocks().context());
        int n = Math.toIntExact(data.size());
        long dataHash = resume != null || checkpoints != Checkpoints.NONE ? data.hash() : 0;   // a job: only when needed
        Network net = (resume != null ? resume.network() : initial).copy();
        Kernels kernels = Kernels.fast(config.threads());
        Optimizer optimizer = new Optimizer(config.updateRule(), net, config.l2(), config.l1(), config.clipNorm(), kernels);
        int first = previous.bestEpoch() + 1, last = previous.bestEpoch() + config.epochs();
        LearningRateSchedule.Run rates = config.schedule().start(config.learningRate(), last);
        int done = first - 1;
        if (resume != null) {
            if (resume.samples() != n || resume.dataHash() != dataHash || resume.seed() != config.seed()
                    || resume.nextSample() > 0 && resume.steps() < 1) {
                throw new IllegalArgumentException("the checkpoint is not one of this run on Spark (same data and seed): it was saved after " + resume.epoch() + " epochs and " + resume.nextSample() + " samples on "
                        + resume.samples() + " samples");
            }
            first = resume.firstEpoch();
            last = resume.lastEpoch();
            done = resume.epoch();
            optimizer.restore(resume.optimizer(), net);
            rates = config.schedule().start(config.learningRate(), last);
            rates.restore(resume.schedule());
        } else if (previous.optimizer() != null) {
            optimizer.restore(previous.optimizer(), net);   // another rule's state: start afresh
        }
        BestEpoch best = new BestEpoch(config.earlyStopping(), previous.bestEpoch(), resume != null ? resume.best() : null);
        int B = config.batchSize().k(n);
        List<Integer> rows = data.blocks().map(Block::rows).collect();
        int largest = Collections.max(rows);
        int steps = strategy instanceof Strategy.Synchronous ? (n + B - 1) / B
                : (largest + Math.min(B, largest) - 1) / Math.min(B, largest);   // local steps per epoch of the largest partition
        if (resume != null && resume.steps() >= (strategy instanceof Strategy.Averaging a ? (steps + a.steps() - 1) / a.steps() : steps)) {
            throw new IllegalArgumentException("the checkpoint was saved after " + resume.steps() + " steps of epoch " + (done + 1)
                    + ", but an epoch of this run has fewer (other --batch-size or --partitions?)");
        }
        List<EpochStats> history = new ArrayList<>();
        int stoppedEpoch = done;
        stepsTaken = 0;
        listener.onStart(net);
        for (int epoch = done + 1; epoch <= last; epoch++) {
            long start = System.nanoTime();
            // the last consistent point of the run, handed out if the cluster fails during this epoch
            Network epochStart = net.copy();
            TrainingRecord epochStartRecord = new TrainingRecord(epoch - 1, epoch - 1, optimizer.snapshot());
            Job.Failed failed = message -> new SparkTrainingException(message, epochStart, epochStartRecord);
            double alpha = rates.rate(epoch);
            double costSum = 0;
            long samples = 0, correct = 0;
            int taken = 0;
            if (resume != null && epoch == resume.epoch() + 1) {   // inside the epoch a checkpoint was saved in: its running sums
                costSum = resume.costSum();
                samples = resume.nextSample();
                correct = resume.correct();
                taken = resume.steps();
            }
            final int epochNo = epoch;
            if (strategy instanceof Strategy.Synchronous sync) {
                for (int s = taken; s < steps; s++) {
                    final int step = s;
                    GradientSum g = retrying(failed, epoch, () -> synchronousStep(jsc, net, data, epochNo, step, steps, sync.depth()));
                    if (!Double.isFinite(g.cost)) throw diverged(epoch, "the cost of a batch became " + g.cost, net);
                    optimizer.step(net, g, Math.toIntExact(g.K), alpha);                       // E11, E12 with the global K
                    costSum += g.cost;
                    samples += g.K;
                    correct += g.correct;
                    taken++;
                    listener.onStep(epoch, (int) samples, n, costSum / samples);
                    // a stop inside the epoch (SIGTERM), before its last step, as Trainer: read before the checkpoint
                    // decision, so that the checkpoint saved on it holds this step (a later stop waits for the next step)
                    boolean stop = taken < steps && listener.stopRequested();
                    saveInside(checkpoints, epoch, net, optimizer, first, last, samples, n, dataHash, costSum, correct, taken, steps, rates,
                            best.checkpoint());
                    if (stop) return best.result(net, history, stoppedEpoch, optimizer::snapshot);
                }
            } else {
                int every = ((Strategy.Averaging) strategy).steps();
                for (int doneSteps = taken * every; doneSteps < steps; doneSteps += every) {
                    int local = Math.min(every, steps - doneSteps);
                    long firstLocal = (long) (epoch - 1) * steps + doneSteps;
                    Snapshot start0 = Snapshot.of(net, optimizer.snapshot());
                    Snapshot mean = retrying(failed, epoch, () -> averagingRound(jsc, start0, data, firstLocal, local, alpha)).mean();
                    if (!Double.isFinite(mean.cost)) throw diverged(epoch, "the cost of a local step became " + mean.cost, net);
                    Network averaged = mean.network();
                    averaged.copyInto(net);
                    OptimizerState state = mean.state();
                    if (state != null) optimizer.restore(state, net);
                    costSum += mean.cost;
                    samples += mean.samples;
                    correct += mean.correct;
                    taken++;
                    listener.onStep(epoch, (int) Math.min(n, (long) (doneSteps + local) * n / steps), n, costSum / samples);
                    boolean stop = taken < (steps + every - 1) / every && listener.stopRequested();   // as above
                    saveInside(checkpoints, epoch, net, optimizer, first, last, samples, n, dataHash, costSum, correct, taken,
                            (steps + every - 1) / every, rates,
                            best.checkpoint());
                    if (stop) return best.result(net, history, stoppedEpoch, optimizer::snapshot);
                }
            }
            double dataCost = costSum / samples;
            double l2Cost = config.l2() / 2 * net.sumOfSquaredWeights();
            if (!Double.isFinite(dataCost + l2Cost)) throw diverged(epoch, "the cost became " + (dataCost + l2Cost), net);
            double validationCost = validation == null ? Double.NaN : evaluate(net, config.loss(), validation).cost();
            EpochStats stats = new EpochStats(epoch, last, dataCost, l2Cost, taken, (System.nanoTime() - start) / 1e9,
                    data.isClassification() ? (double) correct / samples : Double.NaN, alpha, validationCost, 0);
            history.add(stats);
            listener.onEpoch(stats);
            stoppedEpoch = epoch;
            double monitored = validation != null ? validationCost : dataCost + l2Cost;
            rates.observe(monitored);
            boolean patienceOut = best.endOfEpoch(epoch, monitored, net, optimizer::snapshot);   // as the single-machine Trainer
            boolean stop = listener.stopRequested();   // before the checkpoint decision, as after a step
            if (checkpoints.due(epoch, true)) {
                checkpoints.save(new Checkpoint(net.copy(), optimizer.snapshot(), config.seed(), first, last, epoch, 0, 0, 0, n,
                        dataHash, 0, 0, 0, Double.NaN, rates.state(),
                        best.checkpoint()));
            }
            if (patienceOut || stop) break;
        }
        return best.result(net, history, stoppedEpoch, optimizer::snapshot);
    }

    /**
     * A checkpoint after {@code taken} steps (or averaging rounds) of epoch {@code epoch}, when
     * {@code checkpoints} says one is due inside an epoch: the weights, the optimizer state and the
     * epoch's running sums ({@code perEpoch} steps or rounds make the epoch); epoch {@code epoch − 1} is
     * the last complete one.
     */
    private void saveInside(Checkpoints checkpoints, int epoch, Network net, Optimizer optimizer, int first, int last, long samples,
                            int n, long dataHash, double costSum, long correct, int taken, int perEpoch, LearningRateSchedule.Run rates,
                            Checkpoint.Best best) {
        if (taken >= perEpoch || !checkpoints.due(epoch, false)) return;   // after the last step: the epoch's end saves it
        checkpoints.save(new Checkpoint(net.copy(), optimizer.snapshot(), config.seed(), first, last, epoch - 1, Math.toIntExact(samples),
                0, 0, n, dataHash, costSum, Math.toIntExact(correct), taken, Double.NaN, rates.state(), best));
    }

    /**
     * Mean cost (E3), accuracy and confusion matrix of {@code net} on all of {@code data}, distributed:
     * each partition sends up its summed cost and its counts of (true class, predicted class).
     */
    public static Evaluated evaluate(Network net, Loss loss, SparkDataset data) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.blocks().context());
        Broadcast<Snapshot> w = jsc.broadcast(Snapshot.of(net));
        int c = net.outputs(), last = net.layers().size() - 1;
        double[] sums = OrderedReduce.treeReduce(data.blocks().map(b -> {
            double[] s = new double[3 + c * c];   // [cost, correct, rows, confusion[true][predicted] row by row]
            if (b.rows() == 0) return s;
            Backprop engine = new Backprop(w.value().network(), loss, b.rows(), Kernels.fast(1));
            s[0] = engine.cost(b.xMatrix(), b.yMatrix(), Shuffle.identity(b.rows()), 0, b.rows());
            float[] out = engine.a(last);
            for (int r = 0; r < b.rows(); r++) {
                int predicted = 0, truth = 0;   // the first largest wins ties, as in Dataset.argmax
                for (int j = 1; j < c; j++) {
                    if (out[r * c + j] > out[r * c + predicted]) predicted = j;
                    if (b.y()[r * c + j] > b.y()[r * c + truth]) truth = j;
                }
                if (predicted == truth) s[1]++;
                s[3 + truth * c + predicted]++;
            }
            s[2] = b.rows();
            return s;
        }), (a, b) -> {
            for (int i = 0; i < a.length; i++) a[i] += b[i];
            return a;
        }, 1);
        w.destroy();
        int[][] confusion = new int[data.isClassification() ? c : 0][];
        for (int t = 0; t < confusion.length; t++) {
            confusion[t] = new int[c];
            for (int p = 0; p < c; p++) confusion[t][p] = (int) sums[3 + t * c + p];
        }
        return new Evaluated(sums[0] / sums[2], sums[1] / sums[2], (long) sums[2], confusion);
    }

    /**
     * Mean cost per sample (E4's first term), share classified correctly (for classes), samples, and
     * confusion[true][predicted] (empty without classes).
     */
    public record Evaluated(double cost, double accuracy, long samples, int[][] confusion) {
        /** As an {@link Evaluation} of {@code net} with L2 weight {@code lambda} (E4's second term added). */
        public Evaluation evaluation(Network net, double lambda) {
            return new Evaluation(Math.toIntExact(samples), cost, lambda / 2 * net.sumOfSquaredWeights(), lambda,
                    confusion.length == 0 ? Double.NaN : accuracy, confusion);
        }
    }

    interface Job<T> {
        T run();

        /** Makes the exception that ends the run when a job fails for good (message: what Spark reports). */
        interface Failed {
            SparkTrainingException because(String message);
        }
    }

    /**
     * Runs a step's Spark job; when it fails for good, again from the same (last good) weights, up to
     * stepRetries times. A stopped SparkContext (the cluster removed the application) is not retried.
     */
    private <T> T retrying(Job.Failed failed, int epoch, Job<T> job) {
        for (int attempt = 0; ; attempt++) {
            try {
                T result = job.run();
                stepsTaken++;
                return result;
            } catch (Exception e) {   // Spark's job failure is a checked SparkException, thrown undeclared from Scala
                boolean stopped = SparkFailures.stopped(e);
                if (!stopped && !SparkFailures.isSparkFailure(e)) throw (RuntimeException) e;
                if (stopped || attempt >= stepRetries) {
                    throw failed.because("step " + (stepsTaken + 1) + " in epoch " + epoch + " failed"
                            + (stopped ? "" : " " + (attempt + 1) + " times") + ": " + SparkFailures.cause(e));
                }
            }
        }
    }

    /**
     * Which kernels the tasks compute with: the implementation's class name (VectorKernels with the
     * Vector API, JavaKernels without: an executor JVM started without
     * {@code --add-modules jdk.incubator.vector}) and how many of {@code data}'s partitions ran it.
     */
    public static Map<String, Long> kernelsOfTasks(SparkDataset data) {
        return data.blocks().mapPartitions(blocks -> List.of(Kernels.fast(1).getClass().getSimpleName()).iterator()).countByValue();
    }

    /**
     * One synchronous step: broadcast W, b; each partition computes ΔW, Δb (E10) over run {@code step}
     * of its rows; a tree reduction sums them in partition order (the same bits on every run: {@link OrderedReduce}).
     */
    private GradientSum synchronousStep(JavaSparkContext jsc, Network net, SparkDataset data, int epoch, int step, int steps, int depth) {
        Snapshot weights = Snapshot.of(net);
        Broadcast<Snapshot> w = jsc.broadcast(weights);
        Loss loss = config.loss();
        boolean shuffle = config.shuffle();
        double[] dropout = config.dropoutRates(net.layers().size() - 1);
        long seed = config.seed(), fail = failFirstAttemptOfStep, global = stepsTaken + 1;
        GradientSum sum = OrderedReduce.treeReduce(data.blocks().mapPartitionsWithIndex((p, it) -> {
            List<GradientSum> out = new ArrayList<>(1);
            while (it.hasNext()) {
                Block b = it.next();
                if (global == fail && p == 0 && TaskContext.get().attemptNumber() == 0) {
                    throw new IllegalStateException("injected failure of the first attempt of step " + global);
                }
                int from = (int) ((long) step * b.rows() / steps), to = (int) ((long) (step + 1) * b.rows() / steps);
                if (to == from) continue;
                Network local = w.value().network();
                // dropout masks from a generator of this step and partition: the same in a task run again
                Backprop engine = new Backprop(local, loss, to - from, Kernels.fast(1), dropout,
                        new Random(seed * 0x9E3779B97F4A7C15L + (epoch * 1_000_003L + step) * 8191 + p));
                int[] order = order(b.rows(), shuffle, seed, epoch, p);
                double cost = engine.gradients(b.xMatrix(), b.yMatrix(), b.w(), order, from, to - from);   // E1-E10 over the run
                out.add(GradientSum.of(engine, local.layers().size(), cost, to - from, engine.correct(to - from)));
            }
            return out.iterator();
        }, true), GradientSum::add, depth);
        w.destroy();
        if (broadcastBytes == 0) {
            broadcastBytes = serializedSize(weights);
            resultBytes = serializedSize(sum);
        }
        return sum;
    }

    /**
     * One round of parameter averaging: every partition continues from the broadcast weights and
     * optimizer state with {@code local} mini-batch steps of its own (its steps number
     * {@code first} … {@code first + local − 1} of the run); the sum of the results is returned.
     */
    private Snapshot averagingRound(JavaSparkContext jsc, Snapshot start, SparkDataset data, long first, int local, double alpha) {
        Broadcast<Snapshot> w = jsc.broadcast(start);
        Loss loss = config.loss();
        UpdateRule rule = config.updateRule();
        double l2 = config.l2(), l1 = config.l1(), clip = config.clipNorm();
        int batch = config.batchSize().k(Math.toIntExact(data.size()));
        boolean shuffle = config.shuffle();
        double[] dropout = config.dropoutRates(start.network().layers().size() - 1);
        long seed = config.seed(), fail = failFirstAttemptOfStep, global = stepsTaken + 1;
        Snapshot sum = OrderedReduce.treeReduce(data.blocks().mapPartitionsWithIndex((p, it) -> {
            List<Snapshot> out = new ArrayList<>(1);
            while (it.hasNext()) {
                Block b = it.next();
                if (global == fail && p == 0 && TaskContext.get().attemptNumber() == 0) {
                    throw new IllegalStateException("injected failure of the first attempt of round " + global);
                }
                if (b.rows() == 0) continue;
                Network net = w.value().network();
                Kernels kernels = Kernels.fast(1);
                Optimizer optimizer = new Optimizer(rule, net, l2, l1, clip, kernels);
                OptimizerState state = w.value().state();
                if (state != null) optimizer.restore(state, net);
                int B = Math.min(batch, b.rows()), perEpoch = (b.rows() + B - 1) / B;
                Backprop engine = new Backprop(net, loss, B, kernels, dropout,
                        new Random(seed * 0x9E3779B97F4A7C15L + first * 8191 + p));   // dropout masks of this round and partition
                double cost = 0;
                long samples = 0, correct = 0;
                int[] order = null;
                long orderEpoch = -1;
                for (long i = first; i < first + local; i++) {
                    long localEpoch = i / perEpoch;
                    if (localEpoch != orderEpoch) {
                        order = order(b.rows(), shuffle, seed, localEpoch + 1, p);
                        orderEpoch = localEpoch;
                    }
                    int from = (int) (i % perEpoch) * B, K = Math.min(B, b.rows() - from);
                    cost += engine.gradients(b.xMatrix(), b.yMatrix(), b.w(), order, from, K);      // E1-E10
                    correct += engine.correct(K);
                    optimizer.step(net, engine, K, alpha);                                         // E11-E12, locally
                    samples += K;
                }
                Snapshot s = Snapshot.of(net, optimizer.snapshot());
                s.cost = cost;
                s.samples = samples;
                s.correct = correct;
                out.add(s);
            }
            return out.iterator();
        }, true), Snapshot::add, 2);
        w.destroy();
        if (broadcastBytes == 0) {
            broadcastBytes = serializedSize(start);
            resultBytes = serializedSize(start);   // a partition sends back the same shapes
        }
        return sum;
    }

    /** Partition p's row order in an epoch: file order, or a Fisher–Yates shuffle seeded from seed, epoch and p. */
    static int[] order(int rows, boolean shuffle, long seed, long epoch, int p) {
        int[] order = Shuffle.identity(rows);
        if (!shuffle) return order;
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + p);
        Shuffle.shuffle(order, random);
        return order;
    }

    private TrainingDivergedException diverged(int epoch, String what, Network net) {
        return new TrainingDivergedException("training diverged in epoch " + epoch + ": " + what + "; try a smaller learning rate (now "
                + config.learningRate() + ")", null, epoch - 1);
    }


    static long serializedSize(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.size();
    }

}
