package org.backprop4j.spark;

import org.apache.spark.sql.SparkSession;
import org.backprop4j.data.Columns;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.BatchSize;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The time-to-accuracy comparison of docs/SCALING.md (bench/spark-scaling.sh tta): trains our
 * network on Spark with each given setting, evaluates it on the test set after every epoch (the
 * evaluation is not counted in the training time), and prints the cumulative training seconds and
 * test accuracy per epoch; then, for each accuracy target, the first time a run reached it. MLlib's
 * figures come from {@link MllibBaseline} in the same script. Not part of the library's API.
 *
 * <p>Arguments: MASTER TRAIN-IMAGES TRAIN-LABELS TEST-IMAGES TEST-LABELS HIDDEN TARGET[,TARGET...] RUN...
 * where RUN is {@code strategy:averageEvery:optimizer:learningRate:batch:epochs}, e.g. {@code average:40:sgd:0.5:100:20}
 * ({@code sync:0:adam:0.001:1000:10}). One untimed epoch of the first run warms the JVM up first.
 */
public final class TimeToAccuracy {
    private TimeToAccuracy() { }

    record Point(int epoch, double seconds, double accuracy) { }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master(args[0]).appName("time to accuracy").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        SparkDataset train = SparkData.read(spark, args[1], "idx", Path.of(args[2]), new Columns.Label("label"), "none", 0);
        SparkDataset test = SparkData.readLike(spark, args[3], "idx", Path.of(args[4]), new Columns.Label("label"), train, 0);
        int hidden = Integer.parseInt(args[5]);
        String[] targetText = args[6].split(",");
        double[] targets = new double[targetText.length];
        for (int i = 0; i < targets.length; i++) targets[i] = Double.parseDouble(targetText[i]);
        int[] sizes = {train.inputs(), hidden, train.outputs()};

        run(spark, train, test, sizes, args[7].replaceFirst(":\\d+$", ":1"), false);   // warm-up, not reported
        List<String> names = new ArrayList<>();
        List<List<Point>> curves = new ArrayList<>();
        for (int r = 7; r < args.length; r++) {
            names.add(args[r]);
            curves.add(run(spark, train, test, sizes, args[r], true));
        }
        for (double target : targets) {
            String best = null;
            double bestSeconds = Double.POSITIVE_INFINITY;
            for (int r = 0; r < curves.size(); r++) {
                for (Point p : curves.get(r)) {
                    if (100 * p.accuracy() >= target) {
                        if (p.seconds() < bestSeconds) {
                            bestSeconds = p.seconds();
                            best = names.get(r) + " epoch " + p.epoch();
                        }
                        break;
                    }
                }
            }
            System.out.println(best == null ? String.format("ours: time to >= %.2f%% accuracy: not reached", target)
                    : String.format("ours: time to >= %.2f%% accuracy: %.2f s (%s)", target, bestSeconds, best));
        }
        spark.stop();
    }

    private static List<Point> run(SparkSession spark, SparkDataset train, SparkDataset test, int[] sizes, String spec, boolean print) {
        String[] f = spec.split(":");
        if (f.length != 6) throw new IllegalArgumentException("run '" + spec + "': want strategy:every:optimizer:rate:batch:epochs");
        Strategy how = f[0].equals("sync") ? Strategy.synchronous() : Strategy.averaging(Integer.parseInt(f[1]));
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(BatchSize.parse(f[4]))
                .epochs(Integer.parseInt(f[5])).learningRate(Double.parseDouble(f[3])).seed(1).threads(1)
                .updateRule(rule(f[2])).build();
        Network start = Network.create(sizes, Activation.SIGMOID, Activation.SOFTMAX, 1);
        List<Point> points = new ArrayList<>();
        long[] evaluating = {0};
        long began = System.nanoTime();
        TrainingListener listener = new TrainingListener() {
            Network training;

            @Override public void onStart(Network net) {
                training = net;
            }

            @Override public void onEpoch(EpochStats s) {
                long t0 = System.nanoTime();
                double seconds = (t0 - began - evaluating[0]) / 1e9;
                double accuracy = SparkTrainer.evaluate(training, Loss.CROSS_ENTROPY, test).accuracy();
                points.add(new Point(s.epoch(), seconds, accuracy));
                if (print) System.out.printf("ours %s (%s) epoch %d: %.2f s training, test accuracy %.2f%%%n",
                        spark.sparkContext().master(), spec, s.epoch(), seconds, 100 * accuracy);
                evaluating[0] += System.nanoTime() - t0;
            }
        };
        new SparkTrainer(config, how, listener).fit(start, train);
        return points;
    }

    /** The update rule named as --optimizer names it, with its default parameters. */
    private static org.backprop4j.train.UpdateRule rule(String name) {
        org.backprop4j.options.TrainingOptions o = new org.backprop4j.options.TrainingOptions();
        o.optimizer = name;
        return o.updateRule();
    }
}
