package org.backprop4j.io;

import org.backprop4j.data.DataException;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model file is untrusted input: each case here was accepted, misread or crashed on before (issue 15). */
class UntrustedModelFileTest {
    @TempDir
    Path dir;

    private static final String LAYER = "{\"activation\": \"relu\", \"weights\": [[1, 2]], \"bias\": [0]}";
    private static final String LAYERS = "\"layers\": [" + LAYER + "]";

    @Test
    void duplicateKeysAreRefusedNotLastOneWins() throws Exception {
        assertMessage("{\"layers\": [{\"activation\": \"relu\", \"activation\": \"sigmoid\", \"weights\": [[1, 2]], \"bias\": [0]}]}",
                "invalid JSON at line 1", "Duplicate field 'activation'");
        assertMessage("{" + LAYERS + ", " + LAYERS + "}", "Duplicate field 'layers'");
    }

    @Test
    void versionsMustBePositiveWholeNumbers() throws Exception {
        assertMessage("{\"version\": 0, " + LAYERS + "}", "version must be a whole number >= 1, got 0");
        assertMessage("{\"version\": -1, " + LAYERS + "}", "got -1");
        assertMessage("{\"version\": 2.5, " + LAYERS + "}", "version must be a whole number", "got 2.5");
        assertMessage("{\"version\": \"2\", " + LAYERS + "}", "version must be a whole number >= 1, got \"2\"");
        assertMessage("{\"format\": 42, " + LAYERS + "}", "\"format\" must be a string, got 42");
        assertMessage("{\"format\": \"other\", " + LAYERS + "}", "\"format\" is \"other\", expected \"backprop4j-model\"");
    }

    @Test
    void absurdCountersAreRefusedNotWrappedOrReplayed() throws Exception {
        assertMessage("{" + LAYERS + ", \"training\": {\"stopped_epoch\": 2000000000, \"best_epoch\": 1}}",
                "training.stopped_epoch must be a whole number from 0 to 1000000, got 2000000000");
        assertMessage("{" + LAYERS + ", \"training\": {\"stopped_epoch\": 4294967297}}", "got 4294967297");
        assertMessage("{" + LAYERS + ", \"training\": {\"best_epoch\": -3}}", "training.best_epoch", "got -3");
        assertMessage("{" + LAYERS + ", \"optimizer\": {\"name\": \"sgd\", \"step\": 9223372036854775807, \"state\": [{\"weights\": {}, \"bias\": {}}]}}",
                "optimizer.step must be a whole number from 0 to 1000000000000");
        assertMessage("{" + LAYERS + ", \"optimizer\": {\"name\": \"sgd\", \"step\": 1e3, \"state\": []}}", "optimizer.step", "got 1e3");
    }

    @Test
    void negativeL2AndNegativeSecondMomentsAreRefused() throws Exception {
        assertMessage("{" + LAYERS + ", \"training\": {\"l2\": -0.5}}", "training.l2 must be >= 0, got -0.5");
        assertMessage("{" + LAYERS + ", \"optimizer\": {\"name\": \"adam\", \"step\": 3, \"state\": ["
                + "{\"weights\": {\"m\": [[1, 2]], \"v\": [[1, -2]]}, \"bias\": {\"m\": [0], \"v\": [0]}}]}}",
                "optimizer.state[0].weights.v holds -2.0, but v is a mean or sum of squares (>= 0)");
        assertMessage("{" + LAYERS + ", \"optimizer\": {\"name\": \"rmsprop\", \"step\": 3, \"state\": ["
                + "{\"weights\": {\"mean_square\": [[1, 2]]}, \"bias\": {\"mean_square\": [-1e-9]}}]}}",
                "optimizer.state[0].bias.mean_square holds");
    }

    @Test
    void nonUtf8BytesNameTheFileAndLine() throws Exception {
        Path file = dir.resolve("latin1.json");
        byte[] text = ("{\n\"classes\": [\"caf\u00e9\"],\n" + LAYERS + "}").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, text);
        DataException e = assertThrows(DataException.class, () -> ModelJson.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("Input length"), e.getMessage());
    }

    @Test
    void messagesQuoteAtMost80CharactersOfAValue() throws Exception {
        String huge = "x".repeat(100_000);
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"layers\": [{\"activation\": \"relu\", \"weights\": [[1, \"" + huge + "\"]], \"bias\": [0]}]}");
        DataException e = assertThrows(DataException.class, () -> ModelJson.read(file));
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " characters");
        assertTrue(e.getMessage().contains("(100000 characters)"), e.getMessage());
        Files.writeString(file, "{\"layers\": [{\"activation\": \"" + huge + "\", \"weights\": [[1]], \"bias\": [0]}]}");
        e = assertThrows(DataException.class, () -> ModelJson.read(file));
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters");
    }

    @Test
    void optionalFieldsGivenAsNullAreAbsent() throws Exception {
        Path file = dir.resolve("m.json");
        Files.writeString(file, "{\"classes\": null, \"scaling\": null, \"training\": null, " + LAYERS + "}");
        Model m = ModelJson.read(file);
        assertFalse(m.isClassifier());
    }

    @Test
    void theWriterPutsNoCommaAtTheStartOfALine() {
        Network net = Network.create(new int[] {3, 4, 2}, Activation.RELU, Activation.SOFTMAX, 1);
        String json = ModelJson.toJson(new Model(net, Loss.CROSS_ENTROPY, java.util.List.of("a", "b"), org.backprop4j.data.Scaler.NONE, 0.01));
        for (String line : json.split("\n")) assertFalse(line.strip().startsWith(","), line);
        assertTrue(json.startsWith("{\n  \"format\": \"backprop4j-model\",\n  \"version\": 2,\n"), json);
        assertEquals(json, ModelJson.toJson(ModelJson.parse(json, "again")));
    }

    private void assertMessage(String json, String... fragments) throws Exception {
        RefusedModelFile.assertMessage(dir, json, fragments);
    }
}
