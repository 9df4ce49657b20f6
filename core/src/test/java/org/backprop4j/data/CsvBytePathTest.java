package org.backprop4j.data;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CSV reader's one-pass byte path ({@code CsvReader.Table.addAscii}) against the same reader with
 * every line decoded to a String first: on generated files — numbers of every form, spaces, labels,
 * categories, blank lines, \n, \r\n and \r, a byte order mark, ragged rows, bad cells, text beyond
 * ASCII, bytes that are not UTF-8, the odd quote — both give the same data bit for bit, or the same
 * message; and so does the byte path when the lines are not counted first (as for a pipe), its array
 * then grown as the rows come.
 */
class CsvBytePathTest {
    private static final String[] NUMBERS = {"0", "1", "255", "-3.25", "+.5", "5.", "0.1", "1e5", "1.5E-3", "-0", "007", "3.4028235e38",
            "0.30000000000000004", "1.000000000000000000e+00", "123456789012345678901", "16777217", "1e-30", "7.1e22", "999999999", "2147483647",
            "4294967297", "0000000016777219"};
    private static final String[] ODD = {"", "NaN", "-inf", "Infinity", "1e39", "x", "1e", ".", "1,5", "\u00e9", "\u2003 5", "5\u00a0", "\"1\"",
            "\u0000", "12abc", "0x10", "1f"};
    private static final String[] TEXT = {"a", "b", "cat", " dog ", "1", "2", "\u00e9t\u00e9", "", "x y"};
    private static final String[] ENDS = {"\n", "\n", "\n", "\r\n", "\r"};

    @Provide
    Arbitrary<Columns> columns() {
        return Arbitraries.of(Columns.label("0"), Columns.label("2"), Columns.targets(1), Columns.inputsOnly(), Columns.label("kind"));
    }

    @Property(tries = 3000)
    void theBytePathReadsWhatTheStringPathReads(@ForAll long seed, @ForAll("columns") Columns columns,
                                                @ForAll @IntRange(min = 1, max = 5) int width, @ForAll boolean categorical) throws IOException {
        Random r = new Random(seed);
        int odd = r.nextInt(4);                     // 0: a file without odd cells, else one odd cell in about 1 / (20 · odd)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (r.nextInt(8) == 0) out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        if (r.nextInt(3) == 0 || columns.equals(Columns.label("kind"))) {
            StringBuilder header = new StringBuilder("kind");
            for (int c = 1; c < width; c++) header.append(",c").append(c);
            out.write((header + ENDS[r.nextInt(ENDS.length)]).getBytes(StandardCharsets.UTF_8));
        }
        int rows = 1 + r.nextInt(12);
        for (int i = 0; i < rows; i++) {
            if (r.nextInt(15) == 0) out.write((r.nextBoolean() ? "" : " \t").getBytes(StandardCharsets.UTF_8));   // a blank line
            else out.write(row(r, width + (r.nextInt(40) == 0 ? r.nextInt(3) - 1 : 0), columns, odd).getBytes(StandardCharsets.UTF_8));
            if (odd > 0 && r.nextInt(150) == 0) out.write(new byte[] {(byte) 0xC3, (byte) 0x28});          // not UTF-8
            if (i < rows - 1 || r.nextBoolean()) out.write(ENDS[r.nextInt(ENDS.length)].getBytes(StandardCharsets.UTF_8));
        }
        Path file = Files.createTempFile("bytepath", ".csv");
        try {
            Files.write(file, out.toByteArray());
            CategoricalEncoding cats = categorical && width > 2 ? CategoricalEncoding.unfitted(List.of("1")) : CategoricalEncoding.NONE;
            String stringPath = read(file, columns, cats, false, true);
            assertSame(read(file, columns, cats, true, true), stringPath);
            assertSame(read(file, columns, cats, true, false), stringPath);     // the inputs' array grown row by row
        } finally {
            Files.delete(file);
        }
    }

    private static String row(Random r, int width, Columns columns, int odd) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < width; c++) {
            if (c > 0) s.append(',');
            String cell;
            if (odd > 0 && r.nextInt(20 * odd) == 0) cell = ODD[r.nextInt(ODD.length)];
            else if ((c == 0 || c == 2) && columns instanceof Columns.Label || c == 1) cell = TEXT[r.nextInt(TEXT.length)];
            else cell = NUMBERS[r.nextInt(NUMBERS.length)];
            if (c == 1 && r.nextBoolean()) cell = NUMBERS[r.nextInt(NUMBERS.length)];
            String pad = r.nextInt(6) == 0 ? " " : r.nextInt(20) == 0 ? "\t " : "";
            s.append(pad).append(cell).append(r.nextInt(6) == 0 ? " " : "");
        }
        return s.toString();
    }

    /** The data as comparable text, or the message. */
    private static String read(Path file, Columns columns, CategoricalEncoding cats, boolean bytePath, boolean countLines) {
        try {
            Dataset d = CsvReader.read(file, columns, null, cats, bytePath, countLines);
            return "x " + bits(d.x().data) + " y " + bits(d.y().data) + " classes " + d.classes() + " encoding " + d.categorical();
        } catch (DataException e) {
            return "error " + e.getMessage();
        } catch (UncheckedIOException e) {
            throw e;
        }
    }

    private static String bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return java.util.Arrays.toString(b);
    }

    private static void assertSame(String bytePath, String stringPath) {
        assertEquals(stringPath, bytePath);
    }

    @Property(tries = 200)
    void aLineLongerThanTheBufferIsReadWhole(@ForAll @IntRange(min = 1, max = 3) int rows) throws IOException {
        StringBuilder s = new StringBuilder();
        float[] expected = new float[rows * 300_000];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < 300_000; c++) {
                s.append(c == 0 ? "" : ",").append(c % 97);
                expected[i * 300_000 + c] = c % 97;
            }
            s.append('\n');
        }
        Path file = Files.createTempFile("long", ".csv");
        try {
            Files.writeString(file, s);
            assertArrayEquals(expected, CsvReader.read(file, Columns.inputsOnly(), null).x().data);
        } finally {
            Files.delete(file);
        }
    }
}
