package org.backprop4j.spark;

import org.junit.jupiter.api.condition.EnabledForJreRange;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.Checkpoints;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingRecord;
import org.backprop4j.train.TrainingResult;
import org.backprop4j.train.UpdateRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark in local[2] mode (each task tried up to 3 times: local[2,3]), started here; Iris as the data. */
@EnabledForJreRange(maxVersion = SparkLaunch.NEWEST_JAVA)
class SparkTrainerTest {
    static final Path IRIS = Path.of("..", "data", "iris.csv");
    static SparkSession spark;
    static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,3]").appName("backprop4j-test")
                .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * OrderedReduce adds the partitions' results in partition order even when they finish in reverse:
     * string concatenation (not commutative) shows the order. Later partitions finish first (each
     * waits longer the lower its index); Spark's treeReduce gave "… 27 30 31 28 29 …" here (checked once by forcing it).
     */
    @Test
    void orderedReduceAddsInPartitionOrderWhateverOrderTasksFinishIn() {
        int partitions = 20;
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < 2 * partitions; i++) numbers.add(i);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 2 * partitions; i++) expected.append(i).append(' ');
        JavaRDD<String> parts = jsc.parallelize(numbers, partitions).mapPartitionsWithIndex((p, it) -> {
            Thread.sleep(3L * (partitions - p));              // partition 19 finishes first, partition 0 last
            List<String> out = new ArrayList<>();
            it.forEachRemaining(i -> out.add(i + " "));
            return out.iterator();
        }, true);
        for (int depth = 1; depth <= 3; depth++) {
            assertEquals(expected.toString(), OrderedReduce.treeReduce(parts, String::concat, depth), "depth " + depth);
        }
        // partitions without elements are skipped; none at all is Spark's "empty collection"
        JavaRDD<String> sparse = jsc.parallelize(List.of("a", "b"), 5);
        assertEquals("ab", OrderedReduce.treeReduce(sparse, String::concat, 2));
        assertThrows(UnsupportedOperationException.class,
                () -> OrderedReduce.treeReduce(jsc.parallelize(List.<String>of(), 3), String::concat, 2));
    }

    /**
     * A stop (SIGTERM) that lands while a step's checkpoint decision is made — after it read the flag,
     * before the trainer's own look — ends the run at the next step with a checkpoint of it, as in
     * Trainer (ExactResumeTest): never a stop without a last checkpoint. Iris in batches of 50 on 3
     * partitions: three steps an epoch; the stop lands at the second decision (mid-epoch 1) or the
     * third (the end of epoch 1, not a checkpoint epoch).
     */
    @Test
    void aStopThatArrivesWhileACheckpointIsDecidedEndsWithACheckpointOfItsLastStep() {
        SparkDataset distributed = SparkData.fromLocal(jsc, iris(), "none", 3);
        Network start = Network.create(new int[] {4, 6, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(50).epochs(4).learningRate(0.5)
                .threads(1).seed(1).build();
        for (int arrival : new int[] {2, 3}) {
            boolean[] stop = {false};
            int[] calls = {0};
            List<Checkpoint> saved = new ArrayList<>();
            Checkpoints saver = new Checkpoints() {
                @Override public boolean due(int epoch, boolean endOfEpoch) {
                    boolean due = stop[0] || endOfEpoch && epoch % 2 == 0;
                    if (++calls[0] == arrival) stop[0] = true;
                    return due;
                }

                @Override public void save(Checkpoint c) {
                    if (stop[0]) saved.add(c);
                }
            };
            TrainingListener signal = new TrainingListener() {
                @Override public boolean stopRequested() {
                    return stop[0];
                }
            };
            TrainingResult stopped = new SparkTrainer(config, Strategy.synchronous(), signal)
                    .fit(start, TrainingRecord.NONE, distributed, null, null, saver);
            assertEquals(1, saved.size(), "one checkpoint on the stop (arrival " + arrival + ")");
            assertSameWeights(stopped.network(), saved.get(0).network(), 0f);
        }
    }

    static Dataset iris() {
        Dataset raw = CsvReader.read(IRIS, new Columns.Label("species"), null);
        return raw.scaled(Scaler.fit("standard", raw.x()));
    }

    static TrainingConfig fullBatch(int epochs) {
        return TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).fullBatch().epochs(epochs).learningRate(0.5).l2(1e-3)
                .shuffle(false).threads(1).seed(1).build();
    }

    static void assertSameWeights(Network expected, Network actual, float tolerance) {
        for (int l = 0; l < expected.layers().size(); l++) {
            assertArrayEquals(expected.layer(l).weights().data, actual.layer(l).weights().data, tolerance, "W of layer " + l);
            assertArrayEquals(expected.layer(l).bias(), actual.layer(l).bias(), tolerance, "b of layer " + l);
        }
    }

    @Test
    void fullBatchSynchronousAggregationGivesTheSingleMachineModel() {
        Dataset data = iris();
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        Network single = new Trainer(fullBatch(30)).train(start, data);
        SparkDataset distributed = SparkData.fromLocal(jsc, data, "none", 4);   // 4 partitions on 2 cores
        Network spread = new SparkTrainer(fullBatch(30), Strategy.synchronous()).train(start, distributed);
        assertSameWeights(single, spread, 1e-4f);   // the same float sums, taken in another order
        distributed.unpersist();
    }

    @Test
    void fullBatchWithAdamAlsoMatches() {
        Dataset data = iris();
        Network start = Network.create(new int[] {4, 8, 3}, Activation.SIGMOID, Activation.SOFTMAX, 2);
        TrainingConfig adam = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).fullBatch().epochs(15).learningRate(0.05)
                .shuffle(false).threads(1).updateRule(UpdateRule.adam(0.9, 0.999, 1e-8)).build();
        Network single = new Trainer(adam).train(start, data);
        SparkDataset distributed = SparkData.fromLocal(jsc, data, "none", 3);
        assertSameWeights(single, new SparkTrainer(adam, new Strategy.Synchronous(1)).train(start, distributed), 1e-4f);
        distributed.unpersist();
    }

    @Test
    void aFailedTaskIsRetriedAndTheRunEndsTheSame() {
        Dataset data = iris();
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        SparkDataset distributed = SparkData.fromLocal(jsc, data, "none", 2);
        Network clean = new SparkTrainer(fullBatch(10), Strategy.synchronous()).train(start, distributed);
        SparkTrainer faulty = new SparkTrainer(fullBatch(10), Strategy.synchronous()).failFirstAttemptOfStep(5);
        Network retried = faulty.train(start, distributed);
        assertEquals(10, faulty.stepsTaken());
        assertSameWeights(clean, retried, 1e-6f);
        // the same for a round of parameter averaging
        TrainingConfig mini = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(3).learningRate(0.1)
                .threads(1).build();
        Network averaged = new SparkTrainer(mini, Strategy.averaging(4)).train(start, distributed);
        Network averagedRetried = new SparkTrainer(mini, Strategy.averaging(4)).failFirstAttemptOfStep(3).train(start, distributed);
        assertSameWeights(averaged, averagedRetried, 1e-6f);
        distributed.unpersist();
    }

    @Test
    void parameterAveragingLearnsIris() {
        Dataset data = iris();
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        SparkDataset distributed = SparkData.fromLocal(jsc, data, "none", 2);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(40).learningRate(0.1)
                .threads(1).updateRule(UpdateRule.momentum(0.9)).build();
        SparkTrainer trainer = new SparkTrainer(config, Strategy.averaging(5));
        Network trained = trainer.train(start, distributed);
        SparkTrainer.Evaluated e = SparkTrainer.evaluate(trained, Loss.CROSS_ENTROPY, distributed);
        assertTrue(e.accuracy() > 0.9, "accuracy " + e.accuracy());
        assertEquals(150, e.samples());
        assertEquals(40 * 2, trainer.stepsTaken());   // 75 rows per partition: 8 local steps an epoch, averaged after 5 and 3
        distributed.unpersist();
    }

    @Test
    void csvThroughSparkGivesTheSameClassesAndScalingAsTheLocalReader() {
        Dataset raw = CsvReader.read(IRIS, new Columns.Label("species"), null);
        Scaler local = Scaler.fit("standard", raw.x());
        SparkDataset read = SparkData.read(spark, IRIS.toString(), "csv", null, new Columns.Label("species"), "standard", 2);
        assertEquals(raw.classes(), read.classes());
        assertEquals(150, read.size());
        assertEquals(4, read.inputs());
        assertArrayEquals(local.shift(), read.scaler().shift(), 1e-6f);
        assertArrayEquals(local.divide(), read.scaler().divide(), 1e-6f);
        read.unpersist();
    }

    @Test
    void dropoutOnSparkIsRepeatableAndLearns() {
        Dataset data = iris();
        Network start = Network.create(new int[] {4, 16, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        SparkDataset distributed = SparkData.fromLocal(jsc, data, "none", 2);
        TrainingConfig.Builder b = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(10).epochs(25).learningRate(0.1)
                .threads(1).updateRule(UpdateRule.momentum(0.9));
        TrainingConfig dropout = b.dropout(0.3).build();
        Network once = new SparkTrainer(dropout, Strategy.synchronous()).train(start, distributed);
        Network again = new SparkTrainer(dropout, Strategy.synchronous()).train(start, distributed);
        assertSameWeights(once, again, 0f);   // masks from seed, epoch, step and partition; two partial sums add the same either way
        Network without = new SparkTrainer(b.dropout().build(), Strategy.synchronous()).train(start, distributed);
        assertTrue(Math.abs(once.layer(0).weights().data[0] - without.layer(0).weights().data[0]) > 1e-4, "dropout changed the run");
        assertTrue(SparkTrainer.evaluate(once, Loss.CROSS_ENTROPY, distributed).accuracy() > 0.85);
        distributed.unpersist();
    }

    @Test
    void aRunResumedFromACheckpointEndsAsTheUninterruptedRun(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Dataset data = iris();
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        SparkDataset distributed = SparkData.fromLocal(jsc, data, "none", 2);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(16).epochs(6).learningRate(0.1)
                .threads(1).updateRule(UpdateRule.adam(0.9, 0.999, 1e-8)).build();
        java.util.List<org.backprop4j.train.Checkpoint> saved = new java.util.ArrayList<>();
        org.backprop4j.train.Checkpoints everyOther = new org.backprop4j.train.Checkpoints() {
            @Override public boolean due(int epoch, boolean endOfEpoch) {
                return endOfEpoch && epoch % 2 == 0;
            }

            @Override public void save(org.backprop4j.train.Checkpoint c) {
                saved.add(c);
            }
        };
        org.backprop4j.train.TrainingResult whole = new SparkTrainer(config, Strategy.synchronous())
                .fit(start, org.backprop4j.train.TrainingRecord.NONE, distributed, null, null, everyOther);
        assertEquals(3, saved.size());
        // through the file format nn train's checkpoints use
        Path file = dir.resolve("run.ckpt.json");
        org.backprop4j.io.ModelJson.writeCheckpoint(new org.backprop4j.nn.Model(start, Loss.CROSS_ENTROPY, data.classes(), Scaler.NONE, 0),
                saved.get(0), file);
        org.backprop4j.train.Checkpoint afterTwo = org.backprop4j.io.ModelJson.readFile(file).checkpoint();
        org.backprop4j.train.TrainingResult resumed = new SparkTrainer(config, Strategy.synchronous())
                .fit(start, org.backprop4j.train.TrainingRecord.NONE, distributed, null, afterTwo, org.backprop4j.train.Checkpoints.NONE);
        assertEquals(4, resumed.history().size());   // epochs 3 to 6
        assertEquals(6, resumed.record().stoppedEpoch());
        assertSameWeights(whole.network(), resumed.network(), 0f);
        distributed.unpersist();
    }

    @Test
    void aRunResumedFromInsideAnEpochEndsAsTheUninterruptedRun() {
        Dataset data = iris();
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        SparkDataset distributed = SparkData.fromLocal(jsc, data, "none", 2);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(16).epochs(3).learningRate(0.1)
                .threads(1).dropout(0.2).updateRule(UpdateRule.adam(0.9, 0.999, 1e-8)).build();
        for (Strategy how : java.util.List.of(Strategy.synchronous(), Strategy.averaging(2))) {
            java.util.List<org.backprop4j.train.Checkpoint> inside = new java.util.ArrayList<>();
            org.backprop4j.train.Checkpoints afterEveryStep = new org.backprop4j.train.Checkpoints() {
                @Override public boolean due(int epoch, boolean endOfEpoch) {
                    return !endOfEpoch;
                }

                @Override public void save(org.backprop4j.train.Checkpoint c) {
                    inside.add(c);
                }
            };
            org.backprop4j.train.TrainingResult whole = new SparkTrainer(config, how)
                    .fit(start, org.backprop4j.train.TrainingRecord.NONE, distributed, null, null, afterEveryStep);
            org.backprop4j.train.Checkpoint middle = inside.get(inside.size() / 2);   // inside epoch 2
            assertEquals(1, middle.epoch(), how.toString());
            assertTrue(middle.nextSample() > 0 && middle.steps() > 0, how.toString());
            org.backprop4j.train.TrainingResult resumed = new SparkTrainer(config, how)
                    .fit(start, org.backprop4j.train.TrainingRecord.NONE, distributed, null, middle, org.backprop4j.train.Checkpoints.NONE);
            assertSameWeights(whole.network(), resumed.network(), 0f);
            // the resumed epoch reports the whole epoch's cost, its first steps' sums taken from the checkpoint
            assertEquals(whole.history().get(1).cost(), resumed.history().get(0).cost(), 1e-12, how.toString());
        }
        distributed.unpersist();
    }

    @Test
    void fullBatchWithSampleWeightsIsTheSingleMachineWeightedModel() {
        Dataset data = iris();
        float[] w = new float[data.size()];
        for (int i = 0; i < w.length; i++) w[i] = 0.25f + (i * 7 % 5) * 0.5f;   // 0.25 to 2.25, uneven across classes
        Dataset weighted = data.withWeights(w);
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        Network single = new Trainer(fullBatch(20)).train(start, weighted);
        SparkDataset distributed = SparkData.fromLocal(jsc, weighted, "none", 3);
        assertSameWeights(single, new SparkTrainer(fullBatch(20), Strategy.synchronous()).train(start, distributed), 1e-4f);
        Network unweighted = new Trainer(fullBatch(20)).train(start, data);
        assertTrue(Math.abs(unweighted.layer(0).weights().data[0] - single.layer(0).weights().data[0]) > 1e-4, "the weights mattered");
        distributed.unpersist();
    }
}
