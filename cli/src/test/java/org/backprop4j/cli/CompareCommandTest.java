package org.backprop4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn compare}: the plot files are valid images of the right size, the table is right, budgets hold. */
class CompareCommandTest {
    @TempDir
    Path dir;

    private Cli.Result compare(Path out, String... more) throws IOException {
        Path iris = Files.exists(dir.resolve("iris.csv")) ? dir.resolve("iris.csv") : Cli.copyIris(dir);
        List<String> args = new java.util.ArrayList<>(List.of("compare", "--data", iris.toString(), "--label", "species",
                "--layers", "8", "--activation", "tanh", "--loss", "cross-entropy", "--scale", "standard",
                "--learning-rate", "0.1", "--out", out.toString(), "--quiet"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(new String[0])).ok();
    }

    @Test
    void writesAReadablePlotAndTheTable() throws Exception {
        Path out = dir.resolve("plots");                 // created by the command
        Cli.Result r = compare(out, "--epochs", "4", "--points", "8");

        BufferedImage png = ImageIO.read(out.resolve("compare.png").toFile());
        assertNotNull(png, "compare.png is not an image ImageIO can read");
        assertEquals(CompareOutputs.PNG_WIDTH, png.getWidth());
        assertEquals(CompareOutputs.PNG_HEIGHT, png.getHeight());
        assertTrue(colours(png) > 20, "the PNG should hold a drawing (lines, text), not a blank canvas");

        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.resolve("compare.svg").toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName());
        assertEquals(CompareOutputs.PNG_WIDTH, Double.parseDouble(svg.getDocumentElement().getAttribute("width")));
        assertEquals(CompareOutputs.PNG_HEIGHT, Double.parseDouble(svg.getDocumentElement().getAttribute("height")));
        String svgText = Files.readString(out.resolve("compare.svg"));
        for (String label : List.of("epochs (passes over the training data)", "wall time (s)", "cost J",
                "batch GD (K = 150)", "stochastic GD (K = 1)", "mini-batch GD (K = 32)")) {
            assertTrue(svgText.contains(label), "the SVG should show '" + label + "'");
        }

        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertEquals(4, csv.size(), csv::toString);
        assertTrue(csv.get(0).startsWith("mode,batch_size,learning_rate,steps,epochs,seconds,cost,"), csv.get(0));
        assertTrue(csv.get(1).startsWith("batch GD (K = 150),150,0.1,4,4.0,"), csv.get(1));
        assertTrue(csv.get(2).startsWith("stochastic GD (K = 1),1,0.1,600,4.0,"), csv.get(2));
        assertTrue(csv.get(3).startsWith("mini-batch GD (K = 32),32,0.1,20,4.0,"), csv.get(3)); // 5 steps of 32, 32, 32, 32, 22
        // the start plus one checkpoint per mark: 1 + 8 points per mode, except full batch: one per step
        List<String> curves = Files.readAllLines(out.resolve("compare-curves.csv"));
        assertEquals(1 + (1 + 4) + (1 + 8) + (1 + 8), curves.size(), curves::toString);
        // all modes start from the same weights: the same first cost
        Set<String> firstCosts = new HashSet<>();
        for (String line : curves) if (line.contains(",0.0,0.0,")) firstCosts.add(line.substring(line.lastIndexOf(',') + 1));
        assertEquals(1, firstCosts.size(), () -> "starting costs differ: " + firstCosts);

        assertTrue(r.out().contains("stochastic GD (K = 1)") && r.out().contains("final cost"), r.out());
        assertEquals(4, r.out().lines().count(), "a header and a row per mode: " + r.out());
    }

    @Test
    void aBudgetOfStepsGivesEveryModeTheSameNumberOfGradientEvaluations() throws Exception {
        Path out = dir.resolve("steps");
        compare(out, "--steps", "12", "--points", "3");
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertTrue(csv.get(1).startsWith("batch GD (K = 150),150,0.1,12,12.0,"), csv.get(1));
        assertTrue(csv.get(2).startsWith("stochastic GD (K = 1),1,0.1,12,0.08,"), csv.get(2));
        assertTrue(csv.get(3).startsWith("mini-batch GD (K = 32),32,0.1,12,2.4"), csv.get(3));
    }

    @Test
    void aBudgetOfSecondsStopsEachModeOnTime() throws Exception {
        Path out = dir.resolve("seconds");
        compare(out, "--seconds", "0.4", "--points", "4", "--batch-sizes", "1,16");
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        for (String row : csv.subList(1, csv.size())) {
            double seconds = Double.parseDouble(row.split(",")[5]);
            assertTrue(seconds >= 0.4 && seconds < 3, "training time " + seconds + " s for a budget of 0.4 s: " + row);
        }
    }

    @Test
    void badOptionsAreRejectedWithoutWritingAnything() throws IOException {
        Path iris = Cli.copyIris(dir);
        String[] base = {"compare", "--data", iris.toString(), "--label", "species"};
        Cli.assertRejected(dir, concat(base, "--out", dir.resolve("no/such/folder").toString()), "--out", "does not exist");
        Cli.assertRejected(dir, concat(base, "--out", iris.toString()), "--out", "is a file");
        Cli.assertRejected(dir, concat(base, "--out", dir.resolve("o").toString(), "--steps", "0"), "--steps");
        Cli.assertRejected(dir, concat(base, "--out", dir.resolve("o").toString(), "--epochs", "2", "--seconds", "1"), "--epochs", "--seconds");
        Cli.assertRejected(dir, concat(base, "--out", dir.resolve("o").toString(), "--batch-sizes", "full,0"), "--batch-sizes");
        Cli.assertRejected(dir, concat(base, "--out", dir.resolve("o").toString(), "--learning-rate", "0.1,0.2"), "--learning-rate");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) seen.add(image.getRGB(x, y));
        }
        return seen.size();
    }
}
