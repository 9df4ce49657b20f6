package org.backprop4j.cli;

import org.backprop4j.math.vector.CoreDistance;
import org.backprop4j.math.vector.Machine;

/**
 * What {@code nn bench} reports about the processor: model, caches (and which sizes are assumed: {@link
 * Machine#assumedCaches}), vector width, FMA units, a
 * peak measured on the spot and the kernel variant chosen for it. The Vector API parts are only
 * touched when the JVM has the module (nn's launcher adds it); without it the kernels are the
 * plain-Java ones and the peak is the one given, if any. The cores' distance ({@link CoreDistance}: a cache
 * line's round trip between two threads) is measured whatever the kernels: it says what a second thread can
 * gain on this host (52–73 ns where the two vCPUs share an L3; 120–180 and 440–660 ns in other minutes on the same VM).
 */
record Processor(String model, String vendor, long l1d, long l2, long l3, String cachesAssumed, int vectorBits, int fmaUnits,
                 double peakGflops, double peakGflopsPerCore, String peakSource, String variant, String variantChoice,
                 double coreRoundTripNanos) {

    static Processor describe(int threads, Double givenPeakPerCore) {
        Machine m = Machine.current();
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        int bits = 0, units = 0;
        // Threads beyond the processors this JVM may use take turns: they add nothing to the peak.
        int processors = Runtime.getRuntime().availableProcessors(), running = Math.min(threads, processors);
        String beyond = running < threads ? "; " + threads + " threads asked, " + processors + " processor"
                + (processors == 1 ? "" : "s") + " available" : "";
        double perCore = givenPeakPerCore == null ? Double.NaN : givenPeakPerCore, total = perCore * running;
        String source = "given by --peak-gflops-per-core" + beyond, variant = "none", how = "plain-Java kernels: no jdk.incubator.vector";
        if (vector) {
            org.backprop4j.math.vector.Peak peak = org.backprop4j.math.vector.Peak.measure(threads);
            bits = 32 * peak.lanes();
            units = peak.fmaUnits();
            if (givenPeakPerCore == null) {
                perCore = peak.gflopsPerCore();
                total = peak.gflops();
                source = "measured now, " + peak.threads() + " thread(s) of " + org.backprop4j.math.vector.Peak.CHAINS + " FMA chains" + beyond;
            }
            org.backprop4j.math.vector.VariantChoice choice = org.backprop4j.math.vector.VariantChoice.get();
            variant = choice.variant().label();
            how = choice.how();
        }
        return new Processor(m.model(), m.vendor(), m.l1dBytes(), m.l2Bytes(), m.l3Bytes(), m.assumedCaches(), bits, units, total, perCore, source, variant, how,
                CoreDistance.roundTripNanos());
    }
}
