package org.backprop4j.eval;

import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Model;

/**
 * Everything {@code nn evaluate} reports about a model on a data set: the cost J of E4 in its two
 * parts, and for classification the per-class metrics and the log-loss, or for real-valued targets
 * MSE, MAE and R².
 *
 * @param cost           E4 as data term + L2 term, accuracy and confusion matrix
 * @param classification per-class precision/recall/F1 and macro means; null for real-valued targets
 * @param logLoss        mean −log p(true class), see {@link #logLoss}; NaN when the outputs are not
 *                       probabilities, or for real-valued targets
 * @param regression     MSE, MAE, R²; null for classification
 */
public record Metrics(Evaluation cost, ClassificationMetrics classification, double logLoss, RegressionMetrics regression) {

    /** Probabilities are clipped to [EPS, 1 − EPS] before the log (scikit-learn's default before version 1.2). */
    public static final double EPS = 1e-15;

    /** Evaluates {@code model} on raw (unscaled) {@code data} (the model's scaling is applied); lambda for E4's L2 term. */
    public static Metrics of(Model model, Dataset data, double lambda) {
        Evaluation cost = Evaluation.of(model, data, lambda);
        Matrix outputs = model.predict(data.x());
        if (!data.isClassification()) return new Metrics(cost, null, Double.NaN, RegressionMetrics.of(outputs, data.y()));
        return new Metrics(cost, ClassificationMetrics.of(cost.confusion()), logLoss(outputs, data.labels()), null);
    }

    /**
     * The log-loss (cross-entropy of the true classes): (1/N) Σ_k −ln p_k, where p_k is row k's output
     * for its true class after clipping each output to [EPS, 1 − EPS] and dividing the row by its sum.
     * For a softmax output the division changes nothing beyond rounding; for sigmoid outputs (one unit
     * per class, not summing to 1) it turns them into a distribution, as scikit-learn's log_loss did.
     * Returns NaN when an output lies outside [0, 1] (tanh, relu or identity outputs are no probabilities).
     *
     * @param outputs the network's outputs, N × classes (not modified)
     * @param truth   the true class index of each row
     */
    public static double logLoss(Matrix outputs, int[] truth) {
        if (truth.length != outputs.rows) throw new IllegalArgumentException(truth.length + " labels for " + outputs.rows + " rows");
        double sum = 0;
        for (int k = 0; k < outputs.rows; k++) {
            double rowSum = 0;
            for (int j = 0; j < outputs.cols; j++) {
                double a = outputs.get(k, j);
                if (!(a >= 0 && a <= 1)) return Double.NaN;
                rowSum += clip(a);
            }
            sum -= Math.log(clip(outputs.get(k, truth[k])) / rowSum);
        }
        return sum / outputs.rows;
    }

    private static double clip(double p) {
        return Math.max(EPS, Math.min(1 - EPS, p));
    }
}
