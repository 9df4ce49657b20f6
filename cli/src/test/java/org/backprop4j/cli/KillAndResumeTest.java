package org.backprop4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kill-and-resume harness: {@code nn train} in a JVM of its own, first stopped by SIGTERM, which
 * must save a last checkpoint and exit with code 75; then, resumed with {@code --resume}, killed with
 * SIGKILL at random moments (mid-epoch, and — with a checkpoint every few milliseconds of a 1.5 MB
 * checkpoint file — mid-save) and resumed again until it finishes. The final model file must be byte for byte
 * the one of the uninterrupted run. Adam, dropout, reduce-on-plateau, early stopping with a
 * validation split and a ragged last batch are on, so every piece of saved state matters.
 */
class KillAndResumeTest {
    @TempDir
    Path dir;

    private static final String[] RUN = {"train", "--data", "iris.csv", "--label", "species", "--scale", "standard", "--layers", "96,96",
            "--epochs", "40", "--batch-size", "7", "--optimizer", "adam", "--learning-rate", "0.003", "--dropout", "0.2,0.1",
            "--schedule", "plateau", "--plateau-patience", "1", "--validation-split", "0.2", "--early-stopping", "--patience", "6",
            "--seed", "7", "--threads", "1", "--quiet"};

    private List<String> command(String... args) {
        List<String> c = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) c.add("--add-modules=jdk.incubator.vector");
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        c.addAll(List.of(args));
        return c;
    }

    private Process start(String... args) throws IOException {
        return new ProcessBuilder(command(args)).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void killedAtRandomAndResumedGivesTheUninterruptedModelByteForByte() throws Exception {
        Cli.copyIris(dir);
        Process whole = start(with(RUN, "--out", "whole.json"));
        assertEquals(0, whole.waitFor(), () -> stderr());
        byte[] expected = Cli.modelBytes(dir.resolve("whole.json"));   // without "provenance": the command lines differ

        Random random = new Random();   // not seeded: every build kills at other moments
        String[] first = with(RUN, "--out", "resumed.json", "--checkpoint", "run.ckpt.json", "--checkpoint-seconds", "0.005");
        String[] resume = {"train", "--resume", "run.ckpt.json"};
        int kills = 0, resumes = 0, leftovers = 0;
        boolean terminated = false;
        Path checkpoint = dir.resolve("run.ckpt.json");
        for (int round = 0; round < 40; round++) {
            boolean hasCheckpoint = Files.exists(checkpoint);
            long started = System.currentTimeMillis();
            Process p = start(hasCheckpoint ? resume : first);
            if (hasCheckpoint) resumes++;
            // kill only once this JVM trains: after its first checkpoint, at a random moment
            while (p.isAlive() && !(Files.exists(checkpoint) && Files.getLastModifiedTime(checkpoint).toMillis() >= started)) Thread.sleep(2);
            // The first JVM is stopped by SIGTERM within 30 ms of its first checkpoint, with nearly all of the run still
            // ahead (so even a fast machine cannot have finished it); the next ones are killed by SIGKILL.
            boolean sigterm = !terminated;
            boolean done = sigterm || kills < 6 ? p.waitFor(random.nextInt(sigterm ? 30 : 150), TimeUnit.MILLISECONDS)
                    : p.waitFor(5, TimeUnit.MINUTES);
            if (done) {
                assertEquals(0, p.exitValue(), () -> stderr());
                break;
            }
            if (sigterm) {
                p.destroy();                   // SIGTERM: the hook saves a last checkpoint
                assertEquals(75, p.waitFor(), () -> stderr());
                assertTrue(stderr().contains("continue with: nn train --resume run.ckpt.json"), stderr());
                terminated = true;
            } else {
                p.destroyForcibly();           // SIGKILL: no hook runs, a save may be cut short
                p.waitFor();
                kills++;
                try (var files = Files.list(dir)) {
                    leftovers += (int) files.filter(f -> f.getFileName().toString().endsWith(".nn-tmp")).count();
                }
            }
        }
        assertTrue(terminated, "the run was stopped once by SIGTERM");
        assertTrue(Files.exists(dir.resolve("resumed.json")), "the run finished: " + stderr());
        assertTrue(kills >= 3 && resumes >= 3, kills + " kills, " + resumes + " resumes");
        assertArrayEquals(expected, Cli.modelBytes(dir.resolve("resumed.json")),
                "after " + kills + " kills (" + leftovers + " cut short mid-save) and " + resumes + " resumes");
        try (var files = Files.list(dir)) {
            List<Path> tmp = files.filter(f -> f.getFileName().toString().endsWith(".nn-tmp")).toList();
            assertTrue(tmp.isEmpty(), "temporary files of killed saves are removed by the next save: " + tmp);
        }
        System.out.println("kill-and-resume: " + kills + " kills (" + leftovers + " mid-save), " + resumes + " resumes, SIGTERM " + terminated);
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("stderr.txt"));
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }
}
