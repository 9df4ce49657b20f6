package org.backprop4j.math.vector;

import java.util.function.IntSupplier;
import org.backprop4j.math.Kernels;

/** For the benches: vector kernels on {@code threads} threads whose mode (1 or all) a bench sets from outside. */
public final class SwitchedKernels {
    private SwitchedKernels() {
    }

    /** Kernels that ask {@code mode} before each call how many threads to use (1 or {@code threads}). */
    public static Kernels of(int threads, IntSupplier mode) {
        ThreadSwitch forced = new ThreadSwitch(threads, ThreadSwitch.PERIOD_NANOS, false) {
            @Override
            int threads() {
                return mode.getAsInt();
            }
        };
        return new VectorKernels(threads, VariantChoice.get().variant(), forced);
    }
}
