package org.backprop4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvmLightReaderTest {
    @TempDir Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("d.svm"), text);
    }

    @Test
    void sparseLinesBecomeDenseRowsWithClasses() throws Exception {
        Path f = file("""
                # a comment line
                +1 1:0.5 3:-2   # trailing comment
                -1 qid:7 2:1.5e1

                1.0 3:4
                -1
                """);
        Dataset d = SvmLightReader.read(f, 0, SvmLightReader.Labels.CLASSES, null);
        assertEquals(3, d.x().cols, "the largest index");
        assertArrayEquals(new float[] {0.5f, 0, -2, 0, 15, 0, 0, 0, 4, 0, 0, 0}, d.x().data);
        assertEquals(List.of("-1", "1"), d.classes(), "'+1' and '1.0' are the same class '1'; numeric classes sort numerically");
        assertArrayEquals(new int[] {1, 0, 1, 0}, d.labels());
    }

    @Test
    void featuresFixTheWidthSoASmallerTestFileFitsTheModel() throws Exception {
        Dataset d = SvmLightReader.read(file("2 1:1\n3 2:1\n"), 5, SvmLightReader.Labels.CLASSES, List.of("1", "2", "3"));
        assertEquals(5, d.x().cols);
        assertArrayEquals(new int[] {1, 2}, d.labels());
        assertEquals(List.of("1", "2", "3"), d.classes());
    }

    @Test
    void realValuedTargetOrNoTarget() throws Exception {
        Path f = file("0.25 1:1\n-3e-1 2:2\n");
        Dataset t = SvmLightReader.read(f, 0, SvmLightReader.Labels.TARGET, null);
        assertArrayEquals(new float[] {0.25f, -0.3f}, t.y().data);
        assertTrue(t.classes().isEmpty());
        Dataset x = SvmLightReader.read(f, 0, SvmLightReader.Labels.IGNORED, null);
        assertEquals(0, x.y().cols);
        assertArrayEquals(new float[] {1, 0, 0, 2}, x.x().data);
    }

    @Test
    void errorsNameTheFileAndLine() throws Exception {
        assertError("1 1:1\n1 0:1\n", 0, "d.svm:2:", "indices start at 1");
        assertError("1 1:1\n\n1 3:1 2:1\n", 0, "d.svm:3:", "increase");
        assertError("1 1:1\n1 2:1 2:3\n", 0, "d.svm:2:", "increase");
        assertError("1 1:x\n", 0, "d.svm:1:", "'x' is not a number");
        assertError("1 1:nan\n", 0, "d.svm:1:", "not a number");
        assertError("1 1:1e99\n", 0, "d.svm:1:", "float32");
        assertError("1 a:1\n", 0, "d.svm:1:", "whole number");
        assertError("1 1:1\n1 7\n", 0, "d.svm:2:", "not index:value");
        assertError("1 1:1\n2 9:1\n", 4, "d.svm:2:", "feature index 9", "4 inputs");
        assertError("1,2 1:1\n", 0, "d.svm:1:", "multi-label");
        assertError("1:1 2:1\n", 0, "d.svm:1:", "expected a label");
        assertError("# only a comment\n", 0, "d.svm", "no samples");
        DataException unknown = assertThrows(DataException.class,
                () -> SvmLightReader.read(file("1 1:1\n5 1:2\n"), 0, SvmLightReader.Labels.CLASSES, List.of("1", "2")));
        assertTrue(unknown.getMessage().contains("d.svm:2:") && unknown.getMessage().contains("'5'"), unknown.getMessage());
        DataException target = assertThrows(DataException.class,
                () -> SvmLightReader.read(file("1 1:1\nyes 1:2\n"), 0, SvmLightReader.Labels.TARGET, null));
        assertTrue(target.getMessage().contains("d.svm:2:"), target.getMessage());
        DataException missing = assertThrows(DataException.class,
                () -> SvmLightReader.read(dir.resolve("none.svm"), 0, SvmLightReader.Labels.CLASSES, null));
        assertTrue(missing.getMessage().contains("none.svm: file not found"), missing.getMessage());
    }

    private void assertError(String text, int features, String... fragments) throws Exception {
        Path f = file(text);
        DataException e = assertThrows(DataException.class, () -> SvmLightReader.read(f, features, SvmLightReader.Labels.CLASSES, null));
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
