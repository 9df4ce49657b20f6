package org.backprop4j.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingResult;
import org.junit.jupiter.api.Test;

/**
 * The same products and the same trained model, to the last bit, whatever the processor's vector
 * width and whether the JVM has the Vector API ({@link SumOrder}): child JVMs with 512-bit vectors
 * (AVX-512: the preferred shape where the processor has it), with 256-bit vectors forced
 * ({@code -Dbackprop4j.vector.bits=256}, what an AVX2 machine runs) and without the module (the
 * plain-Java kernels) print hashes of NT products that reach every engine (one sample, dots, main)
 * and of a network trained on shapes that reach them too; all must be equal. On a processor
 * without AVX-512 the 512-bit run is emulated by the JDK (slow, same arithmetic).
 */
class SameBitsEverywhereTest {

    /**
     * NT shapes m × n × k: one sample (k ≥ 16 and not), dots (a small side, both moderate), main
     * engine; the first two in this order once broke the plain-Java kernels' scratch (dots grew a
     * shared row that the main engine then trusted).
     */
    private static final int[][] SHAPES = {
        {8, 20, 300}, {8, 20, 10}, {1, 100, 784}, {1, 10, 100}, {1, 7, 17}, {1, 300, 15}, {1, 1, 16}, {32, 100, 784}, {32, 10, 256},
        {10, 256, 300}, {5, 7, 1000}, {33, 57, 270}, {256, 10, 1024}, {3, 3, 255}, {256, 300, 64}, {40, 300, 300},
    };

    /** Prints the kernels in use, then one hash per product and one for a trained network and its predictions. */
    public static void main(String[] args) throws Exception {
        Kernels kernels = Kernels.fast(2);
        String name = kernels.getClass().getSimpleName();
        if (name.equals("VectorKernels")) name += " " + org.backprop4j.math.vector.VectorKernels.lanes() + " lanes";
        System.out.println(name);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            Random r = new Random(m * 31L + n * 7L + k);
            float[] a = random(r, m * k), b = random(r, n * k), c = new float[m * n];
            kernels.gemmNT(m, n, k, a, b, c);
            System.out.println(m + "x" + n + "x" + k + " " + sha256(c));
        }
        // Batch 32 through 300-300-20-10: main engine (32×300×300), dots (32×20×300), main (k = 20)
        // forward; then a one-sample prediction of each sample (1×300×300).
        Dataset data = TestData.random(96, 300, 10, Loss.MSE, Activation.SIGMOID, 5);
        Network start = Network.create(new int[] {300, 300, 20, 10}, Activation.SIGMOID, Activation.SIGMOID, 2);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.MSE).batchSize(32).epochs(3).learningRate(0.5)
                .l2(1e-4).seed(4).threads(2).build();
        TrainingResult trained = new Trainer(config).fit(start, data);
        List<float[]> weights = new ArrayList<>();
        for (int l = 0; l < 3; l++) {
            weights.add(trained.network().layer(l).weights().data);
            weights.add(trained.network().layer(l).bias());
        }
        System.out.println("trained " + sha256(weights.toArray(new float[0][])));
        float[] w = trained.network().layer(0).weights().data, z = new float[300], all = new float[96 * 300];
        for (int i = 0; i < 96; i++) {
            kernels.gemmNT(1, 300, 300, java.util.Arrays.copyOfRange(data.x().data, i * 300, i * 300 + 300), w, z);
            System.arraycopy(z, 0, all, i * 300, 300);
        }
        System.out.println("one-sample " + sha256(all));
        // The same predictions from the layer as a predictor keeps it (the vector kernels: a copy with rows at 64-byte boundaries).
        OneSampleWeights laid = kernels.oneSampleWeights(new int[] {300}, new int[] {300}, new float[][] {w})[0];
        for (int i = 0; i < 96; i++) {
            kernels.matrixVector(laid, java.util.Arrays.copyOfRange(data.x().data, i * 300, i * 300 + 300), z);
            System.arraycopy(z, 0, all, i * 300, 300);
        }
        System.out.println("one-sample " + sha256(all));
        // Ragged layers as a predictor keeps them (the vector kernels: interleaved blocks of 8 rows, the last one
        // partial, and k mod 16 leftover terms), between L1d and L2 on the processors seen (52 KB to 314 KB).
        for (int[] s : new int[][] {{13, 1001}, {21, 2049}, {100, 785}}) {
            Random r = new Random(s[0] * 7L + s[1]);
            float[] wl = random(r, s[0] * s[1]), xl = random(r, s[1]), zl = new float[s[0]];
            OneSampleWeights l = kernels.oneSampleWeights(new int[] {s[0]}, new int[] {s[1]}, new float[][] {wl})[0];
            kernels.matrixVector(l, xl, zl);
            System.out.println("laid " + s[0] + "x" + s[1] + " " + sha256(zl));
        }
    }

    @Test
    void avx512Avx2AndPlainJavaGiveTheSameBits() throws Exception {
        List<String> wide = run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=512"));
        List<String> narrow = run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=256"));
        List<String> plain = run(List.of());
        assertEquals("VectorKernels 16 lanes", wide.get(0));
        assertEquals("VectorKernels 8 lanes", narrow.get(0));
        assertEquals("JavaKernels", plain.get(0));
        assertEquals(SHAPES.length + 7, wide.size(), String.join("\n", wide));
        assertEquals(wide.get(SHAPES.length + 2), wide.get(SHAPES.length + 3), "one sample: W in place and as a predictor keeps it");
        assertEquals(wide.subList(1, wide.size()), narrow.subList(1, narrow.size()), "512-bit and 256-bit vectors");
        assertEquals(wide.subList(1, wide.size()), plain.subList(1, plain.size()), "vectors and plain Java");
    }

    @Test
    void aBadVectorWidthIsNamed() throws Exception {
        Process p = start(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=128"));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(err.contains("backprop4j.vector.bits must be 256 or 512, got '128'"), err);
    }

    private static List<String> run(List<String> jvmOptions) throws Exception {
        Process p = start(jvmOptions);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        return out.strip().lines().toList();
    }

    private static Process start(List<String> jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Dbackprop4j.kernel.cache=off", "-cp", System.getProperty("java.class.path"),
                SameBitsEverywhereTest.class.getName()));
        return new ProcessBuilder(cmd).redirectErrorStream(false).start();
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextFloat() - 0.5f;
        return v;
    }

    private static String sha256(float[]... arrays) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (float[] a : arrays) {
            ByteBuffer buf = ByteBuffer.allocate(a.length * 4);
            for (float f : a) buf.putInt(Float.floatToRawIntBits(f));
            md.update(buf.array());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
