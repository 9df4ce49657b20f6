package org.backprop4j.bench;

import org.backprop4j.data.Shuffle;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Backprop;

import java.util.Random;

/**
 * W1 or W2 as the step benches ({@link StepCalls}, {@link VariantSteps}) run it: the network, 60,000 synthetic samples
 * (inputs uniform in [0,1), one-hot targets of 10 random classes) in a shuffled order, and one training step — the
 * gradients through {@link Backprop}, then the seed's update (E11, E12) of every layer — as {@code nn bench} runs them.
 */
record StepWorkload(boolean w2, Network net, Loss loss, int batch, Matrix x, Matrix y, int[] order) {
    static final int SAMPLES = 60_000;

    static StepWorkload of(boolean w2) {
        int[] sizes = w2 ? new int[] {784, 1024, 1024, 10} : new int[] {784, 100, 10};
        Network net = w2 ? Network.create(sizes, Activation.RELU, Activation.SOFTMAX, 1)
                : Network.create(sizes, Activation.SIGMOID, Activation.SIGMOID, 1);
        Random r = new Random(1);
        Matrix x = new Matrix(SAMPLES, sizes[0]), y = new Matrix(SAMPLES, sizes[sizes.length - 1]);
        for (int i = 0; i < x.data.length; i++) x.data[i] = r.nextFloat();
        for (int i = 0; i < SAMPLES; i++) y.data[i * y.cols + r.nextInt(y.cols)] = 1f;
        int[] order = Shuffle.identity(SAMPLES);
        Shuffle.shuffle(order, r);
        return new StepWorkload(w2, net, w2 ? Loss.CROSS_ENTROPY : Loss.MSE, w2 ? 256 : 32, x, y, order);
    }

    /** A gradient engine of this workload's network on {@code kernels}. */
    Backprop engine(Kernels kernels) {
        return new Backprop(net, loss, batch, kernels);
    }

    /** Training step s: the gradients of its batch, then every layer's update through {@code kernels}. */
    void step(Backprop engine, Kernels kernels, int s) {
        engine.gradients(x, y, order, (s * batch) % (SAMPLES - batch), batch);
        for (int l = 0; l < net.layers().size(); l++) {
            Dense d = net.layer(l);
            kernels.descend(d.outputs(), d.inputs(), d.weights().data, engine.weightGradient(l), 1e-6f, batch, 1e-4f);
            kernels.descend(d.bias().length, d.bias(), engine.biasGradient(l), 1e-6f, batch, 0f);
        }
    }
}
