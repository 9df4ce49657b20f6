package org.backprop4j.nn;

import org.backprop4j.data.Scaler;
import org.backprop4j.math.Matrix;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Class labels from the Java API: the largest output's class, worked out by hand on an identity network. */
class PredictClassesTest {
    // one identity layer with W = I, b = 0: the outputs are the inputs, so the predicted class is read off x
    static final Network IDENTITY = new Network(List.of(new Dense(Matrix.of(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}),
            new float[3], Activation.IDENTITY)));
    static final Matrix X = Matrix.of(new float[][] {{1, 0, 0}, {0, 5, 1}, {0, 0, 2}, {1, 1, 0}, {-3, -1, -2}});

    @Test
    void labelsAreTheLargestOutputsClassesFirstWinsTies() {
        Model model = new Model(IDENTITY, Loss.MSE, List.of("cat", "dog", "emu"), Scaler.NONE, 0);
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, model.predictClassIndices(X));
        assertEquals(List.of("cat", "dog", "emu", "cat", "dog"), model.predictClasses(X));
    }

    @Test
    void predictorGivesTheSameClassPerSample() {
        Predictor p = new Predictor(IDENTITY);
        int[] expected = {0, 1, 2, 0, 1};
        for (int i = 0; i < X.rows; i++) {
            float[] row = {X.get(i, 0), X.get(i, 1), X.get(i, 2)};
            assertEquals(expected[i], p.predictClass(row), "row " + i);
        }
    }

    @Test
    void aRealValuedModelHasNoClasses() {
        Model regression = new Model(IDENTITY, Loss.MSE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> regression.predictClasses(X));
        assertEquals("the model has real-valued outputs, not classes", e.getMessage());
    }
}
