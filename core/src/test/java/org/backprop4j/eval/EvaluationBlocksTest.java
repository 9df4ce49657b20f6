package org.backprop4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.backprop4j.data.Dataset;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

/**
 * The evaluation runs the forward pass block by block (so a large data set does not need the z and
 * a of every layer for all rows at once): the cost, the accuracy and the confusion matrix are the
 * bits of one pass over all rows, for a data set of several blocks with a ragged end, through
 * layers that take the dot engine (300 → 12: k ≥ 256, 12 outputs) and the main engine (300 → 40, 40 → 12).
 */
class EvaluationBlocksTest {

    @Test
    void blockByBlockIsOnePassOverAllRows() {
        int n = 2 * Evaluation.BLOCK + 1234;
        boolean sawClasses = false;
        for (Loss loss : new Loss[] {Loss.MSE, Loss.CROSS_ENTROPY}) {
            Activation out = loss == Loss.MSE ? Activation.SIGMOID : Activation.SOFTMAX;
            Dataset data = classes(n, 300, 12, 7);
            for (int[] sizes : new int[][] {{300, 12}, {300, 40, 12}}) {
                Network net = Network.create(sizes, Activation.TANH, out, 3);
                Evaluation e = Evaluation.ofScaled(net, loss, data, 1e-3);

                Network.Output all = net.forward(data.x());           // the one pass over all rows
                double cost = loss.sum(all.z().data, all.a().data, data.y().data, n, 12, out) / n;
                String what = loss + " " + java.util.Arrays.toString(sizes);
                assertEquals(Double.doubleToLongBits(cost), Double.doubleToLongBits(e.dataCost()), what);
                if (!data.isClassification()) {
                    assertEquals(Double.NaN, e.accuracy(), what);
                    continue;
                }
                int[][] confusion = new int[12][12];
                int correct = 0;
                for (int i = 0; i < n; i++) {
                    int p = Dataset.argmax(all.a(), i);
                    confusion[data.labels()[i]][p]++;
                    if (p == data.labels()[i]) correct++;
                }
                assertEquals((double) correct / n, e.accuracy(), what);
                sawClasses = true;
                for (int c = 0; c < 12; c++) assertArrayEquals(confusion[c], e.confusion()[c], what);
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(sawClasses, "a classification data set was evaluated");
    }

    /**
     * A model with input scaling, on raw data: the evaluation scales block by block (no scaled copy of all
     * rows), and gives the bits of the evaluation of the data scaled as a whole.
     */
    @Test
    void scalingBlockByBlockIsScalingTheWholeDataSet() {
        int n = 2 * Evaluation.BLOCK + 777;
        Dataset raw = classes(n, 50, 5, 11);
        for (int i = 0; i < raw.x().data.length; i++) raw.x().data[i] = raw.x().data[i] * 37 + 3;   // a range for the scaling to change
        for (String method : new String[] {"minmax", "standard"}) {
            org.backprop4j.data.Scaler scaler = org.backprop4j.data.Scaler.fit(method, raw.x());
            Network net = Network.create(new int[] {50, 20, 5}, Activation.RELU, Activation.SOFTMAX, 5);
            Evaluation blocks = Evaluation.of(new org.backprop4j.nn.Model(net, Loss.CROSS_ENTROPY, raw.classes(), scaler, 0), raw, 1e-3);
            Evaluation whole = Evaluation.ofScaled(net, Loss.CROSS_ENTROPY, raw.scaled(scaler), 1e-3);
            assertEquals(Double.doubleToLongBits(whole.dataCost()), Double.doubleToLongBits(blocks.dataCost()), method);
            assertEquals(whole.accuracy(), blocks.accuracy(), method);
            for (int c = 0; c < 5; c++) assertArrayEquals(whole.confusion()[c], blocks.confusion()[c], method);
        }
    }

    /** n samples of random inputs in [-1, 1) and random labels among {@code classes}. */
    private static Dataset classes(int n, int inputs, int classes, long seed) {
        java.util.Random r = new java.util.Random(seed);
        org.backprop4j.math.Matrix x = new org.backprop4j.math.Matrix(n, inputs);
        for (int i = 0; i < x.data.length; i++) x.data[i] = 2 * r.nextFloat() - 1;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(classes);
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) names.add("c" + c);
        return Dataset.classification(x, labels, names, "random");
    }
}
