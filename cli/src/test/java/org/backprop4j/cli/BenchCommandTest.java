package org.backprop4j.cli;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn bench --json} on a tiny run: GFLOP/s counts the flops a step performs, the nominal 6 × weights beside it. */
class BenchCommandTest {
    @Test
    void gflopsCountThePerformedFlopsAndTheNominalFigureStaysBeside() {
        String out = Cli.run("bench", "--workload", "W1", "--threads", "1", "--epochs", "1",
                "--samples", "64", "--peak-gflops-per-core", "100", "--json").ok().out();
        Map<String, Object> j = Cli.jsonFields(out), tree = JsonTree.object(out.strip());
        // W1 = 784-100-10. Per sample: forward 2 × 79,400, ΔW 2 × 79,400, E7's product only for the second layer
        // (2 × 1,000; the first layer's, 2 × 78,400, would be the inputs' delta, which training does not compute).
        long weights = 784 * 100 + 100 * 10, performed = 2L * 79_400 + 2L * 79_400 + 2L * 1_000;
        assertEquals(weights, JsonTree.number(j, "weights"));
        assertEquals(319_600, performed);
        assertEquals(performed, JsonTree.number(j, "step_flops_per_sample"));
        double samplesPerS = JsonTree.number(j, "samples_per_s"), gflops = JsonTree.number(j, "gflops"),
                nominal = JsonTree.number(j, "gflops_nominal_6n");
        assertTrue(samplesPerS > 0, () -> "samples/s: " + samplesPerS);
        assertEquals(319_600.0 / 476_400.0, gflops / nominal, 1e-9, "performed / nominal flops of W1");
        assertEquals(performed * samplesPerS / 1e9, gflops, 1e-9 * gflops);
        assertEquals(6.0 * weights * samplesPerS / 1e9, nominal, 1e-9 * nominal);
        assertEquals(100, JsonTree.number(j, "peak_gflops"), 1e-9, "the given peak per core, on 1 thread");
        assertEquals(gflops / 100, JsonTree.number(j, "peak_fraction"), 1e-12, "the peak fraction of the performed figure");
        assertEquals(org.backprop4j.math.vector.Machine.current().assumedCaches(), j.get("caches_assumed"),
                "the cache levels whose size this system did not give");
        assertEquals(org.backprop4j.math.vector.Machine.current().l2Bytes(), JsonTree.number(j, "l2_bytes"));
        assertTrue(tree.containsKey("core_round_trip_ns"), "the cores' distance, measured (or null)");
        Object trip = tree.get("core_round_trip_ns");
        assertTrue(trip == null || ((Number) trip).doubleValue() > 0, () -> "core_round_trip_ns " + trip);
        boolean asked = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+UseTransparentHugePages");
        assertEquals(asked, j.get("jvm_huge_pages"), "this JVM's own flag");
        assertTrue(Set.of("always", "madvise", "never", "unknown").contains(j.get("thp_mode")), () -> "thp_mode " + j.get("thp_mode"));
        assertEquals(1, ((List<?>) tree.get("epoch_seconds")).size(), "--epochs 1");
        assertEquals(1, ((List<?>) tree.get("epoch_jit_ms")).size(), "the JIT's time in each measured epoch");
        assertTrue(((Number) ((List<?>) tree.get("epoch_jit_ms")).get(0)).longValue() >= 0, "HotSpot times its compilations");
    }

    /**
     * More threads than processors take turns on them: the peak counts the processors only, and the report says
     * so (under {@code taskset -c 0}, {@code --threads 2} once printed twice one core's peak).
     */
    @Test
    void threadsBeyondTheProcessorsAddNoPeakAndTheReportSaysSo() {
        int processors = Runtime.getRuntime().availableProcessors(), asked = processors + 1;
        Map<String, Object> j = Cli.jsonFields(Cli.run("bench", "--workload", "W1", "--threads", String.valueOf(asked),
                "--epochs", "1", "--samples", "64", "--peak-gflops-per-core", "100", "--json").ok().out());
        assertEquals(100.0 * processors, JsonTree.number(j, "peak_gflops"), 1e-9, "the given peak per core, times the processors");
        String out = Cli.run("bench", "--workload", "W1", "--threads", String.valueOf(asked), "--epochs", "1",
                "--samples", "64", "--peak-gflops-per-core", "100").ok().out();
        String peak = out.lines().filter(l -> l.startsWith("peak ")).findFirst().orElseThrow();
        assertTrue(peak.contains(asked + " threads asked, " + processors + " processor" + (processors == 1 ? "" : "s")
                + " available"), peak);
    }

    /** The text report: the processor with the cache sizes this system did not give, and one thread in the singular. */
    @Test
    void theTextReportSaysWhichCacheSizesAreAssumedAndCountsThreadsInWords() {
        String out = Cli.run("bench", "--workload", "W1", "--threads", "1", "--epochs", "1",
                "--samples", "64", "--peak-gflops-per-core", "100").ok().out();
        org.backprop4j.math.vector.Machine m = org.backprop4j.math.vector.Machine.current();
        String processor = out.lines().filter(l -> l.startsWith("processor")).findFirst().orElseThrow();
        assertTrue(processor.contains("L2 " + (m.l2Bytes() >> 10) + " KB"), processor);
        assertEquals(!m.assumedCaches().isEmpty(), processor.contains("(" + m.assumedCaches() + " size assumed"), processor);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("cores ") && (l.contains("ns a cache line's round trip")
                || l.contains("no round trip measured"))), out);
        assertTrue(out.contains("GFLOP/s on 1 thread ("), out);
        assertTrue(out.contains("GFLOP/s peak of 1 thread;"), out);
        assertFalse(out.contains("1 threads"), out);
        assertTrue(out.lines().noneMatch(l -> l.startsWith("threads ")), "no thread switch on one thread: " + out);
    }

    /**
     * On two threads the report says how much of the kernels' time ran on one (the kernels' measured switch,
     * docs/PERFORMANCE.md): a share in [0, 1], or null where no whole period of it fell in the measured epochs.
     */
    @Test
    void onTwoThreadsTheReportSaysHowLongTheKernelsRanOnOne() {
        Map<String, Object> j = JsonTree.object(Cli.run("bench", "--workload", "W1", "--threads", "2", "--epochs", "1",
                "--samples", "64", "--peak-gflops-per-core", "100", "--json").ok().out().strip());
        assertTrue(j.containsKey("one_thread_share"), j::toString);
        Object share = j.get("one_thread_share");
        assertTrue(share == null || (((Number) share).doubleValue() >= 0 && ((Number) share).doubleValue() <= 1), () -> "share " + share);
        assertTrue(JsonTree.number(j, "thread_switches") >= 0);
        String out = Cli.run("bench", "--workload", "W1", "--threads", "2", "--epochs", "1",
                "--samples", "64", "--peak-gflops-per-core", "100").ok().out();
        String line = out.lines().filter(l -> l.startsWith("threads ")).findFirst().orElseThrow();
        assertTrue(line.contains("on one thread, the rest on 2") && line.contains("-Dbackprop4j.threads.switch=off keeps all"), line);
    }

    /**
     * Without --epochs, W1 measures 10 epochs (a quarter of a second each, while the JIT compiles for
     * seconds: three measured the JIT) and W2 three (seconds each).
     */
    @Test
    void w1MeasuresTenEpochsByDefaultAndW2Three() {
        Map<String, Object> j = JsonTree.object(Cli.run("bench", "--workload", "W1", "--threads", "1",
                "--samples", "64", "--peak-gflops-per-core", "100", "--json").ok().out().strip());
        assertEquals(10, ((List<?>) j.get("epoch_seconds")).size());
        assertEquals(10, ((List<?>) j.get("epoch_jit_ms")).size());
        assertEquals(3, BenchCommand.workload("W2").defaultEpochs());
    }

    /**
     * Per step the median epoch's, not the mean: an epoch the JIT still compiles in allocates, and one such epoch
     * must not set the figure. Three measured epochs of four steps, the middle one allocating 2 MB on this thread
     * between two of its steps (the recorder reads every thread alive at the first measured step).
     */
    @Test
    void allocationPerStepIsTheMedianEpochsAndTheMeanStandsBeside() {
        BenchCommand.EpochRecorder r = new BenchCommand.EpochRecorder(4);
        Object[] kept = new Object[1];
        for (int step = 1; step <= 4; step++) r.onStep(1, step, 4);      // the warm-up epoch: not read
        for (int epoch = 2; epoch <= 4; epoch++) {
            for (int step = 1; step <= 4; step++) {
                if (epoch == 3 && step == 2) kept[0] = new byte[2 << 20];
                r.onStep(epoch, step, 4);
            }
        }
        assertEquals(9, r.stepsMeasured);
        assertTrue(Double.isNaN(r.stepBytes[0]), "the warm-up epoch is not measured");
        assertTrue(r.stepBytes[2] >= (2 << 20) / 3.0, () -> "the allocating epoch: " + r.stepBytes[2]);
        assertTrue(r.bytesPerStep() < 1024, () -> "the median epoch's: " + r.bytesPerStep());
        assertTrue(r.bytesPerStepMean() >= (2 << 20) / 9.0, () -> "the mean over all nine steps: " + r.bytesPerStepMean());
        assertTrue(kept[0] != null);
    }

    /**
     * Allocation is counted in two parts: per step over each measured epoch's steps after its first (so the
     * end of an epoch, its cost and statistics, is not spread over the steps), and per epoch in all.
     */
    @Test
    void allocationPerStepCountsTheStepsBetweenTwoReadingsOfEachMeasuredEpoch() {
        // W1's batch is 32: 320 samples are 10 steps an epoch; 2 measured epochs, 9 steps after each first reading.
        Map<String, Object> j = JsonTree.object(Cli.run("bench", "--workload", "W1", "--threads", "2", "--epochs", "2",
                "--samples", "320", "--peak-gflops-per-core", "100", "--json").ok().out().strip());
        assertEquals(18, JsonTree.number(j, "alloc_steps_measured"));
        assertTrue(JsonTree.number(j, "alloc_bytes_per_step") >= 0, () -> "per step: " + j.get("alloc_bytes_per_step"));
        assertTrue(JsonTree.number(j, "alloc_bytes_per_epoch") > 0, "an epoch's bookkeeping allocates (its statistics, at least)");
        // Per step the median epoch's (epochs the JIT still compiles in are not the steady state), the mean beside it:
        // with two epochs of nine steps each, the median of the two is their mean, the mean over all 18 steps.
        List<Object> byEpoch = JsonTree.list(j, "alloc_bytes_per_step_by_epoch");
        assertEquals(2, byEpoch.size());
        assertEquals(JsonTree.number(j, "alloc_bytes_per_step_mean"), JsonTree.number(j, "alloc_bytes_per_step"), 1e-6);
        String twoEpochs = Cli.run("bench", "--workload", "W1", "--threads", "1", "--epochs", "2", "--samples", "320",
                "--peak-gflops-per-core", "100").ok().out();
        assertTrue(twoEpochs.contains("per training step in steady state (the median epoch's; the mean over all 18 steps measured "),
                twoEpochs);
        // One step an epoch: no two readings in an epoch, no figure (null, not NaN: the JSON stays JSON).
        Map<String, Object> one = JsonTree.object(Cli.run("bench", "--workload", "W1", "--threads", "1", "--epochs", "1",
                "--samples", "32", "--peak-gflops-per-core", "100", "--json").ok().out().strip());
        assertEquals(0, JsonTree.number(one, "alloc_steps_measured"));
        assertTrue(one.containsKey("alloc_bytes_per_step") && one.get("alloc_bytes_per_step") == null, () -> "one step: " + one);
        assertTrue(one.containsKey("alloc_bytes_per_step_mean") && one.get("alloc_bytes_per_step_mean") == null, () -> "one step: " + one);
        String text = Cli.run("bench", "--workload", "W1", "--threads", "1", "--epochs", "1",
                "--samples", "32", "--peak-gflops-per-core", "100").ok().out();
        assertTrue(text.contains("allocation not measured (one step an epoch) per training step") && !text.contains("NaN"), text);
    }
}
