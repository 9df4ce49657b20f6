package org.backprop4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn train --report}: one self-contained HTML file that headless Chromium renders with its charts and no errors. */
class ReportTest {
    @TempDir
    Path dir;

    private Path report() throws Exception {
        Path iris = Cli.copyIris(dir);
        Path report = dir.resolve("report.html");
        Cli.run("train", "--data", iris.toString(), "--label", "species", "--layers", "6", "--activation", "tanh",
                "--loss", "cross-entropy", "--scale", "standard", "--epochs", "15", "--learning-rate", "0.1",
                "--test-data", iris.toString(), "--out", dir.resolve("m.json").toString(), "--report", report.toString(), "--quiet").ok();
        return report;
    }

    @Test
    void theReportIsSelfContained() throws Exception {
        String html = Files.readString(report());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        // nothing to fetch: no scripts, style sheets, images, frames or fonts from anywhere
        for (String banned : new String[] {"<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "@font-face"}) {
            assertFalse(html.contains(banned), "the report should not contain " + banned);
        }
        // references may only point inside the page (the charts' clip paths: url(#chart-cost-clipPath1))
        Matcher outside = Pattern.compile("(?:src|href)\\s*=\\s*[\"'](?!#)|url\\((?!#)").matcher(html);
        assertFalse(outside.find(), () -> "a reference outside the page: " + html.substring(outside.start(), Math.min(html.length(), outside.start() + 80)));
        assertTrue(html.contains("url(#chart-cost-clipPath"), "the clip paths are prefixed per chart, so that ids do not clash");
        for (String section : new String[] {"Cost J", "Accuracy", "Weight norm per layer", "Gradient norm per layer",
                "Saturated and dead units", "Time per epoch", "Confusion matrix", "Configuration", "Timings"}) {
            assertTrue(html.contains(section), "the report should have '" + section + "'");
        }
        assertTrue(html.contains("validation (end of epoch)"), "validation curves from --test-data");
        assertTrue(html.contains("Of the final model on the test data"), "--test-data given: the confusion matrix is of the test data");
        assertTrue(html.contains("<td>sgd</td>") && html.contains("<td>constant</td>"), "the seed's rule and schedule by name");
        assertEquals(6, count(html, "<svg "), "six charts");
    }

    @Test
    void configurationIsReadableAndTheConfusionMatrixIsOfHeldOutData() throws Exception {
        Path iris = Cli.copyIris(dir);
        Path report = dir.resolve("adam.html");
        Cli.run("train", "--data", iris.toString(), "--label", "species", "--layers", "6", "--activation", "tanh",
                "--loss", "cross-entropy", "--scale", "standard", "--epochs", "5", "--optimizer", "adam",
                "--validation-split", "0.2", "--out", dir.resolve("a.json").toString(), "--report", report.toString(), "--quiet").ok();
        String html = Files.readString(report);
        assertTrue(html.contains("<td>adam (beta1 0.9, beta2 0.999, epsilon 1.0E-8, decay 0.0)</td>"), "the update rule by name and settings");
        assertTrue(html.contains("<td>constant</td>"), "the schedule by name");
        assertFalse(html.contains("Adam[") || html.contains("Constant[") || html.contains("Sgd["), "no record toString");
        assertTrue(html.contains("Of the final model on the validation data"), "the confusion matrix of the held-out 20%");
    }

    @Test
    void chromiumRendersTheReportWithItsChartsAndNoConsoleErrors() throws Exception {
        Chromium.require();
        Path report = report();
        Chromium.Page page = Chromium.dumpDom(report, dir);
        assertTrue(page.dom().contains("<h1>Training report</h1>"), "the DOM as Chromium built it: " + page.dom());
        assertEquals(6, count(page.dom(), "<svg "), "Chromium's DOM should hold the six inline SVG charts");
        assertTrue(count(page.dom(), "<path ") > 20, "the charts should have their lines");
        assertEquals(java.util.List.of(), page.console(), "console messages while loading the report");

        Path png = dir.resolve("report.png");
        Chromium.Page shot = Chromium.screenshot(report, png, 1280, 1600, dir);
        assertEquals(java.util.List.of(), shot.console());
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "the screenshot is not a PNG");
        assertEquals(1280, image.getWidth());
        assertTrue(CompareCommandTest.colours(image) > 50, "the screenshot should show the charts, not a blank page");
    }

    /** The check above would notice a page that logs errors: this page has one on purpose. */
    @Test
    void theConsoleCheckCatchesAnError() throws Exception {
        Chromium.require();
        Path bad = dir.resolve("bad.html");
        Files.writeString(bad, "<!DOCTYPE html><html><body><svg width=\"10\" height=\"10\"></svg>"
                + "<script>console.error('planted'); notDefined();</script></body></html>");
        Chromium.Page page = Chromium.dumpDom(bad, dir);
        assertEquals(2, page.console().size(), page.log());
        assertTrue(page.console().get(0).contains("planted") && page.console().get(1).contains("notDefined"), page.console()::toString);
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
