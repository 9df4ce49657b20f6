package org.backprop4j.math.vector;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Peak#settled}: the threads' timed runs are repeated until their total stops rising. */
class PeakTest {
    /** Each call hands out the next attempt's per-thread rates, and counts the calls. */
    private static final class Attempts {
        final ArrayDeque<double[]> left;
        int calls;

        Attempts(double[]... attempts) {
            left = new ArrayDeque<>(List.of(attempts));
        }

        double[] next() {
            calls++;
            return left.removeFirst();
        }
    }

    @Test
    void anInterpretedFirstAttemptIsMeasuredAgainUntilTheCompiledRatesHold() {
        // The first attempt timed the interpreted loop (the case seen: 3 GFLOP/s where 195 was right).
        Attempts a = new Attempts(new double[] {1.5, 1.4}, new double[] {48, 47}, new double[] {47, 49}, new double[] {99, 99});
        assertArrayEquals(new double[] {47, 49}, Peak.settled(a::next, Peak.MAX_ATTEMPTS), "the best total of the attempts made");
        assertEquals(3, a.calls, "stops once an attempt rises by less than a tenth");
    }

    @Test
    void aSteadyMachineTakesTwoAttempts() {
        Attempts a = new Attempts(new double[] {96}, new double[] {95}, new double[] {500});
        assertArrayEquals(new double[] {96}, Peak.settled(a::next, Peak.MAX_ATTEMPTS));
        assertEquals(2, a.calls);
    }

    @Test
    void aRateStillRisingStopsAtTheLimit() {
        Attempts a = new Attempts(new double[] {1}, new double[] {2}, new double[] {4}, new double[] {8}, new double[] {16}, new double[] {32});
        assertArrayEquals(new double[] {16}, Peak.settled(a::next, 5));
        assertEquals(5, a.calls);
    }

    /** Threads beyond the processors take turns: measured as the processors, not summed per thread's CPU time. */
    @Test
    void threadsBeyondTheProcessorsAddNoPeak() {
        int processors = Runtime.getRuntime().availableProcessors();
        Peak p = Peak.measure(processors + 1);
        assertEquals(processors, p.threads(), "threads measured");
        assertTrue(p.gflops() <= processors * p.gflopsPerCore() * 1.0001,
                () -> p.gflops() + " GFLOP/s on " + processors + " processors of at most " + p.gflopsPerCore() + " each");
    }
}
