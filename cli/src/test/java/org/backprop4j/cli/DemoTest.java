package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn demo}: the seed's 784-100-10 network on the shipped MNIST subset (about 6 s). */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void demoReaches93PercentOnTheTestImages() {
        String previous = System.getProperty("nn.home");
        System.setProperty("nn.home", Cli.repoRoot().toString());
        try {
            Path out = dir.resolve("d.json");
            Cli.Result r = Cli.run("demo", "--out", out.toString(), "--quiet").ok();
            assertEquals("", r.err(), "--quiet: nothing on stderr");
            Matcher m = Pattern.compile("accuracy\\s+([0-9.]+)%").matcher(r.out());
            assertTrue(m.find(), "no accuracy line in: " + r.out());
            double accuracy = Double.parseDouble(m.group(1));
            assertTrue(accuracy >= 93.0, "test accuracy " + accuracy + "% < 93%:\n" + r.out());
            assertTrue(r.out().contains("2000 samples"), r.out());

            Model model = ModelJson.read(out);
            assertEquals(784, model.network().inputs());
            assertEquals(10, model.network().outputs());
            assertEquals(2, model.network().layers().size());
        } finally {
            if (previous == null) System.clearProperty("nn.home");
            else System.setProperty("nn.home", previous);
        }
    }
}
