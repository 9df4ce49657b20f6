package org.backprop4j.bench;

import org.backprop4j.math.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The three matrix products of a training step on the workloads' layer shapes (m×n×k as in
 * {@link Kernels}): W1's first layer with a batch of 32, and W2's widest layer with a batch of 256.
 * Divide 2·m·n·k by the reported time for GFLOP/s.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar KernelBench -p threads=1,2</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {

    /** "batch x out x in": forward NT is (batch, out, in), backward NN is (batch, in, out), gradient TN is (out, in, batch). */
    @Param({"32x100x784", "256x1024x784", "256x1024x1024"})
    public String shape;

    @Param({"fast", "java"})
    public String impl;

    @Param({"1", "2"})
    public int threads;

    private Kernels kernels;
    private int batch, out, in;
    private float[] a, w, z, delta, dW, back;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        batch = Integer.parseInt(p[0]);
        out = Integer.parseInt(p[1]);
        in = Integer.parseInt(p[2]);
        kernels = impl.equals("fast") ? Kernels.fast(threads) : Kernels.java();
        Random r = new Random(1);
        a = random(batch * in, r);
        w = random(out * in, r);
        delta = random(batch * out, r);
        z = new float[batch * out];
        dW = new float[out * in];
        back = new float[batch * in];
    }

    private static float[] random(int n, Random r) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() - 0.5f;
        return x;
    }

    @Benchmark
    public float[] forwardNT() {
        kernels.gemmNT(batch, out, in, a, w, z);          // Z = A·Wᵀ (E1)
        return z;
    }

    @Benchmark
    public float[] backwardNN() {
        kernels.gemmNN(batch, in, out, delta, w, back);   // Δ·W (E7)
        return back;
    }

    @Benchmark
    public float[] gradientTN() {
        kernels.gemmTN(out, in, batch, delta, a, dW);     // ΔW = Δᵀ·A (E10)
        return dW;
    }
}
