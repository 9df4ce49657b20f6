package org.backprop4j.cli;

import org.backprop4j.train.EpochStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress output: a live bar on a terminal, plain lines elsewhere, nothing with --quiet; a fake clock drives time. */
class ProgressTest {
    /** A clock the test moves by hand, in nanoseconds. */
    static final class FakeClock {
        long now = 1_000_000_000L;

        void advance(double seconds) {
            now += (long) (seconds * 1e9);
        }
    }

    /** Runs 2 epochs of 100 batches of 10 samples, each step taking {@code stepSeconds} of fake time. */
    private static String simulate(boolean terminal, double stepSeconds) {
        StringWriter text = new StringWriter();
        FakeClock clock = new FakeClock();
        Progress p = new Progress(new PrintWriter(text, true), terminal, () -> clock.now, 1000, 2, s -> "  validation cost 0.5");
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (int done = 10; done <= 1000; done += 10) {
                clock.advance(stepSeconds);
                p.onStep(epoch, done, 1000, 0.25);
            }
            p.onEpoch(new EpochStats(epoch, 2, 0.25, 0, 100, 100 * stepSeconds, 0.9));
        }
        return text.toString();
    }

    @Test
    void notATerminalGivesOnePlainLinePerEpoch() {
        String out = simulate(false, 0.001);                 // 0.1 s epochs
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size(), out);
        assertFalse(out.contains("\r") || out.contains("\033"), "no carriage returns or escapes in a log");
        assertTrue(lines.get(0).startsWith("epoch 1/2  cost 0.250000 (data 0.250000 + L2 0.000000)  accuracy 90.00%  100 steps  0.10s"),
                lines.get(0));
        assertTrue(lines.get(1).endsWith("validation cost 0.5"), lines.get(1));
    }

    @Test
    void notATerminalNeverStaysSilentForLong() {
        String out = simulate(false, 0.1);                   // 10 s epochs
        List<String> lines = out.lines().toList();
        long interim = lines.stream().filter(l -> l.contains("% (")).count();
        // a line at least every 3 s: 20 s of training gives 2 epoch lines and about 6 progress lines
        assertTrue(interim >= 5 && interim <= 7, out);
        assertTrue(lines.get(0).matches("epoch 1/2 +\\d+% \\([\\d,]+ of 1,000 samples\\)  cost 0\\.250000  ETA \\d+:\\d\\d"), lines.get(0));
    }

    @Test
    void aTerminalGetsALiveBarAtMostTenTimesASecond() {
        String out = simulate(true, 0.01);                   // 2 s of training in 200 steps
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 15 && redraws <= 2 * (2 * Progress.BAR_HZ + 2), "redraws: " + redraws);
        assertTrue(java.util.regex.Pattern.compile("\\r\\033\\[Kepoch 1/2 \\[#{12}-{12}\\] batch 5\\d/100  cost 0\\.250000  1,0\\d\\d samples/s  ETA 0:0[12]")
                .matcher(out).find(), out);
        // the finished epochs stay on screen as lines of their own, the bar taken off first
        List<String> kept = java.util.Arrays.stream(out.split("\n")).map(l -> l.substring(l.lastIndexOf('\r') + 1).replace("\033[K", "")).filter(l -> !l.isEmpty()).toList();
        assertTrue(kept.get(0).startsWith("epoch 1/2  cost 0.250000"), kept.toString());
        assertTrue(kept.get(1).startsWith("epoch 2/2  cost 0.250000"), kept.toString());
    }

    @TempDir
    Path dir;

    @Test
    void nnTrainPrintsPlainEpochLinesInTestsAndNothingWithQuiet() throws Exception {
        Path iris = Cli.copyIris(dir);
        Cli.Result r = Cli.run("train", "--data", iris.toString(), "--label", "species", "--scale", "standard", "--epochs", "3",
                "--out", dir.resolve("m.json").toString()).ok();
        List<String> epochs = r.err().lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(3, epochs.size(), r.err());
        assertFalse(r.err().contains("\r"), "the tests' stderr is not a terminal: no live bar");
        Cli.Result quiet = Cli.run("train", "--data", iris.toString(), "--label", "species", "--scale", "standard", "--epochs", "3",
                "--out", dir.resolve("m.json").toString(), "--quiet").ok();
        assertEquals("", quiet.err());
    }
}
