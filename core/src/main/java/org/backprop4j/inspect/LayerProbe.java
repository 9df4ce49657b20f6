package org.backprop4j.inspect;

import org.backprop4j.data.Shuffle;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Backprop;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Looks inside a network while it trains: one forward and backward pass (E1–E10) over a fixed
 * probe of at most a few hundred training samples gives per layer the weight norm, the gradient
 * norm, the share of saturated sigmoid/tanh units and of dead ReLUs ({@link LayerStats}).
 *
 * <p>It has its own {@link Backprop} engine sized for the probe, reading the network that the
 * trainer updates but writing only its own buffers, so the training step stays untouched and
 * allocation-free; meant to run once per epoch. A fixed probe makes the numbers of successive
 * epochs (and of different batch sizes) comparable: they differ only because the weights did.
 *
 * <p>Saturated: f'(z) &lt; 10% of f'(0), its largest value (sigmoid: a(1−a) &lt; 0.025, that is
 * |z| &gt; 3.6; tanh: 1−a² &lt; 0.1, |z| &gt; 1.8). There the unit passes almost no delta back (E7)
 * and its incoming weights barely learn. Dead: a ReLU whose z ≤ 0 on every probe sample has f' = 0
 * everywhere and, unless other updates move it, never learns again.
 */
public final class LayerProbe {
    /** The largest probe; more samples would cost time without changing the shares much. */
    public static final int MAX_SAMPLES = 512;
    private static final double SATURATED = 0.1;

    private final Dataset data;
    private final Loss loss;
    private final double lambda;
    private final int[] probe;
    private final Kernels kernels;
    private Backprop engine;

    /**
     * A probe of min(N, {@code samples}) rows of {@code data} (scaled as the network sees it),
     * drawn once from {@code seed}, for a network trained with {@code loss} and L2 weight {@code lambda}.
     */
    public LayerProbe(Dataset data, Loss loss, double lambda, int samples, long seed) {
        if (samples < 1) throw new IllegalArgumentException("probe samples must be at least 1, got " + samples);
        this.data = data;
        this.loss = loss;
        this.lambda = lambda;
        this.probe = Shuffle.sample(data.size(), samples, new Random(seed));
        this.kernels = Kernels.fast(1);
    }

    public int samples() {
        return probe.length;
    }

    /** Measures {@code net} as it is now. net: not modified. */
    public List<LayerStats> measure(Network net) {
        if (engine == null || engine.network() != net) engine = new Backprop(net, loss, probe.length, kernels);
        int K = probe.length;
        engine.gradients(data.x(), data.y(), probe, 0, K);
        List<LayerStats> stats = new ArrayList<>();
        for (int l = 0; l < net.layers().size(); l++) {
            Dense d = net.layer(l);
            float[] w = d.weights().data, dW = engine.weightGradient(l);
            double weightSq = 0, gradientSq = 0;
            for (int i = 0; i < w.length; i++) {
                weightSq += (double) w[i] * w[i];
                double g = (double) dW[i] / K + lambda * w[i];               // E11's bracket: dJ/dW
                gradientSq += g * g;
            }
            Activation f = d.activation();
            double saturated = f == Activation.SIGMOID || f == Activation.TANH
                    ? saturatedShare(f, engine.z(l), engine.a(l), K * d.outputs()) : Double.NaN;
            double dead = f == Activation.RELU ? deadShare(engine.z(l), K, d.outputs()) : Double.NaN;
            stats.add(new LayerStats(l + 1, f, Math.sqrt(weightSq), Math.sqrt(gradientSq), saturated, dead));
        }
        return stats;
    }

    private static double saturatedShare(Activation f, float[] z, float[] a, int n) {
        double limit = SATURATED * f.df(0, f.f(0));                  // f' is largest at z = 0
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (f.df(z[i], a[i]) < limit) count++;
        }
        return (double) count / n;
    }

    private static double deadShare(float[] z, int K, int units) {
        int dead = 0;
        for (int j = 0; j < units; j++) {
            boolean alive = false;
            for (int r = 0; r < K && !alive; r++) alive = z[r * units + j] > 0f;
            if (!alive) dead++;
        }
        return (double) dead / units;
    }
}
