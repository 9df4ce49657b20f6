package org.backprop4j;

import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;

import java.util.List;
import java.util.Random;

/** Random data for tests: inputs in [-1, 1), targets that suit the loss and output activation. */
public final class TestData {
    private TestData() {
    }

    public static Dataset random(int n, int inputs, int outputs, Loss loss, Activation out, long seed) {
        Random r = new Random(seed);
        Matrix x = new Matrix(n, inputs);
        for (int i = 0; i < x.data.length; i++) x.data[i] = (float) (2 * r.nextDouble() - 1);
        Matrix y = new Matrix(n, outputs);
        for (int i = 0; i < n; i++) {
            if (out == Activation.SOFTMAX) {
                y.set(i, r.nextInt(outputs), 1f);                         // one-hot classes
            } else {
                for (int j = 0; j < outputs; j++) {
                    double v = loss == Loss.CROSS_ENTROPY || out == Activation.SIGMOID ? r.nextDouble()
                            : out == Activation.TANH ? 2 * r.nextDouble() - 1 : 2 * r.nextDouble() - 0.5;
                    y.set(i, j, (float) v);
                }
            }
        }
        return new Dataset(x, y, List.of(), "random");
    }

    public static double[][] rows(Matrix m) {
        double[][] out = new double[m.rows][m.cols];
        for (int i = 0; i < m.rows; i++) for (int j = 0; j < m.cols; j++) out[i][j] = m.get(i, j);
        return out;
    }
}
