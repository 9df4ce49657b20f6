package org.backprop4j.train;

import java.util.Random;

/**
 * Inverted dropout on the output a of one hidden layer, during training only (Srivastava et al.
 * 2014): each unit of each sample is kept with probability 1 − p and then scaled by 1/(1 − p), so
 * that its expected value is a and a network used without dropout (prediction, evaluation, the
 * model file) needs no rescaling. Forward and backward use the same mask: ã = a ⊙ m, and the
 * gradient flowing back through ã is multiplied by m before E7's ⊙ f'(z).
 *
 * <p>Owns its mask, sized once for the largest batch; draws from the {@link Random} it is given
 * (the trainer reseeds it each epoch, so runs are reproducible and a continued run draws what an
 * uninterrupted one would).
 */
final class Dropout {
    private final float p;
    private final float keepScale;
    private final float[] mask;
    private final Random random;

    Dropout(double p, int maxElements, Random random) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("dropout rate must be in (0, 1), got " + p);
        this.p = (float) p;
        this.keepScale = (float) (1 / (1 - p));
        this.mask = new float[maxElements];
        this.random = random;
    }

    /** out := a ⊙ m for n elements, with a fresh mask m_i = 0 (probability p) or 1/(1 − p). a: not modified. */
    void forward(float[] a, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            mask[i] = random.nextFloat() < p ? 0f : keepScale;
            out[i] = a[i] * mask[i];
        }
    }

    /** g := g ⊙ m with the mask of the last {@link #forward}: the gradient with respect to a, given that with respect to ã. */
    void backward(float[] g, int n) {
        for (int i = 0; i < n; i++) g[i] *= mask[i];
    }
}
