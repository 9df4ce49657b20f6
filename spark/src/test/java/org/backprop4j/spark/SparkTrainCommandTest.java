package org.backprop4j.spark;

import org.junit.jupiter.api.condition.EnabledForJreRange;

import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Init;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.backprop4j.spark.SparkTrainerTest.IRIS;
import static org.backprop4j.spark.SparkTrainerTest.assertSameWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn train --spark local[2] …} end to end: the launcher's entry point, a CSV in, a model file out. */
class SparkTrainCommandTest {
    @BeforeAll
    static void quietSpark() {
        // read by the launcher's SparkSession through SparkConf's system properties
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.driver.host", "127.0.0.1");
    }

    @Test
    @EnabledForJreRange(maxVersion = SparkLaunch.NEWEST_JAVA)
    void csvInModelFileOutTheSingleMachineModel(@TempDir Path dir) {
        Path out = dir.resolve("iris.json");
        StringWriter err = new StringWriter();
        int code = SparkTrainCommand.run(new String[] {"--spark", "local[2]", "--data", IRIS.toString(), "--label", "species",
                "--layers", "10", "--activation", "tanh", "--loss", "cross-entropy", "--batch-size", "full", "--epochs", "50",
                "--learning-rate", "0.5", "--scale", "standard", "--quiet", "--out", out.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertTrue(Files.isRegularFile(out));

        Model model = ModelJson.read(out);
        Dataset raw = CsvReader.read(IRIS, new Columns.Label("species"), null);
        assertEquals(raw.classes(), model.classes());
        assertEquals(Loss.CROSS_ENTROPY, model.loss());
        Scaler local = Scaler.fit("standard", raw.x());
        assertEquals("standard", model.scaler().method());
        assertArrayEquals(local.shift(), model.scaler().shift(), 1e-6f);
        assertArrayEquals(local.divide(), model.scaler().divide(), 1e-6f);
        Evaluation e = Evaluation.of(model, raw, 0);   // the file's scaler applied to the raw CSV
        assertEquals(150, e.samples());
        assertTrue(e.accuracy() > 0.9, "accuracy " + e.accuracy());

        // full batch: the very model nn train computes in one JVM from the same start
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).fullBatch().epochs(50).learningRate(0.5)
                .seed(1).threads(1).build();
        Network start = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, Init.of("default"), 1);
        Network single = new Trainer(config).train(start, raw.scaled(local));
        assertSameWeights(single, model.network(), 1e-4f);
    }

    @Test
    @EnabledForJreRange(maxVersion = SparkLaunch.NEWEST_JAVA)
    void fullBatchFromAnInitModelIsTheSingleMachineRunFromTheSameFile(@TempDir Path dir) throws Exception {
        // the file: a 4-7-3 sigmoid/softmax network, 5 epochs into training, with a min-max scaling (not the default)
        Dataset raw = CsvReader.read(IRIS, new Columns.Label("species"), null);
        Scaler scaler = Scaler.fit("minmax", raw.x());
        TrainingConfig warm = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(16).epochs(5).learningRate(0.2)
                .seed(4).threads(1).build();
        Network begun = new Trainer(warm).train(Network.create(new int[] {4, 7, 3}, Activation.SIGMOID, Activation.SOFTMAX, 4),
                raw.scaled(scaler));
        Path initFile = dir.resolve("start.json");
        ModelJson.write(new Model(begun, Loss.CROSS_ENTROPY, raw.classes(), scaler, 0), initFile);

        Path out = dir.resolve("continued.json");
        StringWriter err = new StringWriter();
        int code = SparkTrainCommand.run(new String[] {"--spark", "local[2]", "--data", IRIS.toString(), "--label", "species",
                "--init", initFile.toString(), "--layers", "7", "--batch-size", "full", "--epochs", "25",
                "--learning-rate", "0.5", "--partitions", "3", "--quiet", "--out", out.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        Model continued = ModelJson.read(out);
        assertEquals(Loss.CROSS_ENTROPY, continued.loss());            // from the file, --loss not given
        assertEquals(raw.classes(), continued.classes());
        assertEquals("minmax", continued.scaler().method());           // the file's scaling, not --scale's default
        assertArrayEquals(scaler.shift(), continued.scaler().shift(), 0f);
        assertArrayEquals(scaler.divide(), continued.scaler().divide(), 0f);
        assertEquals(Activation.SIGMOID, continued.network().layer(0).activation());

        Model file = ModelJson.read(initFile);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).fullBatch().epochs(25).learningRate(0.5)
                .seed(1).threads(1).build();
        Network single = new Trainer(config).train(file.network(), raw.scaled(file.scaler()));
        assertSameWeights(single, continued.network(), 1e-4f);
        assertTrue(Evaluation.of(continued, raw, 0).accuracy() > Evaluation.of(file, raw, 0).accuracy() - 1e-9);

        // an option that disagrees with the file: one line, exit 2
        StringWriter bad = new StringWriter();
        assertEquals(2, SparkTrainCommand.run(new String[] {"--spark", "local[2]", "--data", IRIS.toString(), "--label", "species",
                "--init", initFile.toString(), "--layers", "8", "--out", dir.resolve("x.json").toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(bad)));
        assertTrue(bad.toString().contains("--layers 8 disagrees with --init"), bad.toString());
        assertEquals(1, bad.toString().strip().lines().count(), bad.toString());
    }

    /**
     * On Java 23 and later no SparkContext starts (Hadoop's login calls Subject.getSubject): a valid command is told so
     * in one line with what to run instead, exit 2, no stack trace and no output file — also through main, as nn runs it.
     */
    @Test
    @EnabledForJreRange(minVersion = SparkLaunch.NEWEST_JAVA + 1)
    void aJavaSparkCannotRunOnIsToldWhichToUseInOneLine(@TempDir Path dir) throws Exception {
        StringWriter err = new StringWriter();
        int code = SparkTrainCommand.run(new String[] {"--spark", "local[2]", "--data", IRIS.toString(), "--label", "species",
                "--out", dir.resolve("m.json").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("nn train --spark: Spark 3.5 runs on Java 17 to 22 and this is Java "
                + Runtime.version().feature()), err.toString());
        assertFalse(Files.exists(dir.resolve("m.json")));
        String jvm = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(jvm, "-cp", System.getProperty("java.class.path"), SparkTrainCommand.class.getName(),
                "--data", IRIS.toString(), "--label", "species", "--out", dir.resolve("m.json").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String line = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals(2, p.waitFor(), line);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("run it with a JDK 17 or 21"), line);
        assertFalse(Files.exists(dir.resolve("m.json")));
    }

    @Test
    void aBadOptionIsOneLineAndExitTwoBeforeSparkStarts(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int code = SparkTrainCommand.run(new String[] {"--spark", "local[2]", "--data", IRIS.toString(), "--label", "species",
                "--optimizer", "lbfgs", "--out", dir.resolve("m.json").toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertEquals(2, code);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("--optimizer"), err.toString());
        assertFalse(Files.exists(dir.resolve("m.json")));
    }

    @Test
    void anOutputOverTheDataIsRefusedBeforeSparkStarts(@TempDir Path dir) throws Exception {
        Path data = Files.copy(IRIS, dir.resolve("iris.csv"));
        byte[] before = Files.readAllBytes(data);
        for (String option : new String[] {"--out", "--report", "--metrics"}) {
            StringWriter err = new StringWriter();
            String out = option.equals("--out") ? data.toString() : dir.resolve("m.json").toString();
            String[] args = {"--spark", "local[2]", "--data", data.toString(), "--label", "species", "--out", out, option, data.toString()};
            if (option.equals("--out")) args = java.util.Arrays.copyOf(args, args.length - 2);
            assertEquals(2, SparkTrainCommand.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err)));
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
            assertTrue(err.toString().contains(option + " " + data + " is the same file as --data " + data), err.toString());
            assertArrayEquals(before, Files.readAllBytes(data));
        }
    }

    @Test
    @EnabledForJreRange(maxVersion = SparkLaunch.NEWEST_JAVA)
    void aCheckpointOnSparkResumesToTheModelOfTheWholeRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("m.json"), checkpoint = dir.resolve("run.ckpt.json");
        String[] whole = {"--spark", "local[2]", "--data", IRIS.toAbsolutePath().toString(), "--label", "species", "--layers", "6",
                "--loss", "cross-entropy", "--batch-size", "16", "--epochs", "3", "--learning-rate", "0.01", "--optimizer", "adam",
                "--partitions", "2", "--quiet", "--out", out.toString(), "--checkpoint", checkpoint.toString(), "--checkpoint-every", "2"};
        StringWriter err = new StringWriter();
        assertEquals(0, SparkTrainCommand.run(whole, new PrintWriter(new StringWriter()), new PrintWriter(err)), err.toString());
        Model uninterrupted = ModelJson.read(out);
        assertEquals(2, ModelJson.readFile(checkpoint).checkpoint().epoch());
        Files.delete(out);

        StringWriter err2 = new StringWriter();
        assertEquals(0, SparkTrainCommand.run(new String[] {"--spark", "local[2]", "--resume", checkpoint.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err2)), err2.toString());
        assertSameWeights(uninterrupted.network(), ModelJson.read(out).network(), 0f);   // epoch 3 again, from the checkpoint
        assertEquals(3, ModelJson.readFile(out).training().stoppedEpoch());

        StringWriter bad = new StringWriter();
        assertEquals(2, SparkTrainCommand.run(new String[] {"--spark", "local[2]", "--resume", checkpoint.toString(), "--epochs", "5"},
                new PrintWriter(new StringWriter()), new PrintWriter(bad)));
        assertEquals(1, bad.toString().strip().lines().count(), bad.toString());
        assertTrue(bad.toString().contains("--resume FILE takes no other option than --spark MASTER"), bad.toString());
    }

    /**
     * A JVM without Spark's --add-opens flags (a driver the cluster started with --deploy-mode cluster,
     * when spark.driver.extraJavaOptions does not carry them) is told in one line which flags to give and
     * where, exit 2, before Spark fails with an IllegalAccessError.
     */
    @Test
    @EnabledForJreRange(maxVersion = SparkLaunch.NEWEST_JAVA)
    void aJvmWithoutSparksFlagsIsToldWhichToGiveInOneLine(@TempDir Path dir) throws Exception {
        String jvm = ProcessHandle.current().info().command().orElse("java");
        for (boolean cluster : new boolean[] {false, true}) {
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(jvm, "-cp", System.getProperty("java.class.path")));
            if (cluster) command.add("-Dspark.submit.deployMode=cluster");
            command.addAll(java.util.List.of(SparkTrainCommand.class.getName(), "--data", IRIS.toString(), "--label", "species",
                    "--out", dir.resolve("never.json").toString()));
            Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            assertEquals(2, p.waitFor(), err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("nn train --spark: this JVM lacks the --add-opens flags Spark 3.5 needs on Java 17"), err);
            assertTrue(err.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), err);
            assertEquals(cluster, err.contains("give them to spark-submit: --conf spark.driver.extraJavaOptions=\""), err);
            assertFalse(Files.exists(dir.resolve("never.json")));
        }
    }
}
