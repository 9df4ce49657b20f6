package org.backprop4j.math.vector;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.backprop4j.math.OneSampleWeights;
import org.backprop4j.math.SumOrder;

/**
 * Copies of a network's weight matrices whose rows begin at 64-byte boundaries, for one-sample
 * products ({@link MatrixVector}), which stream each W from L2 once per prediction.
 *
 * <p>Why: on the Intel Xeon of family 6 model 167 (Sapphire/Emerald Rapids class) a 512-bit load
 * that straddles two cache lines slows that stream by 1.6×: 784×100 floats take 2.3 µs from a
 * 64-byte boundary and 3.6 µs from any other (docs/PERFORMANCE.md). A Java array begins wherever
 * the allocator put it (at 8-byte boundaries) and moves when the collector copies it. G1's
 * humongous objects — arrays of more than half a heap region — are the exception: each begins at a
 * region boundary and stays at one. So the copies of one predictor's layers share one float[] of
 * more than half a region, each row padded to whole 16-float vectors from the first 64-byte
 * boundary of its data, and each layer's rows interleaved in blocks of eight, 16 floats of each row
 * in turn ({@link OneSampleWeights#interleaved}): the product then reads one stream from L2, not
 * eight side by side (W1's first layer 1.96 against 2.47 µs on AMD Zen 5, session 25). With another collector, or a JVM that does not say, the layers are read
 * in place: only the speed differs, never the bits (the same loads and FMAs at other addresses).
 */
final class AlignedRows {

    /** [index of the first 64-byte boundary in a humongous float[]'s data, floats of the smallest humongous float[]], or null. */
    private static final class Humongous {
        static final int[] SHAPE = shape();

        private static int[] shape() {
            try {
                HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
                if (vm == null || !Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) return null;
                long region = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
                // Where a float[]'s data begins after the object's start: a constant of the JVM, read, not used to access memory.
                int base = Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
                if (region < 4096 || region > (1L << 30) || base < 0 || base % 4 != 0) return null;
                return new int[] {(64 - base % 64) % 64 / 4, (int) (region / 2 / Float.BYTES) + 16};
            } catch (Exception | LinkageError e) {
                return null;                           // not HotSpot, no jdk.management, no sun.misc.Unsafe: read in place
            }
        }
    }

    private AlignedRows() {
    }

    /**
     * A float[] of at least {@code floats} floats from {@link #alignedStart()} on, humongous (so its
     * index alignedStart() is 64-byte aligned) when the JVM allows it; else a plain one.
     */
    static float[] scratch(int floats) {
        int[] shape = Humongous.SHAPE;
        return shape == null ? new float[floats] : new float[Math.max(shape[0] + floats, shape[1])];
    }

    /** Where the data of a {@link #scratch} array begins: its first 64-byte boundary (0 without one). */
    static int alignedStart() {
        int[] shape = Humongous.SHAPE;
        return shape == null ? 0 : shape[0];
    }

    /** Floats per row of a copy: k rounded up to whole 16-float (64-byte) vectors. */
    static int stride(int k) {
        return (k + 15) & ~15;
    }

    /**
     * The layers n[l]×k[l] of w, those of more than {@code minBytes} and at most {@code maxBytes}
     * (the ones that stream from L2) copied into one aligned array when the JVM allows it, the
     * others in place. Only layers in the one-sample order ({@link SumOrder#oneSample}) are copied.
     */
    static OneSampleWeights[] lay(int[] n, int[] k, float[][] w, long minBytes, long maxBytes) {
        int[] shape = Humongous.SHAPE;
        OneSampleWeights[] laid = new OneSampleWeights[w.length];
        boolean[] copy = new boolean[w.length];
        long floats = 0;
        for (int l = 0; l < w.length; l++) {
            long bytes = (long) Float.BYTES * n[l] * k[l];
            copy[l] = shape != null && SumOrder.oneSample(1, k[l]) && bytes > minBytes && bytes <= maxBytes;
            if (copy[l]) floats += (long) n[l] * stride(k[l]);
        }
        float[] data = null;
        if (floats > 0 && shape[0] + floats <= Integer.MAX_VALUE - 16) {
            data = scratch((int) floats);
        }
        int at = data == null ? 0 : shape[0];
        for (int l = 0; l < w.length; l++) {
            if (copy[l] && data != null) {
                int stride = stride(k[l]);
                laid[l] = new OneSampleWeights(n[l], k[l], w[l], data, at, stride, true);
                for (int j = 0; j < n[l]; j++) {           // interleaved blocks of eight rows: one stream to read
                    for (int p = 0; p < k[l]; p += OneSampleWeights.CHUNK) {
                        System.arraycopy(w[l], j * k[l] + p, data, laid[l].at(j, p), Math.min(OneSampleWeights.CHUNK, k[l] - p));
                    }
                }
                at += n[l] * stride;
            } else {
                laid[l] = OneSampleWeights.inPlace(n[l], k[l], w[l]);
            }
        }
        return laid;
    }

    /** True if copies are made on this JVM (G1, with the sizes it reports). */
    static boolean available() {
        return Humongous.SHAPE != null;
    }
}
