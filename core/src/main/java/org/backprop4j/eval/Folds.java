package org.backprop4j.eval;

import org.backprop4j.ParameterException;
import org.backprop4j.data.Shuffle;
import org.backprop4j.data.Dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Splits the rows of a data set into K folds for cross-validation: every row is held out exactly
 * once, fold sizes differ by at most one. The order is shuffled with the given seed (the same seed
 * gives the same folds). Stratified folds deal each class's rows out in turn, so every fold has
 * (up to rounding) the class proportions of the whole.
 */
public final class Folds {
    private Folds() {
    }

    /**
     * The held-out rows of each of the K folds (each array sorted ascending).
     *
     * @param stratified keep class proportions (classification data only; ignored otherwise)
     */
    public static int[][] split(Dataset data, int k, boolean stratified, long seed) {
        int n = data.size();
        if (k < 2) throw new ParameterException("folds", "must be at least 2, got " + k);
        if (k > n) throw new ParameterException("folds", k + " is more than the " + n + " samples of " + data.source());
        Random random = new Random(seed);
        List<List<Integer>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) folds.add(new ArrayList<>());
        if (stratified && data.isClassification()) {
            int[] labels = data.labels();
            int next = 0; // the fold that gets the next row: continues across classes, so sizes stay balanced
            for (int c = 0; c < data.classes().size(); c++) {
                List<Integer> rows = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (labels[i] == c) rows.add(i);
                }
                int[] order = shuffled(rows.stream().mapToInt(Integer::intValue).toArray(), random);
                for (int row : order) {
                    folds.get(next).add(row);
                    next = (next + 1) % k;
                }
            }
        } else {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            int[] order = shuffled(all, random);
            for (int i = 0; i < n; i++) folds.get(i % k).add(order[i]);
        }
        int[][] out = new int[k][];
        for (int f = 0; f < k; f++) {
            out[f] = folds.get(f).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return out;
    }

    /** All rows of a data set of {@code n} rows that are not in {@code heldOut} (ascending). */
    public static int[] complement(int[] heldOut, int n) {
        boolean[] out = new boolean[n];
        for (int i : heldOut) out[i] = true;
        return java.util.stream.IntStream.range(0, n).filter(i -> !out[i]).toArray();
    }

    /** A shuffled copy. */
    private static int[] shuffled(int[] values, Random random) {
        int[] a = Arrays.copyOf(values, values.length);
        Shuffle.shuffle(a, random);
        return a;
    }
}
