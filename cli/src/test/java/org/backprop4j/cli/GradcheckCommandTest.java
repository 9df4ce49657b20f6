package org.backprop4j.cli;

import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.reference.GradientCheck;
import org.backprop4j.reference.ReferenceBackprop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn gradcheck}: PASS (exit 0) on a trained model, FAIL (exit 3) on a backpropagation with a planted mistake. */
class GradcheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void passesOnATrainedModel() throws Exception {
        Path iris = Cli.copyIris(dir), model = dir.resolve("m.json");
        Cli.run("train", "--data", iris.toString(), "--label", "species", "--layers", "6,5", "--activation", "tanh",
                "--loss", "cross-entropy", "--scale", "standard", "--epochs", "5", "--l2", "0.001", "--out", model.toString(), "--quiet").ok();
        Cli.Result r = Cli.run("gradcheck", "--model", model.toString(), "--data", iris.toString(), "--label", "species", "--samples", "12").ok();
        assertTrue(r.out().contains("on 12 samples"), r.out());
        assertTrue(r.out().contains("lambda 0.001"), "the model's own lambda: " + r.out());
        for (int l = 1; l <= 3; l++) {
            String layer = l + " ";
            assertTrue(r.out().lines().anyMatch(s -> s.startsWith(layer) && s.endsWith(" ok")), r.out());
        }
        assertTrue(r.out().lines().anyMatch(s -> s.matches("PASS: worst error \\S+ < 1e-04")), r.out());
    }

    @Test
    void failsWithExitCode3OnAPlantedMistake() {
        Network net = Network.create(new int[] {3, 4, 2}, Activation.SIGMOID, Activation.SIGMOID, 1);
        ReferenceBackprop ref = new ReferenceBackprop(net, Loss.MSE);
        ref.fPrime[0] = (z, a, g) -> {                 // a test-only broken sigmoid: f' = a, the (1 - a) forgotten
            double[] d = new double[g.length];
            for (int i = 0; i < g.length; i++) d[i] = g[i] * a[i];
            return d;
        };
        double[][] x = {{0.1, -0.5, 0.9}, {0.7, 0.2, -0.3}}, y = {{1, 0}, {0, 1}};
        GradientCheck.Result result = GradientCheck.check(ref, x, y, 0, 100, 1);
        java.io.StringWriter text = new java.io.StringWriter();
        int code = GradcheckCommand.print(result, new Model(net, Loss.MSE), 0, "two samples", new java.io.PrintWriter(text, true));
        assertEquals(3, code);
        assertTrue(text.toString().contains("FAIL: worst error"), text.toString());
        assertTrue(text.toString().lines().anyMatch(s -> s.startsWith("1 ") && s.contains("FAIL (worst at W[")), text.toString());
    }

    @Test
    void badOptionsAreRejected() throws Exception {
        Path iris = Cli.copyIris(dir), model = dir.resolve("m.json");
        Cli.run("train", "--data", iris.toString(), "--label", "species", "--epochs", "1", "--out", model.toString(), "--quiet").ok();
        Cli.assertRejected(dir, new String[] {"gradcheck", "--model", model.toString(), "--data", iris.toString(), "--label", "species",
                "--samples", "0"}, "--samples");
        Cli.assertRejected(dir, new String[] {"gradcheck", "--model", dir.resolve("nope.json").toString(), "--data", iris.toString(),
                "--label", "species"}, "nope.json");
    }
}
