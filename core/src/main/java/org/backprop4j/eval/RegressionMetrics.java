package org.backprop4j.eval;

import org.backprop4j.math.Matrix;

/**
 * How close real-valued outputs are to their targets. With N samples and m outputs:
 *
 * @param mse mean squared error over all N·m numbers: (1/(N m)) Σ_k Σ_i (h_i − y_i)². Note E4's data
 *            term with the seed's loss E3 is (1/N) Σ_k ½ Σ_i (h_i − y_i)², i.e. m/2 times this
 * @param mae mean absolute error over all N·m numbers
 * @param r2  coefficient of determination 1 − Σ(y − h)² / Σ(y − ȳ)² of each output, averaged over the
 *            outputs with equal weights (scikit-learn's default, "uniform_average"); an output whose
 *            targets are constant scores 1 if predicted exactly, else 0 (scikit-learn's convention)
 */
public record RegressionMetrics(double mse, double mae, double r2) {

    /** Compares {@code predicted} with {@code truth} (same shape, N×m; neither is modified). */
    public static RegressionMetrics of(Matrix predicted, Matrix truth) {
        if (predicted.rows != truth.rows || predicted.cols != truth.cols) {
            throw new IllegalArgumentException("predictions " + predicted + " and targets " + truth + " differ in shape");
        }
        int n = truth.rows, m = truth.cols;
        if (n == 0 || m == 0) throw new IllegalArgumentException("no targets to compare with");
        double squares = 0, absolutes = 0, r2Sum = 0;
        for (int i = 0; i < m; i++) {
            double mean = 0;
            for (int k = 0; k < n; k++) mean += truth.get(k, i);
            mean /= n;
            double residual = 0, spread = 0;
            for (int k = 0; k < n; k++) {
                double e = (double) predicted.get(k, i) - truth.get(k, i);
                double d = truth.get(k, i) - mean;
                residual += e * e;
                absolutes += Math.abs(e);
                spread += d * d;
            }
            squares += residual;
            r2Sum += spread > 0 ? 1 - residual / spread : residual == 0 ? 1 : 0;
        }
        return new RegressionMetrics(squares / ((double) n * m), absolutes / ((double) n * m), r2Sum / m);
    }
}
