package org.backprop4j.train;

/**
 * K, the number of samples per gradient step: the whole data set (batch gradient descent), 1
 * (stochastic) or B (mini-batch). The three differ in nothing else (seed sections 6–8).
 *
 * @param size the batch size B ≥ 1, or 0 for the full data set
 */
public record BatchSize(int size) {
    public static final BatchSize FULL = new BatchSize(0);

    public BatchSize {
        if (size < 0) throw new IllegalArgumentException("batch size must be a positive integer or 'full', got " + size);
    }

    public static BatchSize of(int size) {
        if (size < 1) throw new IllegalArgumentException("batch size must be a positive integer or 'full', got " + size);
        return new BatchSize(size);
    }

    /** Parses "full" or a positive integer. */
    public static BatchSize parse(String text) {
        if (text.equalsIgnoreCase("full")) return FULL;
        try {
            return of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("batch size must be a positive integer or 'full', got '" + text + "'");
        }
    }

    public boolean isFull() {
        return size == 0;
    }

    /** K for a data set of n samples (the largest batch of an epoch). */
    public int k(int n) {
        return isFull() ? n : Math.min(size, n);
    }

    @Override
    public String toString() {
        return isFull() ? "full" : Integer.toString(size);
    }
}
