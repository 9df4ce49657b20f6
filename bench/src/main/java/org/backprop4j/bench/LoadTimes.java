package org.backprop4j.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.Dataset;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How long the streaming readers take against just reading the file, and the heap they leave in use
 * (docs/RELIABILITY.md, "Bounded memory"). For each file, median of R rounds of:
 * <ul>
 *   <li>bytes: the file's bytes read in 64 KB blocks and thrown away (the I/O floor);</li>
 *   <li>text: the file read as UTF-8 lines (decoding, what any text reader must do);</li>
 *   <li>tokens (model only): every JSON token read and skipped by Jackson;</li>
 *   <li>read: {@code CsvReader.read} or {@code ModelJson.read}, the result kept until the heap is measured.</li>
 * </ul>
 * Times are CPU seconds of the reading thread (the wall clock is printed too). Run at the heap the issue names: {@code java -Xmx2g -cp bench/target/benchmarks.jar org.backprop4j.bench.LoadTimes
 * --csv mnist60k.csv --model big-model.json --rounds 5}. {@code --make-model FILE} writes a 784-12000-10 model (~100 MB).
 */
public final class LoadTimes {
    private LoadTimes() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 5;
        Path csv = null, model = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--csv" -> csv = Path.of(args[++i]);
                case "--model" -> model = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--make-model" -> {
                    Network net = Network.create(new int[] {784, 12000, 10}, Activation.SIGMOID, Activation.SOFTMAX, 1);
                    ModelJson.write(new Model(net, Loss.CROSS_ENTROPY), Path.of(args[++i]));
                    System.out.printf("wrote %s: %,d bytes, %,d parameters%n", args[i], Files.size(Path.of(args[i])), net.parameterCount());
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf("heap limit %,d MB, %d rounds, medians%n", Runtime.getRuntime().maxMemory() >> 20, rounds);
        if (csv != null) {
            Path f = csv;
            double bytes = median(rounds, () -> bytes(f)), text = median(rounds, () -> lines(f));
            double[] heap = new double[1];
            double read = median(rounds, () -> {
                Dataset d = CsvReader.read(f, Columns.label("0"), null);
                heap[0] = used();
                if (d.size() == 0) throw new IllegalStateException();
            });
            System.out.printf("CSV %s (%,d bytes): bytes %.3f s, text %.3f s, CsvReader.read %.3f s = %.2fx text, %.1fx bytes; heap in use with the data %,d MB%n",
                    f, Files.size(f), bytes, text, read, read / text, read / bytes, (long) heap[0] >> 20);
        }
        if (model != null) {
            Path f = model;
            double bytes = median(rounds, () -> bytes(f)), text = median(rounds, () -> lines(f)), tokens = median(rounds, () -> tokens(f));
            double[] heap = new double[1];
            double read = median(rounds, () -> {
                Model m = ModelJson.read(f);
                heap[0] = used();
                if (m.network().parameterCount() == 0) throw new IllegalStateException();
            });
            System.out.printf("model %s (%,d bytes): bytes %.3f s, text %.3f s, JSON tokens %.3f s, ModelJson.read %.3f s = %.2fx text, %.2fx tokens, %.1fx bytes; "
                    + "heap in use with the model %,d MB%n", f, Files.size(f), bytes, text, tokens, read, read / text, read / tokens, read / bytes, (long) heap[0] >> 20);
        }
    }

    private interface Job {
        void run() throws IOException;
    }

    /**
     * The median CPU time of the calling thread over {@code rounds} runs, in seconds: on a shared machine
     * the wall clock mostly measures the other processes. The readers run on this one thread.
     */
    private static double median(int rounds, Job job) throws IOException {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] t = new double[rounds], wall = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            System.gc();
            long start = threads.getCurrentThreadCpuTime(), w = System.nanoTime();
            job.run();
            t[r] = (threads.getCurrentThreadCpuTime() - start) / 1e9;
            wall[r] = (System.nanoTime() - w) / 1e9;
        }
        Arrays.sort(t);
        Arrays.sort(wall);
        System.out.printf("  (wall %.3f s)%n", wall[rounds / 2]);
        return t[rounds / 2];
    }

    private static long used() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static void bytes(Path f) throws IOException {
        byte[] buf = new byte[1 << 16];
        long n = 0;
        try (InputStream in = Files.newInputStream(f)) {
            for (int k; (k = in.read(buf)) > 0; ) n += k;
        }
        if (n < 0) throw new IllegalStateException();
    }

    private static void lines(Path f) throws IOException {
        long n = 0;
        try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            for (String l; (l = in.readLine()) != null; ) n += l.length();
        }
        if (n < 0) throw new IllegalStateException();
    }

    private static void tokens(Path f) throws IOException {
        long n = 0;
        try (JsonParser p = new JsonFactory().createParser(f.toFile())) {
            while (p.nextToken() != null) n++;
        }
        if (n < 0) throw new IllegalStateException();
    }
}
