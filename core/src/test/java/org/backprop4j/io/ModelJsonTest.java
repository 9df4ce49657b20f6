package org.backprop4j.io;

import org.backprop4j.data.Scaler;
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
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelJsonTest {
    @TempDir Path dir;

    @Test
    void everyFloatRoundTripsExactly() throws Exception {
        Random r = new Random(1);
        Matrix w = new Matrix(5, 7);
        for (int i = 0; i < w.data.length; i++) w.data[i] = Float.intBitsToFloat(r.nextInt()) ; // any bit pattern...
        for (int i = 0; i < w.data.length; i++) if (!Float.isFinite(w.data[i])) w.data[i] = 0.1f; // ...that is finite
        float[] tricky = {Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, 0.1f, 1e-45f, 3.4028235e38f, -0f, 1.0000001f};
        System.arraycopy(tricky, 0, w.data, 0, tricky.length);
        float[] b = {1.17549435E-38f, 2.3509886E-38f, 0.3f, -7.5f, 123456.79f};
        Network net = new Network(List.of(new Dense(w, b, Activation.TANH),
                new Dense(Matrix.of(new float[][] {{0.25f, -1f, 2f, 3f, 4f}}), new float[] {0f}, Activation.SIGMOID)));
        Model model = new Model(net, Loss.CROSS_ENTROPY, List.of(), new Scaler("standard", new float[7], filled(7, 0.7f)), 1e-4);
        Path file = dir.resolve("m.json");
        ModelJson.write(model, file);
        Model back = ModelJson.read(file);
        for (int l = 0; l < 2; l++) {
            float[] expected = net.layer(l).weights().data, actual = back.network().layer(l).weights().data;
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "weight " + i + " of layer " + l);
            }
            assertArrayEquals(net.layer(l).bias(), back.network().layer(l).bias());
            assertEquals(net.layer(l).activation(), back.network().layer(l).activation());
        }
        assertEquals(Loss.CROSS_ENTROPY, back.loss());
        assertEquals(model.scaler(), back.scaler());
        assertEquals(1e-4, back.l2());
        assertEquals(ModelJson.toJson(model), ModelJson.toJson(back));
    }

    @Test
    void aFileWithOnlyLayersLoads() throws Exception {
        Path file = dir.resolve("minimal.json");
        Files.writeString(file, """
                {"layers": [
                  {"activation": "relu", "weights": [[1, 2], [3, 4], [5, 6]], "bias": [0, 0.5, -1]},
                  {"activation": "softmax", "weights": [[1, 0, 0], [0, 1, 0]], "bias": [0, 0]}
                ]}""");
        Model m = ModelJson.read(file);
        assertEquals(2, m.network().inputs());
        assertEquals(2, m.network().outputs());
        assertEquals(6f, m.network().layer(0).weights().get(2, 1));   // weights[i][j] is W_ij: row i = output i
        assertEquals(Loss.CROSS_ENTROPY, m.loss());                     // softmax output implies cross-entropy
        assertTrue(m.classes().isEmpty());
        float[] out = m.network().predict(new float[] {1, 1});
        assertEquals(1.0, out[0] + out[1], 1e-6);
    }

    @Test
    void badFilesGiveOneLineNamingTheFileAndPlace() throws Exception {
        assertMessage("{\"layers\": [{\"activation\": \"sigmoid\", \"weights\": [[1, 2]], \"bias\": [0]}",
                "invalid JSON", "line 1");
        assertMessage("", "invalid JSON");
        assertMessage("{\"layers\": [{\"activation\": \"swish\", \"weights\": [[1]], \"bias\": [0]}]}",
                "layers[0].activation", "unknown activation 'swish'");
        assertMessage("{\"layers\": [{\"activation\": \"sigmoid\", \"weights\": [[1, 2], [3, 4]], \"bias\": [0, 0]},"
                + "{\"activation\": \"sigmoid\", \"weights\": [[1, 2, 3]], \"bias\": [0]}]}", "layers[1] takes 3 inputs", "2 outputs");
        assertMessage("{\"layers\": [{\"activation\": \"sigmoid\", \"weights\": [[1, 2], [3]], \"bias\": [0, 0]}]}",
                "layers[0].weights[1] has 1 numbers");
        assertMessage("{\"layers\": [{\"activation\": \"sigmoid\", \"weights\": [[1, 2]], \"bias\": [0, 0]}]}",
                "layers[0].bias has 2 numbers");
        assertMessage("{\"layers\": [{\"activation\": \"sigmoid\", \"weights\": [[1, \"x\"]], \"bias\": [0]}]}",
                "layers[0].weights[0][1] must be a number");
        assertMessage("{\"layers\": [{\"activation\": \"sigmoid\", \"weights\": [[1, 1e999]], \"bias\": [0]}]}",
                "outside the float32 range");
        assertMessage("{\"weights\": []}", "\"layers\" must be an array (missing)");
    }

    private void assertMessage(String json, String... fragments) throws Exception {
        RefusedModelFile.assertMessage(dir, json, fragments);
    }

    @Test
    void writingReplacesTheFileAtomically() throws Exception {
        Path file = dir.resolve("m.json");
        Files.writeString(file, "old");
        Network net = Network.create(new int[] {2, 2}, Activation.SIGMOID, Activation.SIGMOID, 1);
        net.layer(0).weights().data[0] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> ModelJson.write(new Model(net, Loss.MSE), file));
        assertEquals("old", Files.readString(file), "a failed write leaves the old file");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
