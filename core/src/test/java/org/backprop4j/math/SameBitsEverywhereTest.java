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
 * ({@code -Dbackprop4j.vector.bits=256}, what an AVX2 machine runs), with 128-bit vectors forced (what an
 * ARM core's NEON runs; the same code under an emulated aarch64: docs/PERFORMANCE.md, "ARM") and without the module (the
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
        // W1's first layer, in place and as a predictor keeps it, 30,000 times each, every result compared with the
        // first: the calls above run before C2 compiles the kernels, and a compiled Vector API reduceLanes may add
        // the lanes in any order (JDK 25's C2 adds them as a tree; math.vector.MatrixVector#laneSum).
        Random r = new Random(11);
        float[] w1 = random(r, 100 * 784), x1 = random(r, 784), first = new float[100], z1 = new float[100];
        OneSampleWeights l1 = kernels.oneSampleWeights(new int[] {100}, new int[] {784}, new float[][] {w1})[0];
        for (boolean copy : new boolean[] {false, true}) {
            boolean same = true;
            for (int i = 0; i < 30_000; i++) {
                if (copy) kernels.matrixVector(l1, x1, z1);
                else kernels.gemmNT(1, 100, 784, x1, w1, z1);
                if (i == 0) System.arraycopy(z1, 0, first, 0, 100);
                else same &= java.util.Arrays.equals(first, z1);
            }
            System.out.println("compiled " + (copy ? "copy " : "in place ") + same + " " + sha256(z1));
        }
    }

    @Test
    void avx512Avx2NeonAndPlainJavaGiveTheSameBits() throws Exception {
        List<String> wide = run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=512"));
        List<String> narrow = run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=256"));
        List<String> quarter = run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=128"));
        List<String> plain = run(List.of());
        // the in-order lane sums as scalar adds (how JVMs other than 17 add them) and, on JDK 17, by reduceLanes (its
        // way there). Elsewhere reduceLanes forced is expected to differ: JDK 25's compiled one adds lanes as a tree,
        // which is why the kernels do not use it there (a build on JDK 25 failed here when this child ran everywhere).
        List<String> scalarSums = run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=512", "-Dbackprop4j.laneSum=scalar"));
        List<String> reduceSums = Runtime.version().feature() != 17 ? null
                : run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=512", "-Dbackprop4j.laneSum=reduceLanes"));
        // the one-sample blocks of eight rows with their loads written the other way round (JDK 17 forward, others reversed)
        List<String> otherLoads = run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=512",
                "-Dbackprop4j.oneSampleLoads=" + (Runtime.version().feature() == 17 ? "reversed" : "forward")));
        assertEquals("VectorKernels 16 lanes", wide.get(0));
        assertEquals("VectorKernels 8 lanes", narrow.get(0));
        assertEquals("VectorKernels 4 lanes", quarter.get(0));
        assertEquals("JavaKernels", plain.get(0));
        assertEquals(SHAPES.length + 9, wide.size(), String.join("\n", wide));
        assertTrue(wide.get(SHAPES.length + 7).startsWith("compiled in place true "), wide.get(SHAPES.length + 7));
        assertTrue(wide.get(SHAPES.length + 8).startsWith("compiled copy true "), wide.get(SHAPES.length + 8));
        assertEquals(wide.get(SHAPES.length + 2), wide.get(SHAPES.length + 3), "one sample: W in place and as a predictor keeps it");
        assertEquals(wide.subList(1, wide.size()), narrow.subList(1, narrow.size()), "512-bit and 256-bit vectors");
        assertEquals(wide.subList(1, wide.size()), quarter.subList(1, quarter.size()), "512-bit and 128-bit vectors");
        assertEquals(wide.subList(1, wide.size()), plain.subList(1, plain.size()), "vectors and plain Java");
        assertEquals(wide, scalarSums, "lane sums by scalar adds");
        if (reduceSums != null) assertEquals(wide, reduceSums, "lane sums by reduceLanes");
        assertEquals(wide, otherLoads, "the one-sample loads in the other order");
    }

    /**
     * The same bits on another JDK: the newest other one installed under /usr/lib/jvm (Debian's layout; a JDK 25 on
     * this project's machines), or the one {@code BACKPROP4J_OTHER_JDK} names; skipped if there is none. JDK 25's
     * C2 once gave one-sample products other bits than JDK 17's (a compiled reduceLanes adding lanes as a tree).
     */
    @Test
    void anotherJdkGivesTheSameBits() throws Exception {
        Path other = otherJdk();
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "no other JDK under /usr/lib/jvm nor in BACKPROP4J_OTHER_JDK");
        List<String> here = run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=512"));
        List<String> there = run(other, List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=512"));
        assertEquals(here, there, "this JDK (" + System.getProperty("java.home") + ") and " + other);
    }

    /** The java.home of another JDK, 17 or newer (see {@link #anotherJdkGivesTheSameBits}), or null. */
    private static Path otherJdk() throws Exception {
        String named = System.getenv("BACKPROP4J_OTHER_JDK");
        if (named != null && !named.isBlank()) return Path.of(named);
        Path self = Path.of(System.getProperty("java.home")).toRealPath(), best = null;
        int bestMajor = 0;
        java.io.File[] homes = new java.io.File("/usr/lib/jvm").listFiles();
        for (java.io.File home : homes == null ? new java.io.File[0] : homes) {
            Path release = home.toPath().resolve("release");
            if (!java.nio.file.Files.isRegularFile(release) || !java.nio.file.Files.isExecutable(home.toPath().resolve("bin/java"))) continue;
            if (home.toPath().toRealPath().equals(self)) continue;
            // Another architecture's JDK (Debian's arm64 one, installed to run under qemu) would not start here.
            if (!osArch(release).equals(osArch(self.resolve("release")))) continue;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(java.nio.file.Files.readString(release));
            int major = m.find() ? Integer.parseInt(m.group(1)) : 0;
            if (major >= 17 && major != Runtime.version().feature() && major > bestMajor) {
                best = home.toPath();
                bestMajor = major;
            }
        }
        return best;
    }

    /** The OS_ARCH of a JDK's release file ("x86_64", "aarch64"), or "" if it names none. */
    private static String osArch(Path release) throws Exception {
        if (!java.nio.file.Files.isRegularFile(release)) return "";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("OS_ARCH=\"([^\"]*)\"").matcher(java.nio.file.Files.readString(release));
        return m.find() ? m.group(1) : "";
    }

    @Test
    void aBadVectorWidthLaneSumLoadOrderOrRowLayoutIsNamed() throws Exception {
        Process p = start(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.vector.bits=64"));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor() != 0, err);
        assertTrue(err.contains("IllegalArgumentException: backprop4j.vector.bits must be 128, 256 or 512, got '64'"), err);
        assertTrue(!err.contains("plain-Java kernels"), "a refused setting is an error, not a fallback: " + err);
        Process q = start(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.laneSum=tree"));
        String qErr = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(q.waitFor() != 0, qErr);
        assertTrue(qErr.contains("IllegalArgumentException: backprop4j.laneSum must be reduceLanes or scalar, got 'tree'"), qErr);
        Process o = start(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.oneSampleLoads=sideways"));
        String oErr = new String(o.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(o.waitFor() != 0, oErr);
        assertTrue(oErr.contains("IllegalArgumentException: backprop4j.oneSampleLoads must be forward or reversed, got 'sideways'"), oErr);
        Process r = start(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.rowBlocks=columns"));
        String rErr = new String(r.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(r.waitFor() != 0, rErr);
        assertTrue(rErr.contains("IllegalArgumentException: backprop4j.rowBlocks must be rows or p-major, got 'columns'"), rErr);
    }

    private static List<String> run(List<String> jvmOptions) throws Exception {
        return run(Path.of(System.getProperty("java.home")), jvmOptions);
    }

    private static List<String> run(Path javaHome, List<String> jvmOptions) throws Exception {
        Process p = start(javaHome, jvmOptions);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        return out.strip().lines().toList();
    }

    private static Process start(List<String> jvmOptions) throws Exception {
        return start(Path.of(System.getProperty("java.home")), jvmOptions);
    }

    private static Process start(Path javaHome, List<String> jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
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
