package org.backprop4j.bench;

import org.backprop4j.math.Kernels;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Random;

/**
 * How W1's forward product (gemmNT 32×100×784, z₁ = a₀·W₁ᵀ, E1) depends on where W₁'s data begins:
 * one JVM allocates the operands at whatever offset the allocator gives (a few small arrays of random
 * size first, so that it differs from one JVM to the next), times 6,000 products and prints the
 * operands' start addresses mod 64 with the median. Run it in many JVMs and sort by W's offset:
 * {@code for i in $(seq 1 24); do timeout 90 chrt -f 10 java --add-modules jdk.incubator.vector
 * -XX:PerMethodTrapLimit=1000 -cp bench/target/benchmarks.jar org.backprop4j.bench.ForwardByOffset 2; done | sort -t= -k3}.
 * The address is read through {@code sun.misc.Unsafe} from a compressed reference (zero-based, shift 3:
 * the default for heaps under 32 GB; the JVM says otherwise with {@code -XX:+PrintFlagsFinal}) — a
 * benchmark's look at the layout, never used by the library.
 */
public final class ForwardByOffset {
    private ForwardByOffset() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        sun.misc.Unsafe unsafe = (sun.misc.Unsafe) field.get(null);
        Random r = new Random(System.nanoTime());
        Object[] before = new Object[r.nextInt(8)];   // shifts the operands by a random number of 8-byte steps
        for (int i = 0; i < before.length; i++) before[i] = new byte[8 * (1 + r.nextInt(7))];
        float[] a = new float[32 * 784], w = new float[100 * 784], z = new float[32 * 100];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
        Kernels kernels = Kernels.fast(threads);
        double[] micros = new double[2000];
        for (int round = 0; round < 3; round++) {               // the first two: warm-up
            for (int i = 0; i < micros.length; i++) {
                long t0 = System.nanoTime();
                kernels.gemmNT(32, 100, 784, a, w, z);
                micros[i] = (System.nanoTime() - t0) / 1e3;
            }
        }
        Arrays.sort(micros);
        System.out.printf("a mod 64 = %2d, w mod 64 = %2d: median %.1f us (%d threads, %d small arrays before)%n",
                address(unsafe, a) % 64, address(unsafe, w) % 64, micros[micros.length / 2], threads, before.length);
    }

    /** Where a float[]'s data begins, from its compressed reference (read after the timing: no collection moved it since). */
    private static long address(sun.misc.Unsafe unsafe, float[] array) {
        Object[] holder = {array};
        long reference = unsafe.getInt(holder, (long) unsafe.arrayBaseOffset(Object[].class)) & 0xFFFFFFFFL;
        return (reference << 3) + unsafe.arrayBaseOffset(float[].class);
    }
}
