package org.backprop4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nn explain --html}: the page in headless Chromium, driven by real mouse events through the
 * DevTools protocol. It loads offline (every request is the file itself), logs nothing to the
 * console, and stepping through it shows exactly the text output's blocks; hovering a unit or an
 * edge shows the same numbers as the text.
 */
class ExplainPageTest {
    @TempDir
    Path dir;

    @Test
    void theBuiltInExampleSteppedThroughInChromium() throws Exception {
        Path page = dir.resolve("explain.html");
        String text = Cli.run("explain", "--html", page.toString()).ok().out();
        try (DevTools chrome = DevTools.start(dir, 1280, 1000)) {
            chrome.open(page.toUri().toString());
            int steps = ((Double) chrome.eval("D.steps.length")).intValue();
            assertEquals(9, steps, "start, E1-E2 for layers 2 and 3, E3-E4, E6, E7, E8-E9, E10, E11-E12");
            Set<String> shown = stepThrough(chrome, text, steps);
            for (String block : blocks(text)) assertTrue(shown.contains(block), () -> "the page never shows\n" + block);

            // back to E1-E2 of layer 2: hovering unit 1 of layer 2 shows the z and a of the text's E1, E2
            chrome.click("#stages button:nth-child(2)");
            String z = first(text, "E1  z^(2)"), a = first(text, "E2  a^(2)");
            chrome.hover("#unit-2-1");
            String info = chrome.text("document.getElementById('info').textContent");
            assertTrue(info.contains("unit 1 of layer 2, sample k = 1") && info.contains("z = " + z + "   (E1)")
                    && info.contains("a = " + a + "   (E2)") && info.contains("δ: not yet computed"), info);
            assertNotEquals("rgb(235, 235, 235)", chrome.text("getComputedStyle(document.getElementById('unit-2-1')).fill"), "coloured by a");
            assertEquals("rgb(235, 235, 235)", chrome.text("getComputedStyle(document.getElementById('unit-3-1')).fill"),
                    "layer 3 not computed yet: grey");

            // sample 2, by tapping its button, then the last step: an edge shows W, ∂J/∂W beside its central difference, new W
            chrome.click("#samples button:nth-child(2)");
            chrome.click("#stages button:last-child");
            hoverEdge(chrome, 1, 2, 1);
            String edge = chrome.text("document.getElementById('info').textContent");
            String w = cell(text, "·   W^(1)", 1, 0), dJ = cell(text, "E11 ∂J/∂W^(1)", 1, 0), fd = cell(text, "E11 ∂J/∂W^(1)", 1, 2),
                    newW = cell(text, "E11 W^(1) :=", 1, 0);
            assertTrue(edge.contains("W = " + w) && edge.contains("∂J/∂W = " + dJ + "   central difference " + fd)
                    && edge.contains("new W = " + newW + "   (E11)") && edge.contains("sample 2 = "), edge + "\nexpected W " + w + ", ∂J/∂W " + dJ);
            chrome.click("#unit-3-2");                 // a tap shows the unit
            String unit = chrome.text("document.getElementById('info').textContent");
            assertTrue(unit.contains("unit 2 of layer 3, sample k = 2") && unit.contains("δ = " + nth(text, "E6  δ^(3)", 1, "δ = ", 1) + "   (E6)"), unit);

            assertEquals(List.of(), chrome.console, "console messages and exceptions");
            for (String url : chrome.requests) assertEquals(page.toUri().toString(), url, "the page fetches nothing but itself");
            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(chrome.screenshot()));
            assertTrue(CompareCommandTest.colours(shot) > 20, "the network is drawn in colour");
        }
    }

    /** A deeper network from a model file and three samples: every step's blocks are the text's. */
    @Test
    void aModelWithTwoHiddenLayersSteppedThroughInChromium() throws Exception {
        Path iris = Cli.copyIris(dir);
        Path model = dir.resolve("iris.json");
        Cli.run("train", "--data", iris.toString(), "--label", "species", "--layers", "5,4", "--activation", "tanh",
                "--loss", "cross-entropy", "--scale", "standard", "--epochs", "2", "--out", model.toString(), "--quiet").ok();
        Path page = dir.resolve("iris.html");
        String text = Cli.run("explain", "--model", model.toString(), "--data", iris.toString(), "--label", "species",
                "--samples", "3", "--digits", "5", "--html", page.toString()).ok().out();
        String html = Files.readString(page);
        for (String banned : new String[] {"<link", "<img", "<iframe", "<object", "<embed", "@import", "@font-face", " src="}) {
            assertFalse(html.contains(banned), "the page should not contain " + banned);
        }
        assertFalse(java.util.regex.Pattern.compile("href\\s*=|url\\(").matcher(html).find(), "no references out of the page");
        try (DevTools chrome = DevTools.start(dir, 1280, 1000)) {
            chrome.open(page.toUri().toString());
            int steps = ((Double) chrome.eval("D.steps.length")).intValue();
            assertEquals(11, steps, "start, E1-E2 for layers 2-4, E3-E4, E6, E7 for layers 3 and 2, E8-E9, E10, E11-E12");
            Set<String> shown = stepThrough(chrome, text, steps);
            for (String block : blocks(text)) assertTrue(shown.contains(block), () -> "the page never shows\n" + block);
            assertEquals(List.of(), chrome.console, "console messages and exceptions");
        }
    }

    /** Presses "next" through every step; each block the page shows must be one of the text output's blocks. */
    private static Set<String> stepThrough(DevTools chrome, String text, int steps) {
        Set<String> shown = new LinkedHashSet<>();
        List<String> textBlocks = blocks(text);
        for (int s = 0; s < steps; s++) {
            String title = chrome.text("document.getElementById('title').textContent");
            assertTrue(title.startsWith("step " + (s + 1) + " of " + steps), title);
            @SuppressWarnings("unchecked")
            List<Object> pres = (List<Object>) JsonTree.object("{\"v\":" + chrome.text(
                    "JSON.stringify([...document.querySelectorAll('#equations pre')].map(p => p.textContent))") + "}").get("v");
            assertFalse(pres.isEmpty(), "step " + (s + 1) + " shows nothing");
            for (Object p : pres) {
                String block = (String) p;
                assertTrue(textBlocks.contains(block) || block.lines().count() == 1 && text.contains("\n" + block + "\n"),
                        () -> "step " + title + " shows a block that is not in the text output:\n" + block);
                shown.add(block);
            }
            if (s < steps - 1) chrome.click("#next");
        }
        assertEquals("true", chrome.text("String(document.getElementById('next').disabled)"), "the last step");
        return shown;
    }

    /** The text's equation blocks: a line starting with "E<n>" or "·" and its indented value lines. */
    static List<String> blocks(String text) {
        List<String> blocks = new ArrayList<>();
        StringBuilder b = null;
        for (String line : text.lines().toList()) {
            if (line.matches("(E\\d+ |·).*")) {
                if (b != null) blocks.add(b.toString());
                b = new StringBuilder(line);
            } else if (b != null && line.startsWith("    ")) {
                b.append('\n').append(line);
            } else if (b != null) {
                blocks.add(b.toString());
                b = null;
            }
        }
        if (b != null) blocks.add(b.toString());
        return blocks;
    }

    /** The first number of the first block that starts with {@code start}. */
    private static String first(String text, String start) {
        return cell(text, start, 0, 0);
    }

    /** Column col (counted over both sides of a "|") of value row `row` of the first block starting with start. */
    private static String cell(String text, String start, int row, int col) {
        for (String block : blocks(text)) {
            if (!block.startsWith(start)) continue;
            String line = block.lines().skip(1 + row).findFirst().orElseThrow().trim();
            line = line.replaceFirst("^= ", "").replace("|", " ").replace("[", " ").replace("]", " ").trim();
            return line.split("\\s+")[col];
        }
        throw new AssertionError("no block " + start + " in\n" + text);
    }

    /** In the n-th (0-based) block starting with start, number col of the vector after the label. */
    private static String nth(String text, String start, int n, String label, int col) {
        int seen = 0;
        for (String block : blocks(text)) {
            if (!block.startsWith(start) || seen++ < n) continue;
            for (String line : block.lines().toList()) {
                int at = line.indexOf(label);
                if (at >= 0) return line.substring(at + label.length()).replace("[", " ").trim().split("\\s+")[col];
            }
        }
        throw new AssertionError("no block " + start + " #" + n + " with " + label);
    }

    /** Moves the mouse onto edge W_ij^(l), a third of the way along it (where no other edge crosses in these networks). */
    private static void hoverEdge(DevTools chrome, int l, int i, int j) {
        String id = "edge-" + l + "-" + i + "-" + j;
        @SuppressWarnings("unchecked")
        List<Object> xy = (List<Object>) JsonTree.object("{\"v\":" + chrome.text("(() => { const e = document.getElementById('" + id + "');"
                + " const svg = document.getElementById('net'); const r = svg.getBoundingClientRect(), s = r.width / 560;"
                + " const t = 0.3, x = +e.getAttribute('x1') + t * (e.getAttribute('x2') - e.getAttribute('x1')),"
                + " y = +e.getAttribute('y1') + t * (e.getAttribute('y2') - e.getAttribute('y1'));"
                + " return JSON.stringify([r.left + x * s, r.top + y * s]); })()") + "}").get("v");
        double x = (Double) xy.get(0), y = (Double) xy.get(1);
        assertEquals(id, chrome.text("document.elementFromPoint(" + x + "," + y + ").id"), "the point is on the edge");
        chrome.call("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
    }
}
