package org.backprop4j.spark;

import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.IdxReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The comparison of docs/SCALING.md (bench/spark-scaling.sh): Spark MLlib's own
 * MultilayerPerceptronClassifier (sigmoid hidden layers, softmax output, L-BFGS) on the same MNIST
 * data and network shape, for several iteration budgets, printing training time and test accuracy.
 * Not part of the library's API.
 *
 * <p>Arguments: MASTER TRAIN-IMAGES TRAIN-LABELS TEST-IMAGES TEST-LABELS HIDDEN MAXITER[,MAXITER...] [TARGET[,TARGET...]]
 * <p>With accuracy targets (in %), one untimed fit of 2 iterations warms the JVM up first, and for each target the
 * shortest training time of a fit that reached it is printed ("time to >= X% accuracy").
 */
public final class MllibBaseline {
    private MllibBaseline() { }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master(args[0]).appName("mllib baseline").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        Dataset train = IdxReader.read(Path.of(args[1]), Path.of(args[2]), null);
        Dataset test = IdxReader.read(Path.of(args[3]), Path.of(args[4]), train.classes());
        int hidden = Integer.parseInt(args[5]);
        int partitions = spark.sparkContext().defaultParallelism();
        org.apache.spark.sql.Dataset<Row> trainDf = frame(spark, train).repartition(partitions).cache();
        org.apache.spark.sql.Dataset<Row> testDf = frame(spark, test).cache();
        trainDf.count();
        testDf.count();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        String[] targetText = args.length > 7 ? args[7].split(",") : new String[0];
        if (targetText.length > 0) {
            new MultilayerPerceptronClassifier().setLayers(new int[] {train.x().cols, hidden, train.y().cols}).setMaxIter(2)
                    .setSeed(1).setBlockSize(128).fit(trainDf);   // warm-up, not reported
        }
        List<double[]> fits = new ArrayList<>();   // {maxIter, seconds, accuracy}
        for (String iterations : args[6].split(",")) {
            long start = System.nanoTime();
            MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier()
                    .setLayers(new int[] {train.x().cols, hidden, train.y().cols}).setMaxIter(Integer.parseInt(iterations))
                    .setSeed(1).setBlockSize(128).fit(trainDf);
            double seconds = (System.nanoTime() - start) / 1e9;
            double acc = accuracy.evaluate(model.transform(testDf));
            System.out.printf("mllib MultilayerPerceptronClassifier %s, maxIter %s: %.2f s training, test accuracy %.2f%%%n",
                    spark.sparkContext().master(), iterations, seconds, 100 * acc);
            fits.add(new double[] {Integer.parseInt(iterations), seconds, acc});
        }
        for (String t : targetText) {
            double target = Double.parseDouble(t);
            double[] best = null;
            for (double[] fit : fits) if (100 * fit[2] >= target && (best == null || fit[1] < best[1])) best = fit;
            System.out.println(best == null ? String.format("mllib: time to >= %.2f%% accuracy: not reached", target)
                    : String.format("mllib: time to >= %.2f%% accuracy: %.2f s (maxIter %d)", target, best[1], (int) best[0]));
        }
        spark.stop();
    }

    private static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset data) {
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType());
        int[] labels = data.labels();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            double[] x = new double[data.x().cols];
            for (int j = 0; j < x.length; j++) x[j] = data.x().get(i, j);
            rows.add(RowFactory.create((double) labels[i], Vectors.dense(x)));
        }
        return spark.createDataFrame(rows, schema);
    }
}
