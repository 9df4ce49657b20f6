package org.backprop4j.eval;

import org.backprop4j.data.Dataset;
import org.backprop4j.math.Matrix;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoldsTest {
    /** 23 samples: 12 of class 0, 8 of class 1, 3 of class 2. */
    private static Dataset data() {
        int[] labels = new int[23];
        for (int i = 0; i < 23; i++) labels[i] = i < 12 ? 0 : i < 20 ? 1 : 2;
        return Dataset.classification(new Matrix(23, 1), labels, List.of("a", "b", "c"), "t");
    }

    @Test
    void everyRowIsHeldOutExactlyOnceAndFoldSizesDifferByAtMostOne() {
        for (boolean stratified : new boolean[] {true, false}) {
            int[][] folds = Folds.split(data(), 4, stratified, 1);
            int[] count = new int[23];
            for (int[] f : folds) {
                assertTrue(f.length == 5 || f.length == 6, Arrays.toString(f));
                for (int i : f) count[i]++;
            }
            for (int c : count) assertEquals(1, c);
            int[] rest = Folds.complement(folds[0], 23);
            assertEquals(23 - folds[0].length, rest.length);
            for (int i : folds[0]) assertTrue(Arrays.binarySearch(rest, i) < 0);
        }
    }

    @Test
    void stratifiedFoldsKeepTheClassProportions() {
        int[] labels = data().labels();
        for (int[] fold : Folds.split(data(), 4, true, 3)) {
            int[] perClass = new int[3];
            for (int i : fold) perClass[labels[i]]++;
            assertEquals(3, perClass[0], "12 / 4");
            assertEquals(2, perClass[1], "8 / 4");
            assertTrue(perClass[2] <= 1);
        }
    }

    @Test
    void theSeedFixesTheFolds() {
        assertArrayEquals(Folds.split(data(), 5, true, 7), Folds.split(data(), 5, true, 7));
        assertFalse(Arrays.deepEquals(Folds.split(data(), 5, false, 7), Folds.split(data(), 5, false, 8)));
    }

    @Test
    void badFoldCounts() {
        assertThrows(IllegalArgumentException.class, () -> Folds.split(data(), 1, true, 1));
        assertThrows(IllegalArgumentException.class, () -> Folds.split(data(), 24, true, 1));
    }
}
