package org.backprop4j.spark;

import org.backprop4j.ParameterException;
import org.backprop4j.data.Shuffle;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Backprop;
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
 * <p>Faults: Spark re-runs a failed task (spark.task.maxFailures); the driver only changes its
 * weights after a step's aggregation has returned, so a job that fails for good leaves it holding
 * the last good weights: the step is tried again ({@code stepRetries} times) from them, and then
 * a {@link SparkTrainingException} carries them out.
 *
 * <p>Not supported here (rejected): dropout, a validation split, early stopping.
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
        if (!config.dropout().isEmpty() && config.dropout().stream().anyMatch(p -> p > 0)) {
            throw new ParameterException("dropout", "is not supported by the Spark trainer");
        }
        if (config.validationSplit() > 0) throw new ParameterException("validationSplit", "is not supported by the Spark trainer");
        if (config.earlyStopping().isOn()) throw new ParameterException("earlyStopping", "is not supported by the Spark trainer");
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

    /**
     * Trains a copy of {@code initial} on {@code data}.
     *
     * @throws IllegalArgumentException   if the data does not fit the network
     * @throws TrainingDivergedException  if the cost becomes NaN or infinite
     * @throws SparkTrainingException     if a step's Spark job failed more than {@code stepRetries} times
     */
    public TrainingResult fit(Network initial, SparkDataset data) {
        if (data.inputs() != initial.inputs() || data.outputs() != initial.outputs()) {
            throw new IllegalArgumentException("the network takes " + initial.inputs() + " inputs and has " + initial.outputs()
                    + " outputs, but " + data.source() + " has " + data.inputs() + " inputs and " + data.outputs() + " targets");
        }
        Network net = initial.copy();
        Kernels kernels = Kernels.fast(config.threads());
        Optimizer optimizer = new Optimizer(config.updateRule(), net, config.l2(), config.l1(), config.clipNorm(), kernels);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.blocks().context());
        int n = Math.toIntExact(data.size());
        int B = config.batchSize().k(n);
        List<Integer> rows = data.blocks().map(Block::rows).collect();
        int largest = Collections.max(rows);
        int steps = strategy instanceof Strategy.Synchronous ? (n + B - 1) / B
                : (largest + Math.min(B, largest) - 1) / Math.min(B, largest);   // local steps per epoch of the largest partition
        LearningRateSchedule.Run rates = config.schedule().start(config.learningRate(), config.epochs());
        List<EpochStats> history = new ArrayList<>();
        stepsTaken = 0;
        listener.onStart(net);
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long start = System.nanoTime();
            double alpha = rates.rate(epoch);
            double costSum = 0;
            long samples = 0, correct = 0;
            int taken = 0;
            if (strategy instanceof Strategy.Synchronous sync) {
                for (int s = 0; s < steps; s++) {
                    final int epochNo = epoch, step = s;
                    GradientSum g = retrying(net, epoch, () -> synchronousStep(jsc, net, data, epochNo, step, steps, sync.depth()));
                    if (!Double.isFinite(g.cost)) throw diverged(epoch, "the cost of a batch became " + g.cost, net);
                    optimizer.step(net, g, Math.toIntExact(g.K), alpha);                       // E11, E12 with the global K
                    costSum += g.cost;
                    samples += g.K;
                    correct += g.correct;
                    taken++;
                    listener.onStep(epoch, (int) samples, n, costSum / samples);
                }
            } else {
                int every = ((Strategy.Averaging) strategy).steps();
                for (int done = 0; done < steps; done += every) {
                    int local = Math.min(every, steps - done);
                    long first = (long) (epoch - 1) * steps + done;
                    Snapshot start0 = Snapshot.of(net, optimizer.snapshot());
                    Snapshot mean = retrying(net, epoch, () -> averagingRound(jsc, start0, data, first, local, alpha)).mean();
                    if (!Double.isFinite(mean.cost)) throw diverged(epoch, "the cost of a local step became " + mean.cost, net);
                    Network averaged = mean.network();
                    averaged.copyInto(net);
                    OptimizerState state = mean.state();
                    if (state != null) optimizer.restore(state, net);
                    costSum += mean.cost;
                    samples += mean.samples;
                    correct += mean.correct;
                    taken++;
                    listener.onStep(epoch, (int) Math.min(n, (long) (done + local) * n / steps), n, costSum / samples);
                }
            }
            double dataCost = costSum / samples;
            double l2Cost = config.l2() / 2 * net.sumOfSquaredWeights();
            if (!Double.isFinite(dataCost + l2Cost)) throw diverged(epoch, "the cost became " + (dataCost + l2Cost), net);
            EpochStats stats = new EpochStats(epoch, config.epochs(), dataCost, l2Cost, taken, (System.nanoTime() - start) / 1e9,
                    data.isClassification() ? (double) correct / samples : Double.NaN, alpha, Double.NaN, 0);
            history.add(stats);
            listener.onEpoch(stats);
            rates.observe(dataCost + l2Cost);
        }
        int last = config.epochs();
        return new TrainingResult(net, history, new TrainingRecord(last, last, optimizer.snapshot()));
    }

    /** Cost (E3, summed) and correct classifications of {@code net} on all of {@code data}, distributed. */
    public static Evaluated evaluate(Network net, Loss loss, SparkDataset data) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.blocks().context());
        Broadcast<Snapshot> w = jsc.broadcast(Snapshot.of(net));
        double[] sums = data.blocks().map(b -> {
            if (b.rows() == 0) return new double[3];
            Backprop engine = new Backprop(w.value().network(), loss, b.rows(), Kernels.fast(1));
            double cost = engine.cost(b.xMatrix(), b.yMatrix(), Shuffle.identity(b.rows()), 0, b.rows());
            engine.gradients(b.xMatrix(), b.yMatrix(), Shuffle.identity(b.rows()), 0, b.rows());
            return new double[] {cost, engine.correct(b.rows()), b.rows()};
        }).reduce((a, b) -> new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
        w.destroy();
        return new Evaluated(sums[0] / sums[2], sums[1] / sums[2], (long) sums[2]);
    }

    /** Mean cost per sample (E4's first term), share classified correctly (for classes), samples. */
    public record Evaluated(double cost, double accuracy, long samples) { }

    interface Job<T> {
        T run();
    }

    /** Runs a step's Spark job; when it fails for good, again from the same (last good) weights, up to stepRetries times. */
    private <T> T retrying(Network lastGood, int epoch, Job<T> job) {
        for (int attempt = 0; ; attempt++) {
            try {
                T result = job.run();
                stepsTaken++;
                return result;
            } catch (Exception e) {   // Spark's job failure is a checked SparkException, thrown undeclared from Scala
                if (!(e instanceof SparkException) && !isSparkJobFailure(e)) throw (RuntimeException) e;
                if (attempt >= stepRetries) {
                    throw new SparkTrainingException("step " + (stepsTaken + 1) + " in epoch " + epoch + " failed " + (attempt + 1)
                            + " times: " + firstLine(e.getMessage()), lastGood.copy(), epoch - 1);
                }
            }
        }
    }

    private static boolean isSparkJobFailure(Throwable e) {
        return e.getClass().getName().startsWith("org.apache.spark");
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * One synchronous step: broadcast W, b; each partition computes ΔW, Δb (E10) over run {@code step}
     * of its rows; treeReduce sums them.
     */
    private GradientSum synchronousStep(JavaSparkContext jsc, Network net, SparkDataset data, int epoch, int step, int steps, int depth) {
        Snapshot weights = Snapshot.of(net);
        Broadcast<Snapshot> w = jsc.broadcast(weights);
        Loss loss = config.loss();
        boolean shuffle = config.shuffle();
        long seed = config.seed(), fail = failFirstAttemptOfStep, global = stepsTaken + 1;
        GradientSum sum = data.blocks().mapPartitionsWithIndex((p, it) -> {
            List<GradientSum> out = new ArrayList<>(1);
            while (it.hasNext()) {
                Block b = it.next();
                if (global == fail && p == 0 && TaskContext.get().attemptNumber() == 0) {
                    throw new IllegalStateException("injected failure of the first attempt of step " + global);
                }
                int from = (int) ((long) step * b.rows() / steps), to = (int) ((long) (step + 1) * b.rows() / steps);
                if (to == from) continue;
                Network local = w.value().network();
                Backprop engine = new Backprop(local, loss, to - from, Kernels.fast(1));
                int[] order = order(b.rows(), shuffle, seed, epoch, p);
                double cost = engine.gradients(b.xMatrix(), b.yMatrix(), order, from, to - from);     // E1-E10 over the run
                out.add(GradientSum.of(engine, local.layers().size(), cost, to - from, engine.correct(to - from)));
            }
            return out.iterator();
        }, true).treeReduce(GradientSum::add, depth);
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
        long seed = config.seed(), fail = failFirstAttemptOfStep, global = stepsTaken + 1;
        Snapshot sum = data.blocks().mapPartitionsWithIndex((p, it) -> {
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
                Backprop engine = new Backprop(net, loss, B, kernels);
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
                    cost += engine.gradients(b.xMatrix(), b.yMatrix(), order, from, K);             // E1-E10
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
        }, true).treeReduce(Snapshot::add, 2);
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
