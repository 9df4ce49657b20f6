package org.backprop4j.spark;

import org.junit.jupiter.api.condition.EnabledForJreRange;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.eval.Evaluation;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.backprop4j.spark.SparkTrainerTest.IRIS;
import static org.backprop4j.spark.SparkTrainerTest.assertSameWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Parquet, LIBSVM and a DataFrame with real-valued targets read through Spark: the same classes,
 * scaling and (full-batch, synchronous) trained weights as the local readers and trainer give.
 */
@EnabledForJreRange(maxVersion = SparkLaunch.NEWEST_JAVA)
class SparkInputTest {
    static SparkSession spark;
    static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("backprop4j-input-test")
                .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Full-batch sync from {@code read} must give the single machine's weights on {@code local} (scaled alike). */
    static void trainsLikeTheSingleMachine(Dataset local, SparkDataset read, Loss loss, Activation output) {
        Network start = Network.create(new int[] {read.inputs(), 6, read.outputs()}, Activation.TANH, output, 3);
        TrainingConfig config = TrainingConfig.builder().loss(loss).fullBatch().epochs(20).learningRate(0.3)
                .shuffle(false).threads(1).seed(1).build();
        Network single = new Trainer(config).train(start, local.scaled(read.scaler()));
        Network spread = new SparkTrainer(config, Strategy.synchronous()).train(start, read);
        assertSameWeights(single, spread, 1e-4f);
    }

    @Test
    void parquetGivesTheSameClassesScalingAndModelAsTheCsv(@TempDir Path dir) {
        String parquet = dir.resolve("iris.parquet").toString();
        spark.read().option("header", "true").option("inferSchema", "true").csv(IRIS.toString())
                .repartition(3).write().parquet(parquet);
        Dataset raw = CsvReader.read(IRIS, new Columns.Label("species"), null);
        Scaler local = Scaler.fit("standard", raw.x());
        SparkDataset read = SparkData.read(spark, parquet, "parquet", null, new Columns.Label("species"), "standard", 2);
        assertEquals(raw.classes(), read.classes());
        assertEquals(List.of("setosa", "versicolor", "virginica"), read.classes().stream()
                .map(c -> c.replaceFirst("^Iris-", "").toLowerCase(Locale.ROOT)).toList());
        assertEquals(150, read.size());
        assertEquals(4, read.inputs());
        assertEquals(3, read.outputs());
        assertArrayEquals(local.shift(), read.scaler().shift(), 1e-6f);
        assertArrayEquals(local.divide(), read.scaler().divide(), 1e-6f);
        trainsLikeTheSingleMachine(raw, read, Loss.CROSS_ENTROPY, Activation.SOFTMAX);
        read.unpersist();
    }

    @Test
    void libsvmGivesTheSameClassesScalingAndModel(@TempDir Path dir) throws IOException {
        Dataset raw = CsvReader.read(IRIS, new Columns.Label("species"), null);
        int[] labels = raw.labels();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < raw.size(); i++) {
            text.append(labels[i]);
            for (int j = 0; j < raw.x().cols; j++) text.append(' ').append(j + 1).append(':').append(raw.x().get(i, j));
            text.append('\n');
        }
        Path svm = dir.resolve("iris.svm");
        Files.writeString(svm, text);
        SparkDataset read = SparkData.read(spark, svm.toString(), "libsvm", null, new Columns.Label("ignored"), "minmax", 2);
        assertEquals(List.of("0", "1", "2"), read.classes());
        assertEquals(150, read.size());
        assertEquals(4, read.inputs());
        Scaler local = Scaler.fit("minmax", raw.x());
        assertArrayEquals(local.shift(), read.scaler().shift(), 1e-6f);
        assertArrayEquals(local.divide(), read.scaler().divide(), 1e-6f);
        // the class indexes 0, 1, 2 are the CSV's sorted class names: same one-hot targets, same model
        trainsLikeTheSingleMachine(raw, read, Loss.CROSS_ENTROPY, Activation.SOFTMAX);
        read.unpersist();
    }

    @Test
    void aDataFrameWithRealTargetsTrainsLikeTheLocalReader(@TempDir Path dir) throws IOException {
        // Iris' four measurements as inputs; two real targets: (petal length, petal width) / 10 of a shifted row
        Dataset raw = CsvReader.read(IRIS, new Columns.Label("species"), null);
        StringBuilder csv = new StringBuilder("a,b,c,d,t1,t2\n");
        for (int i = 0; i < raw.size(); i++) {
            int k = (i + 7) % raw.size();
            csv.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%s%n", raw.x().get(i, 0), raw.x().get(i, 1), raw.x().get(i, 2),
                    raw.x().get(i, 3), raw.x().get(k, 2) / 10, raw.x().get(k, 3) / 10));
        }
        Path file = dir.resolve("real.csv");
        Files.writeString(file, csv);
        Dataset local = CsvReader.read(file, new Columns.Targets(2), null);
        org.apache.spark.sql.Dataset<Row> df = spark.read().option("header", "true").option("inferSchema", "true")
                .csv(file.toString()).repartition(2);
        SparkDataset read = SparkData.fromDataFrame(df, new Columns.Targets(2), "standard", 2, "real targets");
        assertFalse(read.isClassification());
        assertEquals(List.of(), read.classes());
        assertEquals(150, read.size());
        assertEquals(4, read.inputs());
        assertEquals(2, read.outputs());
        Scaler scaler = Scaler.fit("standard", local.x());
        assertArrayEquals(scaler.shift(), read.scaler().shift(), 1e-5f);
        assertArrayEquals(scaler.divide(), read.scaler().divide(), 1e-5f);
        trainsLikeTheSingleMachine(local, read, Loss.MSE, Activation.SIGMOID);
        // the distributed cost of the result is the local one
        Network start = Network.create(new int[] {4, 6, 2}, Activation.TANH, Activation.SIGMOID, 3);
        TrainingConfig mse = TrainingConfig.builder().loss(Loss.MSE).fullBatch().epochs(20).learningRate(0.3)
                .shuffle(false).threads(1).seed(1).build();
        Network trained = new SparkTrainer(mse, Strategy.synchronous()).train(start, read);
        double distributed = SparkTrainer.evaluate(trained, Loss.MSE, read).cost();
        double single = Evaluation.of(new Model(trained, Loss.MSE, List.of(), read.scaler(), 0), local, 0).dataCost();
        assertEquals(single, distributed, 1e-5);
        read.unpersist();
    }
}
