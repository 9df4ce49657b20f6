package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code nn train} keeps when a step after training fails: the model is saved first, then the
 * metrics (the epochs' figures, which need nothing more), and only then come the evaluations after
 * training (the test data's, the report's confusion matrix) and the report. The soak of issue 15 lost
 * --metrics after 56 minutes because the report's evaluation ran out of memory before they were written.
 */
class OutputsAfterTrainingTest {
    @TempDir
    Path dir;

    @Test
    void aReportThatRunsOutOfMemoryLosesNeitherTheModelNorTheMetrics() throws Exception {
        // 8000 rows and a 5000-unit layer: training (20,002 parameters, batches of 16) and the report's per-epoch probe
        // (512 samples) need little, but the report's evaluation of the training data takes the 8000 rows in one block
        // (fewer than 2 x 4096), whose z and a are 160 MB each: more than the 192 MB heap holds
        StringBuilder csv = new StringBuilder("a,b,y\n");
        Random r = new Random(1);
        for (int i = 0; i < 8000; i++) csv.append(r.nextFloat()).append(',').append(r.nextFloat()).append(',').append(r.nextInt(2)).append('\n');
        Files.writeString(dir.resolve("d.csv"), csv);
        Process p = child(List.of("train", "--data", "d.csv", "--label", "y",
                "--layers", "5000", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--seed", "1", "--quiet",
                "--out", "m.json", "--metrics", "m.jsonl", "--report", "r.html"));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();

        assertEquals(2, code, err);
        assertTrue(err.strip().lines().reduce((a, b) -> b).orElse("").startsWith("nn train: out of memory"), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        assertEquals(5000, ModelJson.readFile(dir.resolve("m.json")).model().network().layer(0).outputs(), "the model was saved");
        List<String> metrics = Files.readAllLines(dir.resolve("m.jsonl"));
        assertEquals(1, metrics.size(), "one line per epoch: " + metrics);
        assertTrue(metrics.get(0).contains("\"epoch\":1"), metrics.get(0));
        assertFalse(Files.exists(dir.resolve("r.html")), "no report: its evaluation failed");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".nn-tmp")), "no temporary file left");
        }
    }

    /**
     * The report's layer probe (a second engine for 512 samples, at the end of every epoch) is counted
     * before training: a 40,000-unit layer fits the 192 MB heap for training, but not with the probe,
     * which ran out of memory at the end of the first epoch, before anything was saved.
     */
    @Test
    void aReportWhoseLayerProbeTheHeapCannotHoldIsRefusedBeforeTraining() throws Exception {
        StringBuilder csv = new StringBuilder("a,b,y\n");
        Random r = new Random(2);
        for (int i = 0; i < 2000; i++) csv.append(r.nextFloat()).append(',').append(r.nextFloat()).append(',').append(r.nextInt(2)).append('\n');
        Files.writeString(dir.resolve("d.csv"), csv);
        List<String> base = List.of("train", "--data", "d.csv", "--label", "y", "--layers", "40000", "--epochs", "1", "--threads", "1",
                "--quiet", "--out", "m.json");
        List<String> withReport = new ArrayList<>(base);
        withReport.addAll(List.of("--metrics", "m.jsonl", "--report", "r.html"));
        Process p = child(withReport);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("WARNING: Using incubator modules[^\n]*\n", "");   // the JVM's, which the nn script filters out
        assertEquals(2, p.waitFor(), err);
        assertEquals(1, err.strip().lines().count(), "one line: " + err);
        assertTrue(err.startsWith("nn train: --layers 40000: training the network 2-40000-2") && err.contains("--report")
                && err.contains("NN_JAVA_OPTS=-Xmx"), err);
        try (var files = Files.list(dir)) {
            assertEquals(List.of("d.csv"), files.map(f -> f.getFileName().toString()).toList(), "nothing written");
        }
        Process without = child(base);                  // the same network without a report trains
        String err2 = new String(without.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, without.waitFor(), err2);
        assertTrue(Files.exists(dir.resolve("m.json")));
    }

    /** {@code nn ARGS} in a JVM of its own with a 192 MB heap, in the test's folder. */
    private Process child(List<String> args) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx192m"));
        if (java.lang.module.ModuleFinder.ofSystem().find("jdk.incubator.vector").isPresent()) command.add("--add-modules=jdk.incubator.vector");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
