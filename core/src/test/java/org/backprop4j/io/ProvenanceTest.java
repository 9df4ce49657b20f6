package org.backprop4j.io;

import org.backprop4j.data.DataException;
import org.backprop4j.data.Scaler;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.TrainingRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model file's "provenance" section: written, read back equal, and no part of the weights. */
class ProvenanceTest {
    @TempDir
    Path dir;

    @Test
    void roundTripLeavesTheWeightsAsTheyWere() throws Exception {
        Path data = dir.resolve("d.csv");
        Files.writeString(data, "a,b\n1,2\n");
        Provenance origin = Provenance.of(List.of("train", "--data", data.toString(), "--seed", "7"), 7, List.of(data));
        String expectedSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(data)));
        assertEquals(expectedSha, origin.data().get(0).sha256());
        assertEquals("Backprop4j " + ProjectVersion.current(), origin.writtenBy());

        Network net = Network.create(new int[] {3, 4, 2}, Activation.SIGMOID, Activation.SOFTMAX, 5);
        Model model = new Model(net, Loss.CROSS_ENTROPY, List.of("x", "y"), Scaler.NONE, 0);
        Path with = dir.resolve("with.json"), without = dir.resolve("without.json");
        ModelJson.write(new ModelFile(model, TrainingRecord.NONE).withProvenance(origin), with);
        ModelJson.write(new ModelFile(model, TrainingRecord.NONE), without);

        ModelFile read = ModelJson.readFile(with);
        assertEquals(origin, read.provenance());
        assertNull(ModelJson.readFile(without).provenance(), "no section, no provenance");
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(net.layer(l).weights().data, read.model().network().layer(l).weights().data);
            assertArrayEquals(net.layer(l).bias(), read.model().network().layer(l).bias());
        }
        // the same file but for the section: the layers' text is untouched
        String a = Files.readString(with, StandardCharsets.UTF_8), b = Files.readString(without, StandardCharsets.UTF_8);
        assertTrue(a.contains("\"provenance\""));
        assertFalse(b.contains("\"provenance\""));
        assertEquals(b.substring(b.indexOf("\"layers\"")), a.substring(a.indexOf("\"layers\"")));
    }

    @Test
    void aBrokenSectionIsNamed() throws Exception {
        Network net = Network.create(new int[] {2, 2}, Activation.SIGMOID, Activation.SIGMOID, 1);
        StringWriter out = new StringWriter();
        ModelJson.write(new Model(net, Loss.MSE), out);
        String json = out.toString().replaceFirst("\\{", "{\"provenance\": {\"written_by\": \"x\", \"data\": [{\"file\": \"f\", \"sha256\": \"abc\"}]},");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, json);
        DataException e = assertThrows(DataException.class, () -> ModelJson.readFile(bad));
        assertTrue(e.getMessage().contains("provenance.data[0]"), e.getMessage());
    }
}
