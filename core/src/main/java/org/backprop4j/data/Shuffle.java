package org.backprop4j.data;

import java.util.Random;

/**
 * The one Fisher–Yates shuffle of the project, in its two forms: a whole order shuffled from the
 * end (the samples of an epoch in {@code Trainer} and in each Spark partition, the folds of
 * cross-validation, the held-out validation rows) and a sample without replacement drawn from the
 * front (the probe rows of {@code LayerProbe}, the rows of a gradient check). The same generator
 * gives the same order wherever it is used.
 */
public final class Shuffle {
    private Shuffle() { }

    /** 0, 1, …, n−1. */
    public static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /**
     * Shuffles {@code order} in place: for i = n−1 down to 1, order[i] is swapped with order[j],
     * j = random.nextInt(i + 1). order: modified; random: advanced by n−1 draws.
     */
    public static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /**
     * min(n, k) distinct indices of 0 … n−1 drawn without replacement, in the order drawn: the
     * first min(n, k) steps of the shuffle from the front (for i = 0, 1, …, position i is swapped
     * with j = i + random.nextInt(n − i)). random: advanced by min(n, k) draws.
     */
    public static int[] sample(int n, int k, Random random) {
        int[] order = identity(n);
        int m = Math.min(n, k);
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return java.util.Arrays.copyOf(order, m);
    }
}
