package org.backprop4j.data;

import java.util.List;

/**
 * Sample weights from class weights: each sample gets the weight of its class (its largest target), to
 * use as {@link Dataset#withWeights}. "balanced" is scikit-learn's rule, w_c = N / (C · n_c): every class
 * adds the same total weight to E3's sum, and the mean weight over the samples stays 1, so the learning
 * rate keeps its meaning.
 */
public final class ClassWeights {
    private ClassWeights() {
    }

    /** w_c = N / (C · n_c) for the C classes and their counts n_c in {@code data} (a class with no samples needs none). */
    public static double[] balanced(Dataset data) {
        requireClasses(data);
        long[] count = new long[data.classes().size()];
        for (int label : data.labels()) count[label]++;
        return balanced(count);
    }

    /** w_c = N / (C · n_c) for the class counts n_c (N their sum); what {@link #balanced(Dataset)} computes from its counts. */
    public static double[] balanced(long[] count) {
        int c = count.length;
        long n = 0;
        for (long k : count) n += k;
        double[] w = new double[c];
        for (int k = 0; k < c; k++) w[k] = count[k] == 0 ? 0 : (double) n / ((double) c * count[k]);
        return w;
    }

    /**
     * Class weights from text: "NAME=W,NAME=W,…" (every class of {@code classes} named once) or "W,W,…" (one
     * weight per class, in the order of {@code classes}). Throws IllegalArgumentException naming what is wrong.
     */
    public static double[] parse(String text, List<String> classes) {
        String[] parts = text.split(",", -1);
        double[] w = new double[classes.size()];
        boolean named = text.contains("=");
        if (!named && parts.length != classes.size()) {
            throw new IllegalArgumentException(parts.length + " weights for the " + classes.size() + " classes " + classes);
        }
        boolean[] seen = new boolean[classes.size()];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim(), value = part;
            int k = i;
            if (named) {
                int eq = part.lastIndexOf('=');
                if (eq < 0) throw new IllegalArgumentException("'" + part + "' is not NAME=WEIGHT");
                String name = part.substring(0, eq).trim();
                k = classes.indexOf(name);
                if (k < 0) throw new IllegalArgumentException("'" + name + "' is not one of the classes " + classes);
                if (seen[k]) throw new IllegalArgumentException("class '" + name + "' is given twice");
                value = part.substring(eq + 1).trim();
            }
            seen[k] = true;
            try {
                w[k] = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + value + "' is not a number");
            }
            if (!(w[k] >= 0) || Double.isInfinite(w[k])) throw new IllegalArgumentException("weight " + value + " must be finite and at least 0");
        }
        for (int k = 0; k < seen.length; k++) {
            if (!seen[k]) throw new IllegalArgumentException("no weight for class '" + classes.get(k) + "'");
        }
        return w;
    }

    /** Each sample's weight: the weight of its class. */
    public static float[] perSample(Dataset data, double[] classWeights) {
        requireClasses(data);
        if (classWeights.length != data.classes().size()) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + data.classes().size() + " classes");
        }
        int[] labels = data.labels();
        float[] w = new float[labels.length];
        for (int i = 0; i < labels.length; i++) w[i] = (float) classWeights[labels[i]];
        return w;
    }

    private static void requireClasses(Dataset data) {
        if (!data.isClassification()) throw new IllegalArgumentException(data.source() + " has real-valued targets, not classes");
    }
}
