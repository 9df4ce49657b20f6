package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nn explain}: its numbers against steps worked out by hand (the built-in 2-3-2 example, and
 * the seed's 3-4-2 step of {@code HandWorkedStepTest} given as a model file and a CSV), every
 * activation and both losses, Markdown, and refusals. The page is tested in {@link ExplainPageTest}.
 */
class ExplainTest {
    @TempDir
    Path dir;

    /**
     * The built-in example worked out by hand: the formulas of SPEC in plain double arithmetic (a few
     * lines of Python, independent of this code), rounded to 6 significant digits.
     * W1 = [[0.125, −0.25], [0.5, 0.25], [−0.375, 0.125]], b1 = (0.125, −0.125, 0.0625),
     * W2 = [[0.25, −0.5, 0.25], [−0.25, 0.375, 0.125]], b2 = (0.0625, −0.0625);
     * x = (1, 0.5), (0.25, −0.75); y = (1, 0), (0, 1); sigmoid, mse, α = 0.5, λ = 0.01, K = 2.
     */
    @Test
    void theBuiltInExampleFollowsTheHandWorkedStep() {
        String out = Cli.run("explain", "--digits", "6").ok().out();
        String[] expected = {
                // sample 1: E1, E2, E1, E2, E3
                "= [ 0.125  0.5  -0.25 ]", "= [ 0.531209  0.622459  0.437823 ]", "= [ -0.00647145  0.0928478 ]",
                "= [ 0.498382  0.523195 ]", "= 0.262677",
                // sample 2
                "= [ 0.34375  -0.1875  -0.125 ]", "= [ 0.585101  0.453262  0.468791 ]", "= [ 0.099342  0.0197967 ]",
                "= [ 0.524815  0.504949 ]", "= 0.260253",
                // E4: data term, L2 term, J
                "= 0.261465 (data term) + 0.00570312 (L2 term)", "= 0.267168",
                // E6, E7 of both samples
                "δ = [ -0.125403  0.130517 ]", "δ^(2) = [ -0.0159327  0.0262371  -0.0037009 ]",
                "δ = [ 0.130881  -0.123751 ]", "δ^(2) = [ 0.0154534  -0.0277174  0.00429603 ]",
                // E11, E12 of layer 1, then of layer 2
                "= [  0.127392  -0.243861 ]", "  [  0.492673   0.240273 ]", "  [ -0.372468   0.125643 ]",
                "= [ 0.12512  -0.12463  0.0623512 ]",
                "= [  0.246259  -0.492816  0.247137 ]", "  [ -0.247981   0.366837  0.124592 ]",
                "= [ 0.0611306  -0.0641917 ]"};
        int from = 0;
        for (String e : expected) {
            int at = out.indexOf(e, from);
            assertTrue(at >= 0, () -> "expected, in this order: " + e + "\n" + out);
            from = at + e.length();
        }
        // the order of SPEC: E1 E2 (E3) per sample, E4, E6 E7 E8 E9 per sample, E10, E11 E12
        assertEquals(List.of("E1", "E2", "E1", "E2", "E3", "E1", "E2", "E1", "E2", "E3", "E4",
                "E6", "E7", "E8", "E9", "E8", "E9", "E6", "E7", "E8", "E9", "E8", "E9",
                "E10", "E10", "E10", "E10", "E11", "E11", "E12", "E12", "E11", "E11", "E12", "E12"), equations(out));
    }

    /** The seed's 3-4-2 step of HandWorkedStepTest (one sample, α = 0.5, λ = 0.01), from a model file and a CSV. */
    @Test
    void aModelAndDataFollowTheSeedsHandWorkedStep() throws Exception {
        Network seed = new Network(List.of(
                new Dense(Matrix.of(new float[][] {{0.1f, 0.2f, -0.1f}, {-0.3f, 0.1f, 0.2f}, {0.2f, -0.2f, 0.3f}, {0.0f, 0.4f, -0.5f}}),
                        new float[] {0.1f, -0.1f, 0.0f, 0.2f}, Activation.SIGMOID),
                new Dense(Matrix.of(new float[][] {{0.3f, -0.2f, 0.1f, 0.4f}, {-0.1f, 0.2f, 0.3f, -0.3f}}),
                        new float[] {0.05f, -0.05f}, Activation.SIGMOID)));
        Path model = dir.resolve("seed.json");
        ModelJson.write(new Model(seed, Loss.MSE), model);
        Path data = dir.resolve("one.csv");
        Files.writeString(data, "x1,x2,x3,y1,y2\n0.5,-0.2,0.1,1,0\n0.3,0.3,0.3,0,1\n");
        String out = Cli.run("explain", "--model", model.toString(), "--data", data.toString(), "--targets", "2", "--samples", "1",
                "--learning-rate", "0.5", "--l2", "0.01", "--digits", "5").ok().out();
        // HandWorkedStepTest's values, rounded to 5 digits
        String[] expected = {"= [ 0.1  -0.25  0.17  0.07 ]", "= [ 0.52498  0.43782  0.5424  0.51749 ]", "= [ 0.38117  -0.0074617 ]",
                "= [ 0.59415  0.49813 ]", "= 0.20642", "δ = [ -0.097864  0.12453 ]", "δ^(2) = [ -0.010427  0.010948  0.0068437  -0.019103 ]",
                "= [   0.10211   0.19796  -0.098979 ]", "  [  -0.30124   0.10059    0.19845 ]", "  [   0.19729  -0.19832    0.29816 ]",
                "  [ 0.0047757   0.39609   -0.49654 ]", "= [ 0.10521  -0.10547  -0.0034219  0.20955 ]",
                "= [  0.32419  -0.17758  0.12604   0.42332 ]", "  [ -0.13219   0.17174  0.26473  -0.33072 ]",
                "= [ 0.098932  -0.11227 ]"};
        int from = 0;
        for (String e : expected) {
            int at = out.indexOf(e, from);
            assertTrue(at >= 0, () -> "expected, in this order: " + e + "\n" + out);
            from = at + e.length();
        }
        assertTrue(out.contains("K = 1 sample,"), out);
        assertTrue(out.contains("(1/1) (0.20642)"), "E4 shows the sum over the K samples and the 1/K");
    }

    /** Every ∂J/∂W and ∂J/∂b line shows the central difference beside it, and they agree to the digits shown. */
    @Test
    void centralDifferencesStandBesideEveryGradient() {
        for (String[] variant : variants()) {
            List<String> args = new ArrayList<>(List.of("explain", "--digits", "5"));
            args.addAll(List.of(variant));
            String out = Cli.run(args.toArray(String[]::new)).ok().out();
            int blocks = 0;
            List<String> lines = out.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).startsWith("E11 ∂J/∂W") && !lines.get(i).startsWith("E12 ∂J/∂b")) continue;
                blocks++;
                for (int r = i + 1; r < lines.size() && lines.get(r).contains("|"); r++) {
                    String[] sides = lines.get(r).substring(6).split("\\s+\\|\\s+");
                    assertEquals(2, sides.length, lines.get(r));
                    double[] bp = numbers(sides[0]), fd = numbers(sides[1]);
                    assertEquals(bp.length, fd.length, lines.get(r));
                    for (int j = 0; j < bp.length; j++) {
                        // equal up to the last digit shown (the two may round to neighbours)
                        assertEquals(bp[j], fd[j], 1e-4 * Math.max(Math.abs(bp[j]), Math.abs(fd[j])) + 1e-12,
                                () -> String.join(" ", variant) + ": backprop and central difference differ\n" + out);
                    }
                }
            }
            assertEquals(4, blocks, () -> "∂J/∂W and ∂J/∂b of both layers\n" + out);
        }
    }

    /** Every activation and both losses, mini-batches of 1 and 2: the step is shown to the end. */
    @Test
    void everyActivationAndBothLossesExplain() {
        for (Activation f : Activation.values()) {
            if (f == Activation.SOFTMAX) continue;
            for (String[] variant : List.of(new String[] {"--output-activation", f.id()},
                    new String[] {"--activation", f.id(), "--loss", "cross-entropy", "--output-activation", "softmax", "--samples", "1"})) {
                List<String> args = new ArrayList<>(List.of("explain"));
                args.addAll(List.of(variant));
                if (!args.contains("--activation")) args.addAll(List.of("--activation", f.id()));
                String out = Cli.run(args.toArray(String[]::new)).ok().out();
                assertTrue(out.contains("f = " + f.id() + ": " + Explanation.forwardFormula(f)), out);
                assertTrue(out.contains(Explanation.derivativeFormula(f)), out);
                assertTrue(out.contains("After the step: J(W,b)"), out);
                assertFalse(out.contains("NaN"), out);
            }
        }
        String ce = Cli.run("explain", "--loss", "cross-entropy").ok().out();
        assertTrue(ce.contains("−Σ_i [y_i log a^(3)_i + (1 − y_i) log(1 − a^(3)_i)]"), "cross-entropy with sigmoid outputs: " + ce);
        assertTrue(ce.contains("δ^(3) = a^(3) − y   (cross-entropy with a sigmoid output: f' folds into the loss)"), ce);
        String one = Cli.run("explain", "--samples", "1").ok().out();
        assertTrue(one.contains("K = 1 sample,") && one.contains("(1/1) (") && !one.contains("[k = 2]"), one);
    }

    @Test
    void markdownHasHeadingsAndCodeBlocks() {
        String md = Cli.run("explain", "--markdown").ok().out();
        assertTrue(md.startsWith("# One step of backpropagation\n"), md);
        assertTrue(md.contains("\n## Cost over the batch (E4)\n"), md);
        assertTrue(md.contains("**E7** `δ^(2) = ((W^(2))ᵀ δ^(3)) ⊙ f'(z^(2))"), md);
        assertEquals(0, count(md, "```") % 2, "code blocks are closed");
        assertEquals(equations(Cli.run("explain").ok().out()).size(), count(md, "**E"), "every equation of the text");
    }

    @Test
    void badRequestsAreRefusedOnOneLine() throws Exception {
        Path iris = Cli.copyIris(dir);
        Path model = dir.resolve("iris.json");
        Cli.run("train", "--data", iris.toString(), "--label", "species", "--layers", "4", "--epochs", "1", "--out", model.toString(), "--quiet").ok();
        Path big = dir.resolve("big.json");
        ModelJson.write(new Model(Network.create(new int[] {100, 101, 2}, Activation.SIGMOID, Activation.SIGMOID, 1), Loss.MSE), big);
        Cli.assertRejected(dir, new String[] {"explain", "--model", model.toString()}, "--model", "--data");
        Cli.assertRejected(dir, new String[] {"explain", "--data", iris.toString(), "--label", "species"}, "--data", "--model");
        Cli.assertRejected(dir, new String[] {"explain", "--model", model.toString(), "--data", iris.toString(), "--label", "species",
                "--activation", "tanh"}, "--activation", "built-in");
        Cli.assertRejected(dir, new String[] {"explain", "--model", big.toString(), "--data", iris.toString(), "--label", "species"},
                "big.json", "10405 parameters");
        Cli.assertRejected(dir, new String[] {"explain", "--digits", "0"}, "--digits");
        Cli.assertRejected(dir, new String[] {"explain", "--samples", "3"}, "--samples 3", "2 samples");
        Cli.assertRejected(dir, new String[] {"explain", "--loss", "cross-entropy", "--output-activation", "tanh"}, "--loss", "tanh");
        Cli.assertRejected(dir, new String[] {"explain", "--activation", "swish"}, "--activation", "swish");
        Cli.assertRejected(dir, new String[] {"explain", "--html", dir.resolve("no/such/dir/p.html").toString()}, "--html");
        // iris with a model: works, and the data are scaled as the model says
        String out = Cli.run("explain", "--model", model.toString(), "--data", iris.toString(), "--label", "species", "--samples", "3").ok().out();
        assertTrue(out.contains("the first 3 samples of") && out.contains("K = 3 samples"), out);
    }

    /** The equation numbers of the text, in order (headings and the start's parameters left out). */
    static List<String> equations(String text) {
        List<String> eqs = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (line.matches("E\\d+ .*")) eqs.add(line.substring(0, line.indexOf(' ')));
        }
        return eqs;
    }

    private static List<String[]> variants() {
        return List.of(new String[] {}, new String[] {"--activation", "tanh", "--loss", "cross-entropy", "--output-activation", "softmax"},
                new String[] {"--activation", "relu", "--output-activation", "identity", "--l2", "0"});
    }

    /** The numbers of a printed vector or matrix row: "[ 0.1  -2.5e-05 ]". */
    static double[] numbers(String row) {
        String inner = row.replace("[", " ").replace("]", " ").replace('−', '-').trim();
        return java.util.Arrays.stream(inner.split("\\s+")).mapToDouble(Double::parseDouble).toArray();
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) n++;
        return n;
    }
}
