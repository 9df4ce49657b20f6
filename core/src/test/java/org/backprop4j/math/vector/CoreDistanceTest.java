package org.backprop4j.math.vector;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CoreDistance}: a round trip between two threads, or NaN where the measurement cannot finish in time. */
class CoreDistanceTest {
    @Test
    void twoThreadsPassingALineTakeAPositiveFiniteTimePerRoundTrip() {
        double ns = CoreDistance.roundTripNanos(2_000, 5, 5_000_000_000L);
        // Even two threads taking turns on one processor finish 12,000 round trips within the limit (each yields).
        assertTrue(ns > 0 && ns < 5_000_000_000.0 / 12_000, () -> "round trip " + ns + " ns");
    }

    @Test
    void aMeasurementPastItsLimitGivesNaNAndReturnsPromptly() {
        long t0 = System.nanoTime();
        // A 1 µs limit: the partner thread has not even started by then.
        double ns = CoreDistance.roundTripNanos(1_000_000, 7, 1_000L);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(Double.isNaN(ns), () -> "got " + ns);
        assertTrue(ms < 3_000, () -> ms + " ms");
    }
}
