package org.backprop4j.io;

import org.backprop4j.data.DataException;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model-file tests' one check of a refusal: the reader answers a bad file with one line that starts with the file and says what is wrong. */
final class RefusedModelFile {
    private RefusedModelFile() {
    }

    /** Writes {@code json} to bad.json in {@code dir}, reads it, and checks the message names the file, is one line and holds every fragment. */
    static void assertMessage(Path dir, String json, String... fragments) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, json);
        DataException e = assertThrows(DataException.class, () -> ModelJson.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
    }
}
