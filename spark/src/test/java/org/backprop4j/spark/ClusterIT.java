package org.backprop4j.spark;

import org.junit.jupiter.api.condition.EnabledForJreRange;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.backprop4j.spark.SparkTrainerTest.IRIS;
import static org.backprop4j.spark.SparkTrainerTest.assertSameWeights;
import static org.backprop4j.spark.SparkTrainerTest.fullBatch;
import static org.backprop4j.spark.SparkTrainerTest.iris;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a real standalone cluster (master and worker on 127.0.0.1, executors in JVMs of their own,
 * started by spark/local-cluster.sh): the single-machine model from full-batch sync, an executor
 * killed with SIGKILL mid-run, {@code ./nn train --spark spark://…} end to end, a cluster whose
 * executors cannot start, through spark-submit, and spark-submit --deploy-mode cluster. Each
 * application takes one of the worker's three cores, so that the test's own session and a
 * launcher's (or a driver the cluster runs and its executor) fit side by side.
 */
@EnabledForJreRange(maxVersion = SparkLaunch.NEWEST_JAVA)
class ClusterIT {
    @TempDir
    static Path dir;
    static LocalCluster cluster;
    static SparkSession spark;
    static JavaSparkContext jsc;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(Files.createDirectories(dir.resolve("cluster")));
        SparkSession.Builder builder = SparkSession.builder().master(cluster.url()).appName("backprop4j-cluster-test");
        SparkLaunch.configure(builder, cluster.url());      // the executors' JVM options, as nn train --spark sets them
        // the shaded application jar in place of the one SparkLaunch found (this module's thin jar, on failsafe's classpath)
        spark = builder.config("spark.jars", LocalCluster.APPLICATION_JAR.toString())
                .config("spark.cores.max", "1").config("spark.executor.memory", "512m")
                .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) spark.stop();
        if (cluster != null) cluster.close();
    }

    @Test
    void fullBatchSyncOnTheClusterIsTheSingleMachineModel() {
        Dataset data = iris();
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        Network single = new Trainer(fullBatch(30)).train(start, data);
        SparkDataset distributed = SparkData.fromLocal(jsc, data, "none", 4);
        assertEquals(Map.of("VectorKernels", 4L), SparkTrainer.kernelsOfTasks(distributed));   // the jar shipped, the module passed
        // and the huge-page flag, where this machine's kernel gives huge pages on request only
        List<ProcessHandle> executors = cluster.executors();
        assertFalse(executors.isEmpty());
        for (ProcessHandle e : executors) {
            List<String> arguments = List.of(e.info().arguments().orElseThrow());
            assertEquals(SparkLaunch.hugePagesOnRequest(SparkLaunch.THP_MODE), arguments.contains(SparkLaunch.HUGE_PAGES), arguments.toString());
        }
        assertSameWeights(single, new SparkTrainer(fullBatch(30), Strategy.synchronous()).train(start, distributed), 1e-4f);
        distributed.unpersist();
    }

    /** A listener that kill -9s the executors at the end of epoch {@code epoch}, once. */
    static final class Killer implements TrainingListener {
        final int epoch;
        final List<Long> killed = new ArrayList<>();

        Killer(int epoch) {
            this.epoch = epoch;
        }

        @Override public void onEpoch(EpochStats s) {
            if (s.epoch() == epoch) {
                cluster.executors().forEach(e -> killed.add(e.pid()));
                cluster.killExecutors();
            }
        }
    }

    @Test
    void anExecutorKilledMidRunIsReplacedAndTheRunEndsWithTheSameModel() {
        // data read by the executors from the file: the lost blocks are read again
        SparkDataset read = SparkData.read(spark, IRIS.toString(), "csv", null, new Columns.Label("species"), "standard", 4);
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1);
        Network clean = new SparkTrainer(fullBatch(12), Strategy.synchronous()).train(start, read);
        Killer killer = new Killer(4);
        Network survived = new SparkTrainer(fullBatch(12), Strategy.synchronous(), killer).train(start, read);
        assertEquals(1, killer.killed.size(), "one executor killed");
        assertFalse(cluster.executors().isEmpty(), "the worker started a new executor");
        assertNotEquals(killer.killed.get(0), cluster.executors().get(0).pid());
        assertSameWeights(clean, survived, 1e-6f);   // the same sums, maybe added in another order
        read.unpersist();

        // data read on the driver (IDX, a Dataset) and distributed: the lost blocks come again from the driver;
        // mini-batches, shuffled: a recomputed partition must hold the same rows in the same order
        SparkDataset distributed = SparkData.fromLocal(jsc, iris(), "none", 3);
        TrainingConfig mini = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(16).epochs(3).learningRate(0.2)
                .seed(5).threads(1).build();
        Network cleanMini = new SparkTrainer(mini, Strategy.synchronous()).train(start, distributed);
        Killer second = new Killer(2);
        Network survivedMini = new SparkTrainer(mini, Strategy.synchronous(), second).train(start, distributed);
        assertEquals(1, second.killed.size());
        assertSameWeights(cleanMini, survivedMini, 1e-5f);
        distributed.unpersist();
    }

    /** Runs {@code command} from the module folder; returns exit code, stdout, stderr. */
    static Run run(Path out, List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Process p = start(out, command, env);
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command + " did not end in 150 s");
        }
        return new Run(p.exitValue(), Files.readString(out.resolveSibling(out.getFileName() + ".out"), StandardCharsets.UTF_8),
                Files.readString(out.resolveSibling(out.getFileName() + ".err"), StandardCharsets.UTF_8));
    }

    /** Starts {@code command} from the module folder, its stdout and stderr into OUT.out and OUT.err, stdin closed. */
    static Process start(Path out, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command).redirectOutput(out.resolveSibling(out.getFileName() + ".out").toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile());
        b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        b.environment().putAll(env);
        Process p = b.start();
        p.getOutputStream().close();
        return p;
    }

    record Run(int code, String out, String err) { }

    @Test
    void nnTrainSparkOnTheClusterEndToEnd() throws Exception {
        Path out = dir.resolve("iris.json");
        Run r = run(out, List.of("bash", Path.of("..", "nn").toAbsolutePath().toString(), "train", "--spark", cluster.url(),
                "--data", IRIS.toAbsolutePath().toString(), "--label", "species", "--layers", "10", "--activation", "tanh",
                "--loss", "cross-entropy", "--batch-size", "full", "--epochs", "20", "--learning-rate", "0.5", "--scale", "standard",
                "--partitions", "3", "--out", out.toString()),
                Map.of("NN_JAVA_OPTS", "-Dspark.cores.max=1 -Dspark.executor.memory=512m -Dspark.ui.enabled=false"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("kernels: driver VectorKernels, tasks VectorKernels\n"), r.err());
        assertFalse(r.err().contains("INFO"), "Spark's INFO lines go to its log file, not the console: " + r.err());
        assertTrue(r.err().contains("epoch 20/20") && r.err().strip().endsWith("saved " + out), r.err());

        Model model = ModelJson.read(out);
        Dataset raw = CsvReader.read(IRIS, new Columns.Label("species"), null);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).fullBatch().epochs(20).learningRate(0.5)
                .seed(1).threads(1).build();
        Network single = new Trainer(config).train(Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1),
                raw.scaled(Scaler.fit("standard", raw.x())));
        assertSameWeights(single, model.network(), 1e-4f);
    }

    /**
     * SIGTERM to {@code ./nn train --spark … --checkpoint} (to the launcher, as kill and timeout send it):
     * the driver saves a last checkpoint at its next step while the cluster still runs — Spark's own
     * shutdown hook, which stops the context, waits for it — and exits 75 without a model; {@code --resume}
     * then ends with the weights of the same run left uninterrupted, bit for bit.
     */
    @Test
    void sigtermStopsNnTrainSparkWithALastCheckpointAndTheResumedRunEndsAsTheUninterruptedOne() throws Exception {
        String nn = Path.of("..", "nn").toAbsolutePath().toString();
        List<String> run = List.of("bash", nn, "train", "--spark", cluster.url(), "--data", IRIS.toAbsolutePath().toString(),
                "--label", "species", "--layers", "10", "--batch-size", "50", "--epochs", "8", "--learning-rate", "0.5",
                "--scale", "standard", "--partitions", "3");
        Map<String, String> env = Map.of("NN_JAVA_OPTS", "-Dspark.cores.max=1 -Dspark.executor.memory=512m -Dspark.ui.enabled=false");
        Path whole = dir.resolve("uninterrupted.json");
        Run w = run(whole, concat(run, "--quiet", "--out", whole.toString()), env);
        assertEquals(0, w.code(), w.err());

        Path checkpoint = dir.resolve("sigterm-checkpoint.json"), stopped = dir.resolve("stopped.json");
        Process p = start(stopped, concat(run, "--checkpoint", checkpoint.toString(), "--checkpoint-every", "1",
                "--out", stopped.toString()), env);
        try {
            // generous: on a loaded machine (2 cores, real-time benchmarks beside) the driver once took 2 minutes to get its executor
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(Files.exists(checkpoint) && p.isAlive(), "a first checkpoint while the run goes on: "
                    + Files.readString(dir.resolve("stopped.json.err")));
            p.destroy();                                   // SIGTERM to the launcher, which hands it to the driver
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run stops");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String err = Files.readString(dir.resolve("stopped.json.err"));
        assertEquals(75, p.exitValue(), err);
        assertTrue(err.contains("nn train --spark: stopped; the last checkpoint is " + checkpoint), err);
        assertFalse(Files.exists(stopped), "no model: the run did not end");

        Run resumed = run(stopped, List.of("bash", nn, "train", "--spark", cluster.url(), "--resume", checkpoint.toString()), env);
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming after epoch"), resumed.err());
        assertEquals(ModelJson.read(whole).network().sha256(), ModelJson.read(stopped).network().sha256(),
                "resumed after SIGTERM: the uninterrupted run's weights");
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    @Test
    void executorsThatCannotStartAreOneLineWithTheReasonAndExitFour() throws Exception {
        Path out = dir.resolve("never.json");
        Run r = run(out, List.of(cluster.sparkHome().resolve("bin").resolve("spark-submit").toString(), "--master", cluster.url(),
                "--conf", "spark.executor.extraJavaOptions=--add-modules=no.such.module", "--conf", "spark.cores.max=1",
                "--conf", "spark.executor.memory=512m", "--conf", "spark.ui.enabled=false",
                "--class", SparkTrainCommand.class.getName(), LocalCluster.APPLICATION_JAR.toString(),
                "--data", IRIS.toAbsolutePath().toString(), "--label", "species", "--epochs", "2", "--quiet", "--out", out.toString()),
                Map.of());
        assertEquals(SparkTrainCommand.CLUSTER_FAILED, r.code(), r.err());
        List<String> lines = r.err().strip().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("nn train --spark: the cluster failed: "), r.err());
        assertTrue(last.contains("10 executors in a row ended before they started (the last: Command exited with code 1;"), r.err());
        Path log = Path.of(last.substring(last.indexOf("Spark's log: ") + "Spark's log: ".length()));
        assertTrue(Files.readString(log).contains("Executor added"), log.toString());
        Files.delete(log);
        assertFalse(Files.exists(out));
    }

    /**
     * spark-submit --deploy-mode cluster: the master starts the driver on the worker, in a JVM of its own
     * that gets only what spark.driver.extraJavaOptions says (Spark's launcher adds its --add-opens flags
     * only to the JVMs it starts itself), so they go there; with waitAppCompletion spark-submit waits for
     * the driver. The model, written by the driver, is the single machine's; the report is drawn there too.
     */
    @Test
    void sparkSubmitInClusterDeployModeTrainsTheSingleMachineModel() throws Exception {
        Path out = dir.resolve("cluster-mode.json");
        Run r = run(out, List.of(cluster.sparkHome().resolve("bin").resolve("spark-submit").toString(), "--master", cluster.url(),
                "--deploy-mode", "cluster", "--conf", "spark.driver.extraJavaOptions=" + SparkLaunch.driverJavaOptions(),
                "--conf", "spark.standalone.submit.waitAppCompletion=true", "--driver-memory", "512m", "--conf", "spark.cores.max=1",
                "--conf", "spark.executor.memory=512m", "--conf", "spark.ui.enabled=false",
                "--class", SparkTrainCommand.class.getName(), LocalCluster.APPLICATION_JAR.toString(),
                "--data", IRIS.toAbsolutePath().toString(), "--label", "species", "--layers", "10", "--activation", "tanh",
                "--loss", "cross-entropy", "--batch-size", "full", "--epochs", "10", "--learning-rate", "0.5", "--scale", "standard",
                "--partitions", "2", "--quiet", "--out", out.toString(), "--report", dir.resolve("cluster-mode.html").toString()),
                Map.of());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("is FINISHED"), "the driver's final state: " + r.err());
        // drawn by the driver from what the application jar carries (JFreeChart, Batik), not from the test's classpath
        assertTrue(Files.readString(dir.resolve("cluster-mode.html")).contains("<h1>Training report</h1>"));
        Model model = ModelJson.read(out);
        Dataset raw = CsvReader.read(IRIS, new Columns.Label("species"), null);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).fullBatch().epochs(10).learningRate(0.5)
                .seed(1).threads(1).build();
        Network single = new Trainer(config).train(Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 1),
                raw.scaled(Scaler.fit("standard", raw.x())));
        assertSameWeights(single, model.network(), 1e-4f);
    }
}
