package org.backprop4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Data files as untrusted input: each case here was misread, crashed or ran out of memory before (issue 15). */
class UntrustedDataTest {
    @TempDir
    Path dir;

    @Test
    void aByteOrderMarkIsNotTakenForAHeader() throws Exception {
        Path csv = dir.resolve("bom.csv");
        Files.write(csv, ("\uFEFF1,2\n3,4\n5,6\n").getBytes(StandardCharsets.UTF_8));
        Dataset d = CsvReader.read(csv, Columns.inputsOnly(), null);
        assertEquals(3, d.size(), "three rows, none lost as a header");
        assertEquals(1f, d.x().get(0, 0));
        Files.write(csv, ("\uFEFFsize,kind\n1,a\n2,b\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("a", "b"), CsvReader.read(csv, Columns.label("kind"), null).classes());
        Files.write(csv, ("\uFEFFkind,size\na,1\nb,2\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(2, CsvReader.read(csv, Columns.label("kind"), null).size(), "the first header cell is 'kind', not BOM + 'kind'");
    }

    @Test
    void aCategoricalColumnWithoutAHeaderNameIsNamedByItsIndex() throws Exception {
        Path csv = dir.resolve("unnamed.csv");
        Files.writeString(csv, "kind,,y\n1,red,p\n2,blue,q\n");     // found by CsvBytePathTest: an empty name was an internal error
        Dataset d = CsvReader.read(csv, Columns.label("y"), null, CategoricalEncoding.unfitted(List.of("1")));
        assertEquals(List.of(new CategoricalEncoding.Column("1", List.of("blue", "red"))), d.categorical().columns());
    }

    @Test
    void aColumnNameTheHeaderHoldsTwiceIsRefused() throws Exception {
        Path csv = dir.resolve("dup.csv");
        Files.writeString(csv, "a,a,y\n1,2,p\n3,4,q\n");
        assertMessage(() -> CsvReader.read(csv, Columns.label("a"), null), "label 'a'", "names two columns so (0 and 1)");
        Files.writeString(csv, "a,a,y\nr,2,p\ns,4,q\n");
        assertMessage(() -> CsvReader.read(csv, Columns.label("y"), null, CategoricalEncoding.unfitted(List.of("a"))),
                "categorical 'a'", "names two columns so");
        assertEquals(2, CsvReader.read(csv, Columns.label("y"), null, CategoricalEncoding.unfitted(List.of("0"))).size(), "an index still works");
    }

    @Test
    void bytesThatAreNotUtf8NameTheFileAndLine() throws Exception {
        Path csv = dir.resolve("latin1.csv");
        StringBuilder s = new StringBuilder("x,label\n");
        for (int i = 0; i < 5000; i++) s.append(i).append(",a\n");   // the reader decodes far ahead: the line must still be right
        s.append("1,caf\u00e9\n");
        Files.write(csv, s.toString().getBytes(StandardCharsets.ISO_8859_1));
        assertMessage(() -> CsvReader.read(csv, Columns.label("label"), null), csv + ":5002: not UTF-8");
        Path svm = dir.resolve("latin1.svm");
        Files.write(svm, "1 1:0.5\n2 1:\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertMessage(() -> SvmLightReader.read(svm, 0, SvmLightReader.Labels.CLASSES, null), svm + ":2: not UTF-8");
    }

    @Test
    void messagesQuoteAtMost80CharactersOfACell() throws Exception {
        Path csv = dir.resolve("long.csv");
        Files.writeString(csv, "1,2\n3," + "x".repeat(1_000_000) + "\n");
        String m = assertMessage(() -> CsvReader.read(csv, Columns.targets(1), null), "is not a number", "(1000000 characters)");
        assertTrue(m.length() < 300, m.length() + " characters");
        Path svm = dir.resolve("long.svm");
        Files.writeString(svm, "1 1:" + "y".repeat(1_000_000) + "\n");
        assertTrue(assertMessage(() -> SvmLightReader.read(svm, 0, SvmLightReader.Labels.CLASSES, null), "is not a number").length() < 400);
    }

    @Test
    void aNulByteInACellIsShownEscapedOnOneLine() throws Exception {
        Path csv = dir.resolve("nul.csv");
        Files.writeString(csv, "1,2\n3,4\u0000\n");
        String m = assertMessage(() -> CsvReader.read(csv, Columns.targets(1), null), "'4\\u0000' is not a number");
        assertTrue(m.chars().noneMatch(c -> c < 0x20), m);
    }

    @Test
    void idxHeadersThatClaimMoreThanTheFileHoldsAreRefusedBeforeAllocating() throws Exception {
        Path images = idx(dir.resolve("huge-images.idx"), 2051, 1, 100_000, 100_000);   // 116 bytes claiming 10^10 pixels
        assertMessage(() -> IdxReader.readImages(images), "the header claims 1 images of 100000x100000 pixels", "has only 0 bytes");
        Path many = idx(dir.resolve("many-images.idx"), 2051, 2_500_000, 28, 28);
        assertMessage(() -> IdxReader.readImages(many), "claims 2500000 images of 28x28 pixels (1960000000 bytes)");
        Path labels = idx(dir.resolve("labels.idx"), 2049, Integer.MAX_VALUE);
        assertMessage(() -> IdxReader.readLabels(labels), "claims 2147483647 labels");
    }

    @Test
    void aLibsvmIndexNearTwoToThe31IsRefusedNotAllocated() throws Exception {
        Path svm = dir.resolve("wide.svm");
        Files.writeString(svm, "1 1:0.5 2147483639:1\n");
        String m = assertMessage(() -> SvmLightReader.read(svm, 0, SvmLightReader.Labels.CLASSES, null), "2147483639 inputs", "at line 1");
        assertTrue(m.contains("NN_JAVA_OPTS=-Xmx") || m.contains("one array can hold"), m);
        long heap = Runtime.getRuntime().maxMemory();
        assumeTrue(heap < 8L << 30, "a heap under 8 GB");
        long wide = Math.min(Integer.MAX_VALUE - 8, heap / 2);    // twice the heap as floats: checked, not attempted
        Files.writeString(svm, "0 " + wide + ":1\n");
        String big = assertMessage(() -> SvmLightReader.read(svm, 0, SvmLightReader.Labels.CLASSES, null), "needs", "NN_JAVA_OPTS=-Xmx");
        assertTrue(big.startsWith(svm.toString()), big);
    }

    private static Path idx(Path file, int... header) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (int h : header) out.writeInt(h);
        }
        return Files.write(file, bytes.toByteArray());
    }

    private static String assertMessage(org.junit.jupiter.api.function.Executable read, String... fragments) {
        DataException e = assertThrows(DataException.class, read);
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        return e.getMessage();
    }
}
