package org.backprop4j.math.vector;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How far apart two cores are, measured on the spot: two threads pass a counter back and forth through
 * one cache line, each spinning until the other's write arrives, and the time per round trip is what
 * handing a line from one core to the other and back costs. It bounds what a split product can gain:
 * every job the kernels share out starts and ends with such a handoff, and every line one thread writes
 * and the other reads crosses the same way.
 *
 * <p>The figure is a property of where the host put the threads, not of the processor model: on AMD EPYC
 * family 26 (Zen 5) Firecracker guests with two vCPUs it was 52–73 ns in one VM (cores sharing an L3) and, in
 * another, 120–180 ns in some minutes and 440–660 in others (2026-12-03: the host moves the vCPUs; by the usual
 * figures two chiplets of one processor, then two sockets), as two threads of a cloud VM or of a many-chiplet
 * processor may be; on an Intel Xeon model 167 guest about 1 µs (docs/PERFORMANCE.md). The threads are not
 * pinned: the figure is for the pair the OS gives, as the kernels' pool gets it.
 */
public final class CoreDistance {

    /** Round trips per timed round, and timed rounds (their median is the figure). */
    private static final int TRIPS = 20_000, ROUNDS = 7;
    /** The whole measurement's limit: where the second thread does not get a core of its own, give up. */
    private static final long LIMIT_NANOS = 500_000_000L;
    /** Padding in longs either side of the counter, so that nothing else shares its line. */
    private static final int PAD = 16;

    private CoreDistance() {
    }

    /**
     * The median round trip in nanoseconds between two threads, or NaN on a machine of one processor or
     * where the measurement ran past half a second (the two threads then share a core, taking turns).
     */
    public static double roundTripNanos() {
        if (Runtime.getRuntime().availableProcessors() < 2) return Double.NaN;
        return roundTripNanos(TRIPS, ROUNDS, LIMIT_NANOS);
    }

    /** Prints the round trip in whole nanoseconds, or NaN: bench/compare.sh samples it between its peers' runs. */
    public static void main(String[] args) {
        double ns = roundTripNanos();
        System.out.println(Double.isNaN(ns) ? "NaN" : String.valueOf(Math.round(ns)));
    }

    /** As {@link #roundTripNanos()}, with the round trips per round, the rounds (one more runs first, untimed) and the limit given. */
    static double roundTripNanos(int trips, int rounds, long limitNanos) {
        AtomicLongArray line = new AtomicLongArray(2 * PAD + 1);
        long deadline = System.nanoTime() + limitNanos;
        long total = (long) trips * (rounds + 1);
        Thread partner = new Thread(() -> {
            // Answers each odd value with the next even one: 2i+1 -> 2i+2.
            for (long i = 0; i < total; i++) {
                if (!await(line, 2 * i + 1, deadline)) return;
                line.set(PAD, 2 * i + 2);
            }
        }, "backprop4j-core-distance");
        partner.setDaemon(true);
        partner.start();
        double[] perTrip = new double[rounds];
        long i = 0;
        boolean done = true;
        outer:
        for (int r = -1; r < rounds; r++) {                    // round -1: the JIT and both threads settling
            long t0 = System.nanoTime();
            for (int j = 0; j < trips; j++, i++) {
                line.set(PAD, 2 * i + 1);
                if (!await(line, 2 * i + 2, deadline)) {
                    done = false;
                    break outer;
                }
            }
            if (r >= 0) perTrip[r] = (double) (System.nanoTime() - t0) / trips;
        }
        try {
            partner.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!done) return Double.NaN;
        Arrays.sort(perTrip);
        return perTrip[rounds / 2];
    }

    /** Spins until the line holds {@code value}; false if the deadline passed first. */
    private static boolean await(AtomicLongArray line, long value, long deadline) {
        for (int spins = 1; line.get(PAD) != value; spins++) {
            if ((spins & 0xFFF) == 0) {
                if (System.nanoTime() > deadline) return false;
                Thread.yield();                                  // one processor between the two: let the other run
            } else {
                Thread.onSpinWait();
            }
        }
        return true;
    }
}
