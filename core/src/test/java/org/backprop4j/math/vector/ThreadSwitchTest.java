package org.backprop4j.math.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntToDoubleFunction;
import org.backprop4j.TestData;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.nn.Predictor;
import org.backprop4j.train.Backprop;
import org.junit.jupiter.api.Test;

/**
 * The switch between all threads and one: it follows the faster mode, fed rates without a clock; it
 * stays put when off; and kernels whose mode flips call after call in a real training give the bits
 * of one thread throughout.
 */
class ThreadSwitchTest {
    private static final long PERIOD = 10_000, CALL = 100;   // ns: a period of 100 calls

    /**
     * Runs {@code periods} periods of calls through the switch, each call's time its work over the mode's
     * rate (work per ns) at that period; returns the share of periods spent on one thread.
     */
    private static double run(ThreadSwitch s, int periods, int firstPeriod, PeriodRates rates) {
        long onOne = s.periodsOnOne();
        for (int p = firstPeriod; p < firstPeriod + periods; p++) {
            long ended = s.periodsOnOne() + s.periodsOnMany();
            while (s.periodsOnOne() + s.periodsOnMany() == ended) {
                int threads = s.threads();
                double rate = rates.at(p).applyAsDouble(threads);
                s.record((long) (CALL * rate), CALL);
            }
        }
        return (double) (s.periodsOnOne() - onOne) / periods;
    }

    /** The rate of each thread count in period p. */
    interface PeriodRates {
        IntToDoubleFunction at(int p);
    }

    @Test
    void whereAllThreadsAreFasterTrialsOfOneBecomeRare() {
        ThreadSwitch s = new ThreadSwitch(2, PERIOD, true);
        assertEquals(2, s.threads(), "starts on all threads");
        double share = run(s, 2000, 0, p -> t -> t == 2 ? 1.9 : 1.0);
        assertEquals(2, s.chosen());
        // Trials back off to one in MAX_INTERVAL + 2 periods: 19 in 2,000.
        assertTrue(share < 0.015, "share of periods on one thread: " + share);
    }

    @Test
    void whereOneThreadIsFasterItSwitchesAndStays() {
        ThreadSwitch s = new ThreadSwitch(2, PERIOD, true);
        double share = run(s, 2000, 0, p -> t -> t == 1 ? 1.08 : 1.0);
        assertEquals(1, s.chosen());
        assertTrue(share > 0.97, "share of periods on one thread: " + share);
    }

    @Test
    void itFollowsAChangeOfPhaseWithinTheLongestInterval() {
        ThreadSwitch s = new ThreadSwitch(2, PERIOD, true);
        PeriodRates phases = p -> p < 1000 ? t -> t == 2 ? 1.4 : 1.0 : t -> t == 1 ? 1.1 : 1.0;
        run(s, 1000, 0, phases);
        assertEquals(2, s.chosen(), "first phase: two threads faster");
        run(s, ThreadSwitch.MAX_INTERVAL + 3, 1000, phases);
        assertEquals(1, s.chosen(), "second phase: one thread faster, found within one interval");
        PeriodRates back = p -> t -> t == 2 ? 1.4 : 1.0;
        run(s, ThreadSwitch.MAX_INTERVAL + 3, 0, back);
        assertEquals(2, s.chosen(), "and back");
    }

    @Test
    void differencesWithinTheMarginDoNotSwitch() {
        ThreadSwitch s = new ThreadSwitch(2, PERIOD, true);
        double share = run(s, 500, 0, p -> t -> t == 1 ? 1.01 : 1.0);
        assertEquals(2, s.chosen());
        assertTrue(share < 0.3, "only trials ran on one thread: " + share);
    }

    @Test
    void offMeansAllThreadsAlways() {
        ThreadSwitch s = new ThreadSwitch(2, PERIOD, false);
        for (int i = 0; i < 100_000; i++) s.record(CALL, s.threads() == 1 ? CALL : 10 * CALL);
        assertEquals(2, s.chosen());
        assertEquals(0, s.periodsOnOne() + s.periodsOnMany());
        ThreadSwitch alone = new ThreadSwitch(1, PERIOD, true);   // one thread given: nothing to switch
        for (int i = 0; i < 1_000; i++) alone.record(CALL, CALL);
        assertEquals(1, alone.threads());
        assertEquals(0, alone.periodsOnOne() + alone.periodsOnMany());
    }

    @Test
    void theSettingIsOnOffOrRefusedByName() {
        String old = System.getProperty("backprop4j.threads.switch");
        try {
            System.setProperty("backprop4j.threads.switch", "off");
            ThreadSwitch off = ThreadSwitch.of(2);
            for (int i = 0; i < 1_000; i++) off.record(CALL, PERIOD);
            assertEquals(0, off.periodsOnOne() + off.periodsOnMany());
            System.setProperty("backprop4j.threads.switch", " ON ");
            ThreadSwitch on = ThreadSwitch.of(2);
            on.record(CALL, ThreadSwitch.PERIOD_NANOS);
            assertEquals(1, on.periodsOnMany());
            System.setProperty("backprop4j.threads.switch", "maybe");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadSwitch.of(2));
            assertEquals("backprop4j.threads.switch (or BACKPROP4J_THREADS_SWITCH) must be on or off, got 'maybe'", e.getMessage());
        } finally {
            if (old == null) System.clearProperty("backprop4j.threads.switch");
            else System.setProperty("backprop4j.threads.switch", old);
        }
    }

    /**
     * Kernels whose mode changes every few calls — forced, and by a real switch with a period of one
     * nanosecond — train, to the last bit, the network that one thread trains, for the first and the last
     * variant: a worker's rows, packed panels or parked state left over from the other mode change nothing.
     */
    @Test
    void switchingInTheMiddleOfTrainingKeepsTheBits() {
        Dataset data = TestData.random(256, 300, 10, Loss.MSE, Activation.SIGMOID, 3);
        Network start = Network.create(new int[] {300, 256, 10}, Activation.SIGMOID, Activation.SIGMOID, 6);
        for (Variant v : new Variant[] {Variant.all().get(0), Variant.all().get(Variant.all().size() - 1)}) {
            Network alone = train(start, data, new VectorKernels(1, v));
            int[] calls = new int[3];
            ThreadSwitch forced = new ThreadSwitch(2, PERIOD, false) {
                @Override
                int threads() {
                    int t = (calls[0]++ / 5) % 3 == 0 ? 1 : 2;     // 5 calls on one thread, 10 on two, …
                    calls[t]++;
                    return t;
                }
            };
            Network flipped = train(start, data, new VectorKernels(2, v, forced));
            assertTrue(calls[1] > 20 && calls[2] > 20, "both modes ran: " + calls[1] + " / " + calls[2] + " calls");
            Network measured = train(start, data, new VectorKernels(2, v, new ThreadSwitch(2, 1, true)));
            for (int l = 0; l < 2; l++) {
                assertArrayEquals(alone.layer(l).weights().data, flipped.layer(l).weights().data, v + ", forced: W of layer " + l);
                assertArrayEquals(alone.layer(l).bias(), flipped.layer(l).bias(), v + ", forced: b of layer " + l);
                assertArrayEquals(alone.layer(l).weights().data, measured.layer(l).weights().data, v + ", measured: W of layer " + l);
                assertArrayEquals(alone.layer(l).bias(), measured.layer(l).bias(), v + ", measured: b of layer " + l);
            }
        }
    }

    /**
     * One-sample predictions follow the switch too (split over the threads or on the caller alone): kernels
     * whose mode is forced to change every few products predict, to the last bit, what one thread predicts,
     * for the first and the last variant, through W's laid-out copy and in place.
     */
    @Test
    void switchingBetweenPredictionsKeepsTheBits() {
        Network net = Network.create(new int[] {784, 100, 10}, Activation.SIGMOID, Activation.SIGMOID, 8);
        java.util.Random r = new java.util.Random(9);
        float[] x = new float[784 * 300];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        for (Variant v : new Variant[] {Variant.all().get(0), Variant.all().get(Variant.all().size() - 1)}) {
            int[] calls = new int[3];
            ThreadSwitch forced = new ThreadSwitch(2, PERIOD, false) {
                @Override
                int threads() {
                    int t = (calls[0]++ / 5) % 3 == 0 ? 1 : 2;     // 5 products on one thread, 10 on two, …
                    calls[t]++;
                    return t;
                }
            };
            Predictor alone = new Predictor(net, 1, new VectorKernels(1, v));
            Predictor flipped = new Predictor(net, 1, new VectorKernels(2, v, forced));
            Predictor measured = new Predictor(net, 1, new VectorKernels(2, v, new ThreadSwitch(2, 1, true)));
            float[] one = new float[10], two = new float[10], three = new float[10], sample = new float[784];
            for (int i = 0; i < 300; i++) {
                System.arraycopy(x, i * 784, sample, 0, 784);
                alone.predict(sample, 1, one);
                flipped.predict(sample, 1, two);
                measured.predict(sample, 1, three);
                assertArrayEquals(one, two, v + ", forced: sample " + i);
                assertArrayEquals(one, three, v + ", measured: sample " + i);
            }
            assertTrue(calls[1] > 50 && calls[2] > 100, "both modes ran: " + calls[1] + " / " + calls[2] + " products");
        }
    }

    /** Four epochs of batches of 64 in file order, plain gradient descent (E11, E12) through the kernels. */
    private static Network train(Network start, Dataset data, Kernels kernels) {
        Network net = start.copy();
        int n = data.x().rows, K = 64;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Backprop engine = new Backprop(net, Loss.MSE, K, kernels);
        for (int epoch = 0; epoch < 4; epoch++) {
            for (int from = 0; from < n; from += K) {
                engine.gradients(data.x(), data.y(), order, from, K);
                for (int l = 0; l < net.layers().size(); l++) {
                    Dense d = net.layer(l);
                    kernels.descend(d.outputs(), d.inputs(), d.weights().data, engine.weightGradient(l), 0.5f, K, 1e-4f);
                    kernels.descend(d.bias().length, d.bias(), engine.biasGradient(l), 0.5f, K, 0f);
                }
            }
        }
        return net;
    }
}
