package org.backprop4j.eval;

import org.backprop4j.nn.Loss;
import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;

/**
 * How well a model fits a data set: the cost J of E4 as its two parts, and for classifiers the
 * accuracy and the confusion matrix.
 *
 * @param samples   N
 * @param dataCost  (1/N) Σ J(W,b; x,y): E4's first term, with the model's loss
 * @param l2Cost    (lambda/2) Σ W²: E4's second term
 * @param lambda    the lambda used for l2Cost
 * @param accuracy  share of rows whose largest output is the true class; NaN without classes
 * @param confusion confusion[true][predicted] counts; empty without classes
 */
public record Evaluation(int samples, double dataCost, double l2Cost, double lambda, double accuracy, int[][] confusion) {

    /** J(W,b) of E4. */
    public double cost() {
        return dataCost + l2Cost;
    }

    /**
     * Evaluates {@code model} on raw (unscaled) {@code data}; the model's scaling is applied block by
     * block (no scaled copy of all of data: the 60000 x 784 inputs of MNIST would be 188 MB more).
     */
    public static Evaluation of(Model model, Dataset data, double lambda) {
        return of(model.network(), model.loss(), model.scaler(), data, lambda);
    }

    /**
     * Evaluates {@code net} with {@code loss} on {@code scaled}, data already scaled as the network
     * takes it (the trainer's view: a validation set, a checkpoint of {@code nn compare}).
     */
    public static Evaluation ofScaled(Network net, Loss loss, Dataset scaled, double lambda) {
        return of(net, loss, Scaler.NONE, scaled, lambda);
    }

    /**
     * Rows per block of the forward pass: the z and a of every layer for a block, not for the whole
     * data set (60,000 × 1,024 floats a matrix would be 245 MB each). Blocks of more than 256 rows
     * take the same product engines as all rows at once (see math.SumOrder), so the outputs are the
     * same bits; the last block takes the leftover rows with it.
     */
    static final int BLOCK = 4096;

    /** E4's two parts (and the confusion matrix) of {@code net} on the inputs of {@code data} scaled by {@code scaler}. */
    private static Evaluation of(Network net, Loss loss, Scaler scaler, Dataset data, double lambda) {
        Matrix x = data.x();
        if (data.y().cols != net.outputs()) {
            throw new IllegalArgumentException(data.source() + " has " + data.y().cols + " targets but the model has "
                    + net.outputs() + " outputs");
        }
        Activation f = net.layer(net.layers().size() - 1).activation();
        int n = data.size(), c = net.outputs();
        boolean classes = data.isClassification();
        int[][] confusion = new int[classes ? c : 0][classes ? c : 0];
        int correct = 0;
        int[] truth = classes ? data.labels() : null;
        double sum = 0;
        for (int from = 0; from < n; ) {
            int rows = n - from < 2 * BLOCK ? n - from : BLOCK;
            Matrix block = rows == n ? scaler.transform(x) : scaler.transformRows(x, from, rows);   // scaled block by block
            Network.Output out = net.forward(block);
            float[] y = rows == n ? data.y().data : java.util.Arrays.copyOfRange(data.y().data, from * c, (from + rows) * c);
            sum = loss.sumFrom(sum, out.z().data, out.a().data, y, rows, c, f);
            for (int i = 0; classes && i < rows; i++) {
                int predicted = Dataset.argmax(out.a(), i);
                confusion[truth[from + i]][predicted]++;
                if (predicted == truth[from + i]) correct++;
            }
            from += rows;
        }
        double dataCost = sum / n;
        double l2Cost = lambda / 2 * net.sumOfSquaredWeights();
        if (!classes) return new Evaluation(n, dataCost, l2Cost, lambda, Double.NaN, new int[0][0]);
        return new Evaluation(n, dataCost, l2Cost, lambda, (double) correct / n, confusion);
    }
}
