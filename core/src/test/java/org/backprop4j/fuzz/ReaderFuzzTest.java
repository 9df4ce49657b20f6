package org.backprop4j.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.backprop4j.data.Columns;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.DataException;
import org.backprop4j.data.Decimals;
import org.backprop4j.data.IdxReader;
import org.backprop4j.data.SvmLightReader;
import org.backprop4j.io.ModelJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz tests of the four readers (Jazzer): whatever the bytes, a reader returns or
 * throws the project's own {@link DataException} (one line), within 10 seconds, allocating at most
 * 16 MB plus 256 bytes per input byte — never another exception, a hang or an allocation the input
 * does not pay for. In a normal build they run once per input of the committed seed corpus
 * ({@code src/test/resources/org/backprop4j/fuzz/ReaderFuzzTestInputs/<test>/}) and of the findings
 * kept there; with {@code JAZZER_FUZZ=1} one test fuzzes (docs/RELIABILITY.md says how and for how long).
 */
class ReaderFuzzTest {
    private static final long BASE = 16L << 20, PER_BYTE = 256;
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    static {
        // what the first use of each reader allocates once (class initialisation) is not paid by an input
        byte[] model = "{\"layers\": [{\"activation\": \"relu\", \"weights\": [[1, 2]], \"bias\": [0]}]}".getBytes();
        try {
            CsvReader.read(write("a,b\n1,x\n2,y\n".getBytes(), ".csv"), Columns.label("b"), null);
            SvmLightReader.read(write("1 1:2\n".getBytes(), ".svm"), 0, SvmLightReader.Labels.CLASSES, null);
            IdxReader.read(write(new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7}, ".idx"), null, null);
            ModelJson.readFile(write(model, ".json")).model().network().predict(new float[] {1, 2});
        } catch (DataException e) {
            throw new IllegalStateException("the warm-up inputs are valid", e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void csv(FuzzedDataProvider in) {
        int mode = in.consumeInt(0, 2);
        byte[] bytes = in.consumeRemainingAsBytes();
        Columns columns = mode == 0 ? Columns.label("0") : mode == 1 ? Columns.targets(1) : Columns.inputsOnly();
        read(bytes, ".csv", f -> CsvReader.read(f, columns, mode == 0 && bytes.length % 2 == 0 ? List.of("1", "2") : null));
    }

    @FuzzTest(maxDuration = "60s")
    void libsvm(FuzzedDataProvider in) {
        int features = in.consumeInt(1, 64);
        SvmLightReader.Labels labels = in.pickValue(SvmLightReader.Labels.values());
        read(in.consumeRemainingAsBytes(), ".svm", f -> SvmLightReader.read(f, features, labels, null));
    }

    @FuzzTest(maxDuration = "60s")
    void idx(FuzzedDataProvider in) {
        boolean withLabels = in.consumeBoolean();
        byte[] labels = withLabels ? in.consumeBytes(in.consumeInt(0, 64)) : null;
        byte[] images = in.consumeRemainingAsBytes();
        read(images, ".idx", f -> {
            Path l = labels == null ? null : write(labels, ".labels.idx");
            IdxReader.read(f, l, null);
        });
    }

    @FuzzTest(maxDuration = "60s")
    void model(byte[] bytes) {
        read(bytes, ".json", ModelJson::readFile);
    }

    /** The readers' number parser against its oracle: NaN (left to Float.parseFloat) or exactly Float.parseFloat's bits. */
    @FuzzTest(maxDuration = "60s")
    void decimals(FuzzedDataProvider in) {
        String text = in.consumeRemainingAsAsciiString();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        Decimals d = new Decimals();
        float v = d.parse(bytes, 0, bytes.length);
        if (Float.isNaN(v) || d.end() != bytes.length) return;
        assertTrue(NUMBER.matcher(text).matches(), () -> "a value for " + text);
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(text)), Float.floatToRawIntBits(v), () -> text);
    }

    private interface Reader {
        void read(Path file) throws Exception;
    }

    /** Reads {@code bytes} from a file with {@code reader}: only DataException, in time, within the allocation bound. */
    private static void read(byte[] bytes, String suffix, Reader reader) {
        Path file = write(bytes, suffix);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long before = threads.getCurrentThreadAllocatedBytes();
                try {
                    reader.read(file);
                } catch (DataException e) {
                    assertTrue(e.getMessage() != null && !e.getMessage().contains("\n"), "one line: " + e.getMessage());
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(allocated <= BASE + PER_BYTE * bytes.length, allocated + " bytes allocated for " + bytes.length + " bytes of input");
            });
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file: the folder is removed at exit
            }
        }
    }

    private static Path write(byte[] bytes, String suffix) {
        try {
            Path f = Files.createTempFile("fuzz", suffix);
            f.toFile().deleteOnExit();
            return Files.write(f, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
