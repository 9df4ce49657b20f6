package org.backprop4j.cli;

import org.backprop4j.cli.serve.PredictionServer;
import org.backprop4j.data.Scaler;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /} of {@code nn serve} in headless Chromium: a stroke drawn on the canvas with real
 * mouse events reaches the server, the page shows the answer for the drawing, and that answer is
 * what {@code nn predict} says for the same 784 values. The 784 values are MNIST-shaped: the ink
 * fits a 20×20 box and its centre of mass is the centre of the 28×28 field.
 */
class ServePageTest {
    @TempDir
    Path dir;

    @Test
    void aStrokeOnTheCanvasIsPredictedAsNnPredictDoes() throws Exception {
        Path modelFile = dir.resolve("digits.json");
        List<String> classes = IntStream.range(0, 10).mapToObj(String::valueOf).toList();
        ModelJson.write(new Model(Network.create(new int[] {784, 16, 10}, Activation.TANH, Activation.SOFTMAX, 5),
                Loss.CROSS_ENTROPY, classes, Scaler.NONE, 0), modelFile);
        PredictionServer server = PredictionServer.start(ModelJson.readFile(modelFile), modelFile,
                new PredictionServer.Config("127.0.0.1", 0, 2, 16, 64, 1 << 20, 5));
        try (DevTools chrome = DevTools.start(dir, 1000, 800)) {
            chrome.open("http://127.0.0.1:" + server.port() + "/");
            double[] pad = chrome.centre("#pad");
            // a "7": a bar to the right, then down and to the left, drawn as one stroke
            double[][] points = {{-60, -70}, {-20, -70}, {20, -70}, {60, -70}, {45, -30}, {30, 10}, {15, 50}, {0, 90}};
            chrome.mouse("mousePressed", pad[0] + points[0][0], pad[1] + points[0][1]);
            for (double[] p : points) {
                chrome.call("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", pad[0] + p[0], "y", pad[1] + p[1],
                        "button", "left", "buttons", 1));
                Thread.sleep(30);
            }
            chrome.mouse("mouseReleased", pad[0] + points[points.length - 1][0], pad[1] + points[points.length - 1][1]);
            // the page shows the answer for the finished drawing
            chrome.waitFor(() -> "true".equals(chrome.text("String(!!window.lastAnswer && "
                    + "JSON.stringify(window.lastAnswer.input) === JSON.stringify(mnistVector()))")), "the answer for the whole stroke");

            String input = chrome.text("JSON.stringify(window.lastAnswer.input)");
            String[] values = input.substring(1, input.length() - 1).split(",");
            assertEquals(784, values.length);
            mnistShaped(values);

            String label = chrome.text("document.getElementById('label').textContent");
            @SuppressWarnings("unchecked")
            List<Object> shown = (List<Object>) JsonTree.object("{\"v\":" + chrome.text(
                    "JSON.stringify([...document.querySelectorAll('#answer td[data-value]')].map(td => td.dataset.value))") + "}").get("v");
            assertEquals(10, shown.size());

            // nn predict on the same 784 values, as a CSV row
            Path csv = dir.resolve("drawn.csv");
            Files.writeString(csv, String.join(",", values) + "\n");
            String[] predicted = Cli.run("predict", "--model", modelFile.toString(), "--data", csv.toString(), "--probabilities")
                    .ok().out().lines().skip(1).findFirst().orElseThrow().split(",");
            assertEquals(predicted[0], label, "the class the page shows");
            for (int j = 0; j < 10; j++) {
                assertEquals(Float.parseFloat(predicted[1 + j]), (float) Double.parseDouble((String) shown.get(j)), 0f, "probability of " + j);
            }
            assertEquals("true", chrome.text("String(document.querySelector('#answer tr.top td').textContent === " + DevTools.quote(label) + ")"));
            assertEquals(List.of(), chrome.console, "console messages and exceptions");
            for (String url : chrome.requests) {
                assertTrue(url.startsWith("http://127.0.0.1:" + server.port() + "/"), "only the server itself: " + url);
            }
            assertTrue(server.counts()[0] >= 1, "the server answered the page");
        } finally {
            server.stop(0);
        }
    }

    /** The ink's bounding box is at most 20×20 (20 on its longer side) and its centre of mass within half a pixel of the centre. */
    private static void mnistShaped(String[] values) {
        int x0 = 28, y0 = 28, x1 = -1, y1 = -1;
        double mass = 0, cx = 0, cy = 0;
        for (int i = 0; i < 784; i++) {
            double v = Double.parseDouble(values[i]);
            assertTrue(v >= 0 && v <= 1, "pixel in [0, 1]: " + v);
            if (v == 0) continue;
            int x = i % 28, y = i / 28;
            x0 = Math.min(x0, x);
            x1 = Math.max(x1, x);
            y0 = Math.min(y0, y);
            y1 = Math.max(y1, y);
            mass += v;
            cx += v * (x + 0.5);
            cy += v * (y + 0.5);
        }
        int w = x1 - x0 + 1, h = y1 - y0 + 1;
        assertEquals(20, Math.max(w, h), "the longer side of the ink fills 20 pixels: " + w + "x" + h);
        assertEquals(14, cx / mass, 0.5, "centre of mass, x");
        assertEquals(14, cy / mass, 0.5, "centre of mass, y");
    }
}
