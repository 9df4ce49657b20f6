package org.backprop4j.eval;

import java.util.Arrays;

/**
 * Per-class precision, recall and F1 from a confusion matrix, with their unweighted (macro) means.
 * Conventions follow scikit-learn's defaults: a ratio whose denominator is 0 (a class never predicted,
 * or never present) counts as 0, and the macro means run over the classes that occur in the truth or
 * in the predictions, so a class absent from both does not pull them down.
 *
 * @param accuracy       share of samples on the diagonal
 * @param precision      per class c: TP_c / (TP_c + FP_c), i.e. confusion[c][c] / column sum c
 * @param recall         per class c: TP_c / (TP_c + FN_c), i.e. confusion[c][c] / row sum c
 * @param f1             per class: 2 P R / (P + R)
 * @param support        per class: the number of samples whose true class it is (row sum)
 * @param macroPrecision mean of precision over the classes that occur
 * @param macroRecall    mean of recall over the classes that occur
 * @param macroF1        mean of f1 over the classes that occur (not the F1 of the macro P and R)
 */
public record ClassificationMetrics(double accuracy, double[] precision, double[] recall, double[] f1, int[] support,
                                    double macroPrecision, double macroRecall, double macroF1) {

    /** The metrics of {@code confusion[true][predicted]} counts (square, not modified). */
    public static ClassificationMetrics of(int[][] confusion) {
        int c = confusion.length;
        double[] precision = new double[c], recall = new double[c], f1 = new double[c];
        int[] support = new int[c];
        long total = 0, correct = 0;
        int occurring = 0;
        double sumP = 0, sumR = 0, sumF = 0;
        for (int k = 0; k < c; k++) {
            if (confusion[k].length != c) throw new IllegalArgumentException("confusion matrix is not square");
            long tp = confusion[k][k], predicted = 0, actual = 0;
            for (int j = 0; j < c; j++) {
                actual += confusion[k][j];
                predicted += confusion[j][k];
            }
            support[k] = (int) actual;
            total += actual;
            correct += tp;
            precision[k] = predicted == 0 ? 0 : (double) tp / predicted;
            recall[k] = actual == 0 ? 0 : (double) tp / actual;
            f1[k] = precision[k] + recall[k] == 0 ? 0 : 2 * precision[k] * recall[k] / (precision[k] + recall[k]);
            if (actual > 0 || predicted > 0) {
                occurring++;
                sumP += precision[k];
                sumR += recall[k];
                sumF += f1[k];
            }
        }
        double accuracy = total == 0 ? Double.NaN : (double) correct / total;
        return new ClassificationMetrics(accuracy, precision, recall, f1, support,
                occurring == 0 ? Double.NaN : sumP / occurring, occurring == 0 ? Double.NaN : sumR / occurring,
                occurring == 0 ? Double.NaN : sumF / occurring);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationMetrics m && Double.compare(m.accuracy, accuracy) == 0
                && Arrays.equals(m.precision, precision) && Arrays.equals(m.recall, recall) && Arrays.equals(m.f1, f1)
                && Arrays.equals(m.support, support) && Double.compare(m.macroPrecision, macroPrecision) == 0
                && Double.compare(m.macroRecall, macroRecall) == 0 && Double.compare(m.macroF1, macroF1) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(f1) * 31 + Double.hashCode(accuracy);
    }

    @Override
    public String toString() {
        return "ClassificationMetrics[accuracy=" + accuracy + ", precision=" + Arrays.toString(precision) + ", recall="
                + Arrays.toString(recall) + ", f1=" + Arrays.toString(f1) + ", support=" + Arrays.toString(support)
                + ", macro P/R/F1=" + macroPrecision + "/" + macroRecall + "/" + macroF1 + "]";
    }
}
