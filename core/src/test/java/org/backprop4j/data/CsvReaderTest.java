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

class CsvReaderTest {
    @TempDir Path dir;

    private Path csv(String text) throws Exception {
        Path f = dir.resolve("d.csv");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void labelColumnByNameIsOneHotEncodedWithSortedClasses() throws Exception {
        Dataset d = CsvReader.read(csv("a,kind,b\n1,cat,2\n3,dog,4\n5,cat,6\n"), Columns.label("kind"), null);
        assertEquals(List.of("cat", "dog"), d.classes());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.x().data);
        assertArrayEquals(new int[] {0, 1, 0}, d.labels());
        assertArrayEquals(new float[] {1, 0, 0, 1, 1, 0}, d.y().data);
    }

    @Test
    void labelByIndexWithoutHeaderAndNumericClassesSortNumerically() throws Exception {
        Dataset d = CsvReader.read(csv("10,0.5\n2,1.5\n10,2.5\n"), Columns.label("0"), null);
        assertEquals(List.of("2", "10"), d.classes());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, d.x().data);
    }

    @Test
    void lastKColumnsAreTargets() throws Exception {
        Dataset d = CsvReader.read(csv("1,2,3,4\n5,6,7,8\n"), Columns.targets(2), null);
        assertArrayEquals(new float[] {1, 2, 5, 6}, d.x().data);
        assertArrayEquals(new float[] {3, 4, 7, 8}, d.y().data);
        assertTrue(d.classes().isEmpty());
    }

    @Test
    void knownClassesFixTheOrderAndRejectOthers() throws Exception {
        Dataset d = CsvReader.read(csv("1,b\n2,a\n"), Columns.label("1"), List.of("b", "a"));
        assertArrayEquals(new int[] {0, 1}, d.labels());
        DataException e = assertThrows(DataException.class,
                () -> CsvReader.read(csv("1,b\n2,c\n"), Columns.label("1"), List.of("a", "b")));
        assertTrue(e.getMessage().contains("d.csv:2:"), e.getMessage());
    }

    @Test
    void errorsNameTheFileAndLine() throws Exception {
        assertError("x,y\n1,2\n3,abc\n", Columns.targets(1), "d.csv:3:", "'abc' is not a number");
        assertError("1,2\n3\n", Columns.targets(1), "d.csv:2:", "expected 2 cells, found 1");
        assertError("1,2\n\n3,NaN\n", Columns.targets(1), "d.csv:3:", "not a finite number");
        assertError("1,2\n3,inf\n", Columns.targets(1), "d.csv:2:", "not a finite number");
        assertError("1,2\n3,1e39\n", Columns.targets(1), "d.csv:2:", "float32 range");
        assertError("1,2\n", Columns.targets(2), "targets 2", "only 2 columns");
        assertError("a,b\n1,2\n", Columns.label("c"), "label 'c'", "no such column");
        assertError("", Columns.targets(1), "d.csv", "no rows");
        DataException e = assertThrows(DataException.class,
                () -> CsvReader.read(dir.resolve("missing.csv"), Columns.targets(1), null));
        assertTrue(e.getMessage().contains("missing.csv: file not found"), e.getMessage());
    }

    @Test
    void aColumnTheFileLacksIsToldOfTheReadersParameterNotOfAFlag() throws Exception {
        Path f = csv("a,b\n1,2\n");
        DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, Columns.label("c"), null));
        assertEquals("label", e.parameter());
        assertEquals("label " + e.problem(), e.getMessage());
        assertEquals("'c': no such column in the header of " + f, e.problem());
        e = assertThrows(DataException.class, () -> CsvReader.read(f, Columns.targets(2), null));
        assertEquals("targets", e.parameter());
        e = assertThrows(DataException.class, () -> CsvReader.read(f, Columns.label("a"), null, CategoricalEncoding.unfitted(List.of("a"))));
        assertEquals("categorical", e.parameter());
        assertEquals("a: that is the label column of " + f, e.problem());
        org.backprop4j.ParameterException p = assertThrows(org.backprop4j.ParameterException.class, () -> Columns.targets(0));
        assertEquals("targets", p.parameter());
        e = assertThrows(DataException.class, () -> CsvReader.read(csv("1,2\n3,bad\n"), Columns.targets(1), null));
        assertEquals(null, e.parameter(), "the data alone is at fault");
    }

    private void assertError(String text, Columns columns, String... fragments) throws Exception {
        Path f = csv(text);
        DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, columns, null));
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
    }
}
