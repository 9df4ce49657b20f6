package org.backprop4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.backprop4j.data.Dataset;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.math.vector.ThreadSwitch;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.nn.Predictor;
import org.backprop4j.options.UserException;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code nn bench}: steady-state training throughput on the two fixed workloads of docs/PERFORMANCE.md,
 * inference throughput and single-sample latency, heap allocation per step and memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures training throughput (samples/s over whole epochs after a warm-up epoch; the median of the "
                + "measured epochs, with the JIT's compilation time in each), GFLOP/s, heap allocated per training step, memory, "
                + "and inference throughput and single-sample latency (steady state: the median of 101 batches of 200 "
                + "back-to-back predictions, after a warm-up that lasts until the JIT has finished compiling them).",
                "GFLOP/s counts the flops a training step performs in its matrix products, 2 per multiply-add: per sample "
                + "2 x (3 x weights - the first layer's weights): the forward product (E1) and the weight gradient (E8) of every "
                + "layer, the backward product (E7) of every layer but the first (the inputs' delta is not needed, so it is not "
                + "computed); biases and elementwise work are not counted. The JSON's gflops_nominal_6n is the older nominal "
                + "6 x weights x samples/s, for comparison with older results.",
                "W1 'seed': 784-100-10, sigmoid/sigmoid, mse, gradient descent, lambda 1e-4, batch 32.",
                "W2 'wide': 784-1024-1024-10, relu, softmax + cross-entropy, batch 256.",
                "Data: synthetic, inputs uniform in [0,1), targets one-hot of 10 random classes."})
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workload", defaultValue = "W1", paramLabel = "W1|W2", description = "Which workload. Default: ${DEFAULT-VALUE}.")
    String workload;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads. Default: the number of cores.")
    Integer threads;

    @Option(names = "--epochs", paramLabel = "R",
            description = "Measured epochs (after one warm-up epoch). Default: 10 for W1, whose epochs last a quarter of a "
                    + "second while the JIT goes on compiling for seconds (the median of three such epochs measured it), 3 for W2.")
    Integer epochsOption;

    @Option(names = "--samples", defaultValue = "60000", paramLabel = "N", description = "Synthetic samples per epoch. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--peak-gflops-per-core", paramLabel = "G",
            description = "The machine's float32 FMA peak per core, for the 'of peak' ratio. Default: measured on the spot "
                    + "(" + org.backprop4j.math.vector.Peak.CHAINS + " independent FMA chains per thread, on as many threads as --threads).")
    Double peakPerCore;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    record Workload(String name, int[] sizes, Activation hidden, Activation output, Loss loss, int batch, double learningRate, double l2) {
        long weights() {
            long w = 0;
            for (int l = 0; l + 1 < sizes.length; l++) w += (long) sizes[l] * sizes[l + 1];
            return w;
        }

        /**
         * Measured epochs when --epochs is not given. A W1 epoch (60,000 samples) lasts about a quarter of a
         * second on two threads, and in the first seconds of a run C2 is still compiling (the trainer's loop,
         * the kernels again for the new run's objects), taking a core from the two training threads as it
         * does: epochs in which a compilation ended ran at 236,000-274,000 samples/s, those without at 287,000-316,000
         * (Intel Xeon family 6 model 167, 2026-11-30, docs/PERFORMANCE.md, "W1: epochs the JIT took a core
         * from"), so the median of three often measured the JIT. W2's epochs last seconds.
         */
        int defaultEpochs() {
            return name.equals("W1") ? 10 : 3;
        }

        /**
         * The flops one training step performs per sample in its matrix products, 2 per multiply-add:
         * for every layer the forward product z = W a (E1) and the weight gradient δ aᵀ (E8), and for
         * every layer but the first the backward product Wᵀ δ (E7). The first layer's Wᵀ δ would be the
         * delta of the inputs, which no weight needs, so {@code Backprop.backward} skips it (and so do the
         * peers of bench/peers); counting it, as the nominal 6 × weights does, overstates the rate by 17 %
         * on W2 and 49 % on W1. Biases and elementwise passes are not counted.
         */
        long stepFlopsPerSample() {
            return 2 * (3 * weights() - (long) sizes[0] * sizes[1]);
        }
    }

    static Workload workload(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "W1" -> new Workload("W1", new int[] {784, 100, 10}, Activation.SIGMOID, Activation.SIGMOID, Loss.MSE, 32, 0.1, 1e-4);
            case "W2" -> new Workload("W2", new int[] {784, 1024, 1024, 10}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY, 256, 0.01, 0);
            default -> throw new UserException("--workload: unknown workload '" + name + "' (known: W1, W2)");
        };
    }

    @Override
    public Integer call() throws Exception {
        Workload w = workload(workload);
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) throw new UserException("--threads must be at least 1, got " + n);
        int epochs = epochsOption != null ? epochsOption : w.defaultEpochs();
        if (epochs < 1) throw new UserException("--epochs must be at least 1, got " + epochs);
        if (samples < w.batch) throw new UserException("--samples must be at least the batch size " + w.batch + ", got " + samples);
        PrintWriter err = spec.commandLine().getErr();
        if (!json) err.printf("%s: %s, batch %d, %d threads, %d samples; 1 warm-up + %d measured epochs%n",
                w.name, Arrays.toString(w.sizes), w.batch, n, samples, epochs);

        Dataset data = synthetic(samples, w.sizes[0], w.sizes[w.sizes.length - 1], 42);
        Network start = Network.create(w.sizes, w.hidden, w.output, 1);
        TrainingConfig config = TrainingConfig.builder().loss(w.loss).batchSize(w.batch).epochs(epochs + 1)
                .learningRate(w.learningRate).l2(w.l2).seed(1).threads(n).build();

        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
        EpochRecorder recorder = new EpochRecorder(epochs + 1);
        Network trained = new Trainer(config, recorder).train(start, data);
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peakHeap += pool.getPeakUsage().getUsed();
        }
        // What training keeps alive (data, network, workspace): the heap after a full collection,
        // while the trainer's result is still referenced.
        System.gc();
        long liveHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

        double[] measured = Arrays.copyOfRange(recorder.seconds, 1, epochs + 1);
        double medianSeconds = median(measured);
        double samplesPerS = samples / medianSeconds;
        double gflops = w.stepFlopsPerSample() * samplesPerS / 1e9;
        double gflopsNominal = 6.0 * w.weights() * samplesPerS / 1e9;     // older results' figure, for comparison
        Processor cpu = Processor.describe(n, peakPerCore);
        double peak = cpu.peakGflops();
        double allocPerEpoch = (double) (recorder.allocatedAtEnd - recorder.allocatedAfterWarmup) / epochs;
        double[] allocByEpoch = Arrays.copyOfRange(recorder.stepBytes, 1, epochs + 1);
        double allocPerStep = recorder.bytesPerStep();
        double allocMean = recorder.bytesPerStepMean();

        // Of the kernels' time in the measured epochs, the share on one thread (ThreadSwitch), in whole periods.
        ThreadSwitch.Totals modes = recorder.threadsAtEnd.minus(recorder.threadsAfterWarmup);
        long modeNanos = modes.oneThreadNanos() + modes.manyThreadsNanos();
        double oneThreadShare = modeNanos == 0 ? Double.NaN : (double) modes.oneThreadNanos() / modeNanos;
        double inferenceRate = inferenceThroughput(trained, data.x(), n);
        double latencyUs = singleSampleLatencyMicros(trained, data.x(), n);

        long parameterBytes = 4L * trained.parameterCount();
        long dataBytes = 4L * ((long) data.x().data.length + data.y().data.length);
        if (json) {
            StringWriter s = new StringWriter();
            try (JsonGenerator g = new JsonFactory().createGenerator(s)) {
                g.writeStartObject();
                g.writeStringField("workload", w.name);
                g.writeNumberField("threads", n);
                g.writeNumberField("samples", samples);
                g.writeNumberField("batch", w.batch);
                g.writeNumberField("weights", w.weights());
                g.writeNumberField("samples_per_s", samplesPerS);
                g.writeNumberField("step_flops_per_sample", w.stepFlopsPerSample());
                g.writeNumberField("gflops", gflops);
                g.writeNumberField("gflops_nominal_6n", gflopsNominal);
                g.writeStringField("cpu_model", cpu.model());
                g.writeStringField("cpu_vendor", cpu.vendor());
                g.writeNumberField("vector_bits", cpu.vectorBits());
                g.writeNumberField("fma_units", cpu.fmaUnits());
                g.writeNumberField("l1d_bytes", cpu.l1d());
                g.writeNumberField("l2_bytes", cpu.l2());
                g.writeNumberField("l3_bytes", cpu.l3());
                g.writeStringField("caches_assumed", cpu.cachesAssumed());
                g.writeNumberField("peak_gflops", peak);
                g.writeNumberField("peak_gflops_per_core", cpu.peakGflopsPerCore());
                g.writeStringField("peak_source", cpu.peakSource());
                g.writeNumberField("peak_fraction", gflops / peak);
                if (Double.isNaN(cpu.coreRoundTripNanos())) g.writeNullField("core_round_trip_ns");
                else g.writeNumberField("core_round_trip_ns", cpu.coreRoundTripNanos());
                g.writeStringField("variant", cpu.variant());
                g.writeStringField("variant_choice", cpu.variantChoice());
                g.writeStringField("weights_sha256", trained.sha256());
                if (Double.isNaN(oneThreadShare)) g.writeNullField("one_thread_share");
                else g.writeNumberField("one_thread_share", oneThreadShare);
                g.writeNumberField("thread_switches", modes.switches());
                g.writeArrayFieldStart("epoch_seconds");
                for (double v : measured) g.writeNumber(v);
                g.writeEndArray();
                g.writeArrayFieldStart("epoch_jit_ms");
                for (long v : Arrays.copyOfRange(recorder.jitMillis, 1, epochs + 1)) g.writeNumber(v);
                g.writeEndArray();
                if (recorder.stepsMeasured > 0) {
                    g.writeNumberField("alloc_bytes_per_step", allocPerStep);
                    g.writeNumberField("alloc_bytes_per_step_mean", allocMean);
                    g.writeArrayFieldStart("alloc_bytes_per_step_by_epoch");
                    for (double v : allocByEpoch) g.writeNumber(Math.round(v * 10) / 10.0);
                    g.writeEndArray();
                } else {                                         // one step an epoch: none between two readings
                    g.writeNullField("alloc_bytes_per_step");
                    g.writeNullField("alloc_bytes_per_step_mean");
                }
                g.writeNumberField("alloc_steps_measured", recorder.stepsMeasured);
                g.writeNumberField("alloc_bytes_per_epoch", allocPerEpoch);
                g.writeNumberField("inference_samples_per_s", inferenceRate);
                g.writeNumberField("latency_us", latencyUs);
                g.writeNumberField("parameter_bytes", parameterBytes);
                g.writeNumberField("data_bytes", dataBytes);
                g.writeNumberField("peak_heap_bytes", peakHeap);
                g.writeNumberField("live_heap_bytes", liveHeap);
                g.writeStringField("kernels", Kernels.fast(1).getClass().getSimpleName());
                g.writeStringField("java", System.getProperty("java.version"));
                g.writeBooleanField("jvm_huge_pages", jvmHugePages());
                g.writeStringField("thp_mode", thpMode());
                g.writeNumberField("jit_trap_limit", jitTrapLimit());
                g.writeEndObject();
            }
            spec.commandLine().getOut().println(s);
        } else {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("processor  %s; %d-bit vectors, %d FMA units per core; L1d %d KB, L2 %d KB, L3 %d MB%s%n",
                    cpu.model(), cpu.vectorBits(), cpu.fmaUnits(), cpu.l1d() >> 10, cpu.l2() >> 10, cpu.l3() >> 20,
                    cpu.cachesAssumed().isEmpty() ? "" : " (" + cpu.cachesAssumed() + " size assumed: not given by this system)");
            out.printf("cores      %s%n", Double.isNaN(cpu.coreRoundTripNanos())
                    ? "one processor, or two threads that could not run at once: no round trip measured"
                    : String.format("%.0f ns a cache line's round trip between two threads (what each handoff of a job"
                    + " split over threads costs: under 100 where cores share an L3, hundreds where they do not)", cpu.coreRoundTripNanos()));
            out.printf("peak       %.0f GFLOP/s on %d thread%s (%.0f per core; %s)%n", peak, n, n == 1 ? "" : "s", cpu.peakGflopsPerCore(), cpu.peakSource());
            out.printf("training   %,.0f samples/s  %.1f GFLOP/s performed (%.0f%% of the %.0f GFLOP/s peak of %d thread%s;"
                    + " nominal 6 x weights: %.1f)  epochs %s s%n",
                    samplesPerS, gflops, 100 * gflops / peak, peak, n, n == 1 ? "" : "s", gflopsNominal, Arrays.toString(round(measured)));
            out.printf("allocation %s per training step in steady state (%s); %,.0f bytes per epoch in all,"
                    + " with the epoch's bookkeeping%n", recorder.stepsMeasured > 0 ? String.format("%.1f bytes", allocPerStep)
                    : "not measured (one step an epoch)", recorder.stepsMeasured > 0
                    ? String.format("the median epoch's; the mean over all %,d steps measured %.1f", recorder.stepsMeasured, allocMean)
                    : "0 steps measured", allocPerEpoch);
            out.printf("memory     live heap after training %.1f MB (data %.1f MB, parameters %.1f MB, the rest: workspace,"
                    + " gradients, JVM); peak heap %.1f MB%n", liveHeap / 1e6, dataBytes / 1e6, parameterBytes / 1e6, peakHeap / 1e6);
            out.printf("inference  %,.0f samples/s in batches of 256; one sample: %.1f us (median)%n", inferenceRate, latencyUs);
            out.printf("kernels    %s, variant %s (%s)%n", Kernels.fast(1).getClass().getSimpleName(), cpu.variant(), cpu.variantChoice());
            if (n > 1) {
                out.printf("threads    %s of the kernels' time in the measured epochs on one thread, the rest on %d (%d switch%s;"
                        + " the kernels measure which runs faster: -Dbackprop4j.threads.switch=off keeps all)%n",
                        Double.isNaN(oneThreadShare) ? "none measured" : String.format("%.0f%%", 100 * oneThreadShare), n,
                        modes.switches(), modes.switches() == 1 ? "" : "es");
            }
            out.printf("weights    sha256 %s (the trained network's W and b; equal on every machine and variant)%n", trained.sha256());
            out.printf("heap       %s transparent huge pages (kernel mode: %s)%n", jvmHugePages() ? "on" : "not on", thpMode());
            out.printf("jit        PerMethodTrapLimit %d%s; compilation that ended in each measured epoch %s ms%n", jitTrapLimit(),
                    jitTrapLimit() < 1000 ? " (below 1000: on JDK 17 a kernel may box vectors; the nn launchers give 1000)" : "",
                    Arrays.toString(Arrays.copyOfRange(recorder.jitMillis, 1, epochs + 1)));
        }
        return 0;
    }

    /**
     * Whether this JVM asked for transparent huge pages for its heap (-XX:+UseTransparentHugePages, which
     * the nn launchers add where the kernel gives them on request): on a virtual machine they change
     * the figures by 6-17 % (docs/PERFORMANCE.md), so a result says which it had.
     */
    static boolean jvmHugePages() {
        return Boolean.parseBoolean(vmOption("UseTransparentHugePages"));
    }

    /**
     * This JVM's PerMethodTrapLimit (-1 if not HotSpot): the launchers raise it from 100 to 1000, without
     * which C2 on JDK 17 sometimes gives up its speculation partway through a vector kernel and boxes a
     * vector (18 KB a W2 step in about half the JVMs; docs/PERFORMANCE.md), so a result says which it had.
     */
    static long jitTrapLimit() {
        String limit = vmOption("PerMethodTrapLimit");
        return limit == null ? -1 : Long.parseLong(limit);
    }

    /** A HotSpot option's value in this JVM, or null where the JVM is not HotSpot or has no such option. */
    private static String vmOption(String name) {
        try {
            var vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return vm == null ? null : vm.getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The kernel's transparent-huge-page mode (always, madvise or never), or "unknown" off Linux. */
    static String thpMode() {
        try {
            String line = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            int a = line.indexOf('['), b = line.indexOf(']');
            return a >= 0 && b > a ? line.substring(a + 1, b) : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Synthetic data of the workloads: inputs uniform in [0,1), targets one-hot of random classes. */
    static Dataset synthetic(int n, int inputs, int classes, long seed) {
        Random r = new Random(seed);
        Matrix x = new Matrix(n, inputs);
        for (int i = 0; i < x.data.length; i++) x.data[i] = r.nextFloat();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(classes);
        List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) names.add(Integer.toString(c));
        return Dataset.classification(x, labels, names, "synthetic");
    }

    private static double inferenceThroughput(Network net, Matrix x, int threads) {
        int batch = 256, batches = Math.max(1, Math.min(x.rows / batch, 100));
        Predictor p = new Predictor(net, batch, Kernels.fast(threads));
        float[] in = Arrays.copyOf(x.data, batch * x.cols), out = new float[batch * net.outputs()];
        double[] rates = new double[7];
        for (int rep = -3; rep < rates.length; rep++) {
            long t0 = System.nanoTime();
            for (int b = 0; b < batches; b++) p.predict(in, batch, out);
            double s = (System.nanoTime() - t0) / 1e9;
            if (rep >= 0) rates[rep] = batches * batch / s;
        }
        return median(rates);
    }

    /**
     * The steady-state time of one {@link Predictor#predict(float[], float[])}: the median of 101 batches of
     * 200 back-to-back calls, after a warm-up that lasts until the JIT has finished with the prediction's
     * code. The code a prediction runs is partly new to this JVM (the one-sample product, its split over
     * the threads) and partly compiled for training, whose profiles the JIT revises on the first
     * predictions (a new job type where the workers call their part, branches training never took), so it
     * recompiles for a few hundred milliseconds; a fixed 50 batches measured that recompilation, not the
     * predictions (3.3 against 2.5 µs on two threads, docs/PERFORMANCE.md). Each warm-up batch is
     * followed by a millisecond's sleep, in which the JIT's threads get the cores that the caller and a
     * spinning worker otherwise hold.
     */
    private static double singleSampleLatencyMicros(Network net, Matrix x, int threads) throws InterruptedException {
        Predictor p = new Predictor(net, 1, Kernels.fast(threads));
        float[] in = Arrays.copyOf(x.data, x.cols), out = new float[net.outputs()];
        int calls = 200;
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long until = System.nanoTime() + 5_000_000_000L;
        long compiled = -1;
        for (int batch = 0, quiet = 0; batch < 200 || (jitTimed && quiet < 100 && System.nanoTime() < until); batch++) {
            batchMicros(p, in, out, calls);
            Thread.sleep(1);
            long now = jitTimed ? jit.getTotalCompilationTime() : 0;
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
        }
        double[] perCall = new double[101];
        for (int rep = 0; rep < perCall.length; rep++) perCall[rep] = batchMicros(p, in, out, calls);
        return median(perCall);
    }

    /** Microseconds per call of {@code calls} back-to-back one-sample predictions. */
    private static double batchMicros(Predictor p, float[] in, float[] out, int calls) {
        long t0 = System.nanoTime();
        for (int c = 0; c < calls; c++) p.predict(in, out);
        return (System.nanoTime() - t0) / 1e3 / calls;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double[] round(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Math.round(v[i] * 1000) / 1000.0;
        return r;
    }

    /**
     * Epoch times, the JIT's compilation time that ended in each epoch, and the heap allocated: by all
     * threads over the measured epochs (steps and the epochs' bookkeeping), and by the training threads
     * in the steps alone — from each measured epoch's first step to its last, read per thread without
     * allocating, so that the end of an epoch (its cost, statistics, listeners: a few KB whatever the
     * number of steps) is not spread over the steps as if each step allocated.
     */
    static final class EpochRecorder implements TrainingListener {
        final double[] seconds;
        /** Milliseconds of JIT compilation that ended in each epoch (by the compiler threads, which share the cores); -1 if unknown. */
        final long[] jitMillis;
        long allocatedAfterWarmup, allocatedAtEnd;
        /** The kernels' time on one thread and on all, and their switches, in this JVM: after the warm-up epoch and at the end. */
        ThreadSwitch.Totals threadsAfterWarmup, threadsAtEnd;
        private final com.sun.management.ThreadMXBean threadBean =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        private final boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        private long compiled;
        /** The threads alive at the first measured step (the caller and the kernel pool), read one by one. */
        private long[] stepThreads;
        private long stepStart;
        private int stepsInEpoch;
        long allocatedInSteps, stepsMeasured;
        /** Bytes a step in each epoch's steps (from its first step to its last); NaN where not measured. */
        final double[] stepBytes;

        /**
         * Bytes a step in steady state: the median of the measured epochs' figures, the statistic of samples/s
         * (epochs the JIT still compiles in run partly in code that allocates the Vector API's vectors); NaN if
         * no epoch had two steps to read between.
         */
        double bytesPerStep() {
            return stepsMeasured == 0 ? Double.NaN
                    : median(Arrays.stream(stepBytes).filter(v -> !Double.isNaN(v)).toArray());
        }

        /** Bytes a step over all steps measured, the epochs the JIT compiled in included; NaN if none. */
        double bytesPerStepMean() {
            return stepsMeasured == 0 ? Double.NaN : (double) allocatedInSteps / stepsMeasured;
        }

        EpochRecorder(int epochs) {
            seconds = new double[epochs];
            jitMillis = new long[epochs];
            stepBytes = new double[epochs];
            Arrays.fill(stepBytes, Double.NaN);
        }

        @Override
        public void onStart(Network training) {
            compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
        }

        @Override
        public void onEpoch(EpochStats s) {
            seconds[s.epoch() - 1] = s.seconds();
            long now = jitTimed ? jit.getTotalCompilationTime() : 0;
            jitMillis[s.epoch() - 1] = jitTimed ? now - compiled : -1;
            compiled = now;
            if (s.epoch() == 1) {
                allocatedAfterWarmup = allocatedByAllThreads();
                threadsAfterWarmup = ThreadSwitch.totals();
            }
            if (s.epoch() == seconds.length) {
                allocatedAtEnd = allocatedByAllThreads();
                threadsAtEnd = ThreadSwitch.totals();
            }
        }

        @Override
        public void onStep(int epoch, int done, int total) {
            if (epoch < 2) return;   // epoch 1 is the warm-up
            if (stepThreads == null) stepThreads = threadBean.getAllThreadIds();   // allocates once, before the first reading
            stepsInEpoch++;
            if (stepsInEpoch == 1) {
                stepStart = allocatedInStepThreads();            // after the epoch's first step
            } else if (done == total) {                          // after its last, before its bookkeeping
                long bytes = allocatedInStepThreads() - stepStart;
                allocatedInSteps += bytes;
                stepsMeasured += stepsInEpoch - 1;
                stepBytes[epoch - 1] = (double) bytes / (stepsInEpoch - 1);
            }
            if (done == total) stepsInEpoch = 0;
        }

        private long allocatedInStepThreads() {
            long total = 0;
            for (long id : stepThreads) {
                long b = threadBean.getThreadAllocatedBytes(id);   // one thread: returns a long, allocates nothing
                if (b > 0) total += b;
            }
            return total;
        }

        private long allocatedByAllThreads() {
            long total = 0;
            for (long b : threadBean.getThreadAllocatedBytes(threadBean.getAllThreadIds())) {
                if (b > 0) total += b;
            }
            return total;
        }
    }
}
