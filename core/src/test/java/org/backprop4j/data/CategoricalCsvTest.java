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

/** One-hot encoding of categorical CSV input columns: fitting, applying a fitted encoding, errors. */
class CategoricalCsvTest {
    @TempDir Path dir;

    private Path csv(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void categoricalColumnIsReplacedInPlaceByOneInputPerSortedCategory() throws Exception {
        Path f = csv("d.csv", "size,colour,weight,kind\n1,red,10,a\n2,blue,20,b\n3,green,30,a\n4,red,40,b\n");
        Dataset d = CsvReader.read(f, Columns.label("kind"), null, CategoricalEncoding.unfitted(List.of("colour")));
        assertEquals(5, d.x().cols, "size, blue, green, red, weight");
        assertArrayEquals(new float[] {
                1, 0, 0, 1, 10,
                2, 1, 0, 0, 20,
                3, 0, 1, 0, 30,
                4, 0, 0, 1, 40}, d.x().data);
        assertEquals(List.of(new CategoricalEncoding.Column("colour", List.of("blue", "green", "red"))), d.categorical().columns());
        assertEquals(List.of("a", "b"), d.classes());
    }

    @Test
    void aFittedEncodingIsAppliedAsItIsEvenToAFileWithFewerCategories() throws Exception {
        CategoricalEncoding fitted = new CategoricalEncoding(List.of(new CategoricalEncoding.Column("colour", List.of("red", "blue", "green"))));
        Path f = csv("t.csv", "size,colour,weight,y\n1,green,10,0.5\n");
        Dataset d = CsvReader.read(f, Columns.targets(1), null, fitted);
        assertArrayEquals(new float[] {1, 0, 0, 1, 10}, d.x().data, "the encoding's order, not this file's");
        assertEquals(fitted, d.categorical());
    }

    @Test
    void columnsByIndexWithoutHeaderAndNumericCategoriesSortNumerically() throws Exception {
        Path f = csv("n.csv", "10,x,1.5\n2,y,2.5\n10,x,3.5\n");
        Dataset d = CsvReader.read(f, Columns.targets(1), null, CategoricalEncoding.unfitted(List.of("0", "1")));
        assertEquals(List.of("2", "10"), d.categorical().columns().get(0).categories());
        assertEquals("0", d.categorical().columns().get(0).column(), "no header: named by index");
        assertArrayEquals(new float[] {0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0}, d.x().data);
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, d.y().data);
    }

    @Test
    void aHeaderIsRecognisedEvenWhenTheOnlyTextCellsAreCategorical() throws Exception {
        Path f = csv("h.csv", "colour,y\nred,1\nblue,2\n");
        Dataset d = CsvReader.read(f, Columns.targets(1), null, CategoricalEncoding.unfitted(List.of("colour")));
        assertEquals(2, d.size());
        Dataset byIndex = CsvReader.read(csv("h2.csv", "red,1\nblue,2\n"), Columns.targets(1), null, CategoricalEncoding.unfitted(List.of("0")));
        assertEquals(2, byIndex.size(), "no header: both rows are data");
    }

    @Test
    void unknownCategoryIsAnErrorNamingTheLine() throws Exception {
        CategoricalEncoding fitted = new CategoricalEncoding(List.of(new CategoricalEncoding.Column("colour", List.of("blue", "red"))));
        Path f = csv("u.csv", "colour,y\nred,1\npurple,2\n");
        DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, Columns.targets(1), null, fitted));
        assertTrue(e.getMessage().contains("u.csv:3:") && e.getMessage().contains("'purple'"), e.getMessage());
    }

    @Test
    void badColumnChoices() throws Exception {
        Path f = csv("b.csv", "a,b,kind\n1,x,p\n2,y,q\n");
        assertError(f, Columns.label("kind"), List.of("c"), "categorical 'c'", "no such column");
        assertError(f, Columns.label("kind"), List.of("9"), "categorical 9", "only 3 columns");
        assertError(f, Columns.label("kind"), List.of("kind"), "categorical kind", "the label column");
        assertError(f, Columns.targets(1), List.of("2"), "categorical 2", "target columns");
        assertError(csv("e.csv", "a,b,kind\n1,x,p\n2,,q\n"), Columns.label("kind"), List.of("b"), "e.csv:3:", "empty");
    }

    private static void assertError(Path f, Columns columns, List<String> categorical, String... fragments) {
        DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, columns, null, CategoricalEncoding.unfitted(categorical)));
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
    }
}
