package org.backprop4j.data;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.backprop4j.math.Matrix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a numeric CSV table into a {@link Dataset}. A header row is optional: the first row is a
 * header when one of its input cells is not a number. Cells are numbers (made float32), except a
 * label column, which may hold any strings, and categorical columns. Every problem is reported as
 * one line naming the file and line: missing file, ragged row, non-numeric cell, NaN or infinity,
 * unknown class, bytes that are not UTF-8.
 *
 * <p>Streaming: a first pass counts the file's lines (nothing else), so that the inputs' array is
 * allocated once, at its size (checked against the heap first), and each number is parsed straight
 * into it; the table is never held as strings, a label or category is kept as a small integer per row.
 * Memory is about the table's float32 size. (With categorical columns the numbers go into chunks, later
 * interleaved with the one-hot blocks: twice that. A file that is not a regular file, a pipe, is read
 * once and its array grown as rows come.) A UTF-8 byte order mark at the start is skipped.
 *
 * <p>The pass is over the file's bytes, not its decoded text: a line of ASCII is split at its commas
 * and its numbers are parsed in that same loop ({@link Decimals}), without a String per cell or per
 * line. That is what makes reading a file of numbers about as fast as reading its lines. Any line the
 * byte loop does not take as it is (text beyond ASCII, blanks, odd cells, errors) is decoded and read
 * as a String by the same checks, so the data and the messages are the same either way.
 */
public final class CsvReader {
    // Plain decimal numbers only: Java's parser would also take "NaN", "1f" or hex floats.
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(false).get();

    private CsvReader() {
    }

    /**
     * Reads {@code file}. With a {@link Columns.Label}, the classes are {@code knownClasses} when
     * given (a model's classes: a label outside them is an error), else the distinct labels, sorted
     * (numerically when all are numbers).
     */
    public static Dataset read(Path file, Columns columns, List<String> knownClasses) {
        return read(file, columns, knownClasses, CategoricalEncoding.NONE);
    }

    /**
     * Reads {@code file}, one-hot encoding the columns of {@code categorical} in place (each becomes one
     * input per category, in the encoding's order). A column whose categories are empty learns them from
     * this file (distinct values, sorted like classes); a column with categories rejects any other value.
     * The returned data records the fitted encoding, with columns named by header (or index without one).
     */
    public static Dataset read(Path file, Columns columns, List<String> knownClasses, CategoricalEncoding categorical) {
        return read(file, columns, knownClasses, categorical, true, true);
    }

    /**
     * {@link #read(Path, Columns, List, CategoricalEncoding)}, with the one-pass byte path for ASCII lines
     * ({@code bytePath}) or without it, every line decoded to a String first, and with the lines counted first
     * ({@code countLines}; never for a file that is not a regular file, a pipe can be read only once) or not,
     * the inputs' array then grown as rows come: the same data and the same messages every way
     * (CsvBytePathTest compares them on generated files).
     */
    static Dataset read(Path file, Columns columns, List<String> knownClasses, CategoricalEncoding categorical, boolean bytePath, boolean countLines) {
        String name = file.toString();
        try {
            long lines = countLines && Files.isRegularFile(file) ? countLines(file) : -1;
            Table plain = readPlain(file, new Table(name, columns, knownClasses, categorical, lines), bytePath);
            if (plain != null) return plain.finish();
            Table t = new Table(name, columns, knownClasses, categorical, lines);
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                reader.mark(1);
                if (reader.read() != '\uFEFF') reader.reset();      // a byte order mark is not part of the first cell
                readQuoted(reader, t);
            } catch (CharacterCodingException e) {
                throw Utf8.error(file, t.line);
            }
            return t.finish();
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": file not found");
        } catch (IOException e) {
            throw new DataException(name + ": cannot read CSV: " + e.getMessage());
        }
    }

    /**
     * Reads a file without quoting in one pass over its bytes: lines end at \n, \r\n or \r (as
     * {@link BufferedReader#readLine}); a data line of ASCII is split at its commas and its numbers parsed
     * from the bytes in that same pass ({@link Table#addAscii}); the first row, and any line that pass
     * declines (text beyond ASCII, a blank line, a cell that is not a short plain number, a wrong number of
     * cells), is decoded and read as a String, with the same checks and messages. Null when a line holds a
     * quote character: then the file is read again by commons-csv, with its quoting rules.
     */
    private static Table readPlain(Path file, Table t, boolean bytePath) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[(int) Math.max(1 << 13, Math.min(1 << 20, Files.size(file) + 1))];   // grown for a longer line
            long line = 0;
            Line text = new Line();
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();   // reports bad bytes instead of replacing them
            int start = 0, limit = fill(in, buf, 0);
            boolean eof = limit < buf.length;
            if (limit >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) start = 3;  // a byte order mark
            while (true) {
                // [start, whole) holds whole lines: each ends before it, at a \n or a \r whose next byte is read too (\r\n is one end)
                int whole = eof ? limit : lastLineEnd(buf, start, limit - 1);
                while (start < whole) {
                    t.line = ++line;
                    int end = t.first != null && bytePath ? t.addAscii(buf, start, limit, line) : -1;
                    if (end < 0) {
                        end = start;
                        while (end < limit && buf[end] != '\n' && buf[end] != '\r') end++;
                        if (!readDecoded(buf, start, end, t, text, utf8)) return null;
                    }
                    start = end + (end + 1 < limit && buf[end] == '\r' && buf[end + 1] == '\n' ? 2 : 1);
                }
                if (eof) return t;
                System.arraycopy(buf, start, buf, 0, limit - start);     // the line that goes on past the buffer, to its start
                limit -= start;
                start = 0;
                if (limit == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
                limit = fill(in, buf, limit);
                eof = limit < buf.length;
            }
        }
    }

    /**
     * The number of lines in a file as {@link #readPlain} numbers them (\n, \r\n and \r end a line; a last
     * line may go without), in a pass over its bytes that looks for nothing else: an upper bound on its rows,
     * so that the matrix can be allocated once, at its size, and the numbers parsed straight into it.
     */
    private static long countLines(Path file) throws IOException {
        long lines = 0;
        byte last = '\n';
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int k; (k = in.read(buf)) > 0; ) {
                for (int i = 0; i < k; i++) {
                    byte c = buf[i];
                    if (c == '\n' || c == '\r') {
                        if (c == '\r' || last != '\r') lines++;       // \r\n is one line end
                    }
                    last = c;
                }
            }
        }
        return last == '\n' || last == '\r' ? lines : lines + 1;
    }

    /** One past the last \n or \r in {@code b[from, to)}; {@code from} if there is none. */
    private static int lastLineEnd(byte[] b, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == '\n' || b[i] == '\r') return i + 1;
        }
        return from;
    }

    /** Reads from {@code in} into {@code buf[from...]} until it is full or the stream ends; the new limit. */
    private static int fill(InputStream in, byte[] buf, int from) throws IOException {
        int at = from;
        for (int n; at < buf.length && (n = in.read(buf, at, buf.length - at)) > 0; ) at += n;
        return at;
    }

    /** One line decoded from UTF-8 and read as a String (blank lines skipped); false if it holds a quote character. */
    private static boolean readDecoded(byte[] b, int from, int to, Table t, Line row, CharsetDecoder utf8) {
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(b, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw DataException.at(t.name, t.line, Utf8.NOT_UTF8);
        }
        if (text.indexOf('"') >= 0) return false;
        if (text.isBlank()) return true;
        row.split(text);
        if (t.first == null) t.start(row);
        else t.add(row, t.line);
        return true;
    }

    /** Reads a file that holds quote characters through commons-csv. */
    private static void readQuoted(BufferedReader reader, Table t) throws IOException {
        try (CSVParser parser = FORMAT.parse(reader)) {
            Iterator<CSVRecord> rows = parser.iterator();
            long line = 1;
            while (next(rows, t, line)) {
                CSVRecord r = t.record;
                if (!(r.size() == 1 && r.get(0).isEmpty())) {
                    Row row = new Record(r);
                    if (t.first == null) t.start(row);
                    else t.add(row, line);
                }
                line = parser.getCurrentLineNumber() + 1;
                t.line = line;
            }
        }
    }

    /** One row's cells, as a CSV record or a line split at commas. */
    private interface Row {
        int size();

        /** Cell c, surrounding spaces removed. */
        String get(int c);

        /** Cell c as float32 (see {@link CsvReader#number}). */
        default float number(int c, Decimals decimals, String file, long line) {
            return CsvReader.number(get(c), decimals, file, line, c);
        }
    }

    private record Record(CSVRecord r) implements Row {
        @Override public int size() {
            return r.size();
        }

        @Override public String get(int c) {
            return r.get(c);
        }
    }

    /** A line without quotes as a String, split at its commas; a number is parsed from the line's characters without a String of its own. */
    private static final class Line implements Row {
        private String text;
        private int[] from = new int[64], to = new int[64];
        private int size;

        void split(String line) {
            text = line;
            size = 0;
            int start = 0;
            for (int i = 0; i <= line.length(); i++) {
                if (i == line.length() || line.charAt(i) == ',') {
                    if (size == from.length) {
                        from = Arrays.copyOf(from, size * 2);
                        to = Arrays.copyOf(to, size * 2);
                    }
                    int a = start, b = i;
                    while (a < b && Character.isWhitespace(line.charAt(a))) a++;           // commons-csv's ignoreSurroundingSpaces
                    while (b > a && Character.isWhitespace(line.charAt(b - 1))) b--;
                    from[size] = a;
                    to[size++] = b;
                    start = i + 1;
                }
            }
        }

        @Override public int size() {
            return size;
        }

        @Override public String get(int c) {
            return text.substring(from[c], to[c]);
        }

        @Override public float number(int c, Decimals decimals, String file, long line) {
            float v = decimals.parse(text, from[c], to[c]);
            return Float.isNaN(v) ? CsvReader.number(get(c), decimals, file, line, c) : v;
        }
    }

    /** Advances to the next record; commons-csv reports I/O and quoting problems as unchecked exceptions. */
    private static boolean next(Iterator<CSVRecord> rows, Table t, long line) throws IOException {
        try {
            if (!rows.hasNext()) return false;
            t.record = rows.next();
            return true;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalStateException e) { // malformed quoting
            throw new DataException(t.name + ": malformed CSV near line " + line + ": " + DataException.quote(String.valueOf(e.getMessage()), 160));
        }
    }

    /** The table being read: its columns' roles from the first row, then the rows into the inputs' array (or float chunks). */
    private static final class Table {
        final String name;
        final long lineCount;    // the file's line count, an upper bound on its rows; -1 when not known
        final Columns columns;
        final List<String> knownClasses;
        final CategoricalEncoding categorical;
        final Decimals decimals = new Decimals();
        CSVRecord record;
        long line = 1;
        String[] first;          // the first row's cells
        long firstLine;
        boolean header;
        int width, labelColumn = -1, targetCount;
        int[] categoricalColumns;
        int[] role;              // per column: -1 label, -2 target, -3 numeric input, k >= 0 categorical column k
        int[] run;               // per column c: the end of the run of numeric inputs that starts there, short of the last column (c: none)
        float[] rowX, rowY;      // addAscii's numbers of one row, kept only when the whole row is read
        float[] xRows;           // without categorical columns: the inputs, row after row, in the array the matrix will wrap
        int numbers;             // numeric input columns
        int[] textColumn, textStart, textEnd;  // addAscii's label and category cells of one row
        final Chunks x = new Chunks(), y = new Chunks();
        final IntChunks labelIds = new IntChunks(), categoryIds = new IntChunks();
        final Dictionary labels = new Dictionary();
        Dictionary[] categories;
        long[] lines = new long[16];  // each row's line, for messages after the pass
        int n;

        Table(String name, Columns columns, List<String> knownClasses, CategoricalEncoding categorical, long lines) {
            this.name = name;
            this.lineCount = lines;
            this.columns = columns;
            this.knownClasses = knownClasses != null && !knownClasses.isEmpty() ? knownClasses : null;
            this.categorical = categorical;
        }

        /** The first row: the columns' roles (and whether it is a header). */
        void start(Row r) {
            first = new String[r.size()];
            for (int c = 0; c < first.length; c++) first[c] = r.get(c);
            firstLine = line;
            width = first.length;
            labelColumn = labelColumn(columns, first, name);
            categoricalColumns = categoricalColumns(categorical, first, name);
            header = isHeader(first, labelColumn, categoricalColumns) || categorical.names().stream().anyMatch(c -> !c.matches("\\d+"));
            if (columns instanceof Columns.Label l && !l.column().matches("\\d+") && !header) {
                throw DataException.about("label", "'" + DataException.quote(l.column()) + "' names a column, but " + name + " has no header row");
            }
            targetCount = columns instanceof Columns.Targets tc ? tc.count() : 0;
            if (targetCount >= width) {
                throw DataException.about("targets", targetCount + ": " + name + " has only " + width + " columns, so no inputs would be left");
            }
            role = new int[width];
            Arrays.fill(role, -3);
            for (int c = width - targetCount; c < width; c++) role[c] = -2;
            if (labelColumn >= 0) role[labelColumn] = -1;
            categories = new Dictionary[categoricalColumns.length];
            for (int k = 0; k < categoricalColumns.length; k++) {
                int c = categoricalColumns[k];
                String column = DataException.quote(categorical.columns().get(k).column());
                if (c == labelColumn) throw DataException.about("categorical", column + ": that is the label column of " + name);
                if (c >= width - targetCount) throw DataException.about("categorical", column + ": that is one of the target columns of " + name);
                role[c] = k;
                categories[k] = new Dictionary();
            }
            numbers = 0;
            for (int k : role) numbers += k == -3 ? 1 : 0;
            run = new int[width];
            for (int c = width - 1, end = c; c >= 0; c--) {
                if (role[c] != -3) end = c;
                run[c] = end;
            }
            if (categoricalColumns.length == 0) {
                // one array for all rows, as many as the lines after the header: each number is written once, where the
                // matrix has it (no chunks copied into a matrix at the end, and half the memory)
                long rows = lineCount < 0 ? 1 : Math.max(1, lineCount - firstLine + (header ? 0 : 1));      // unknown: grown by doubling
                Memory.requireMatrix(rows, numbers, name + ": " + rows + " rows of " + numbers + " inputs");
                xRows = new float[(int) (rows * numbers)];
            }
            rowX = new float[numbers];
            rowY = new float[targetCount];
            textStart = new int[width - numbers - targetCount];
            textEnd = new int[textStart.length];
            textColumn = new int[textStart.length];
            if (!header) add(r, line);
        }

        /** A data row: its numbers into the inputs' array (or the chunks), its label or categories into the dictionaries. */
        void add(Row r, long line) {
            if (r.size() != width) throw DataException.at(name, line, "expected " + width + " cells, found " + r.size());
            room(line);
            int at = n * numbers;
            newRow(line);
            for (int c = 0; c < width; c++) {
                int k = role[c];
                if (k == -3) {
                    float v = r.number(c, decimals, name, line);
                    if (xRows != null) xRows[at++] = v;
                    else x.add(v);
                } else if (k == -2) y.add(r.number(c, decimals, name, line));
                else text(c, r.get(c), line);
            }
        }

        /**
         * {@link #add} of the line of ASCII bytes that starts at {@code b[from]}, in one pass: split at its commas
         * while its numbers are parsed from the bytes ({@link Decimals}, no String per cell), surrounding spaces
         * skipped as commons-csv does, up to the line's end (a \n or \r, or {@code to}) — which it returns.
         * Keeps nothing and returns -1 when the line is anything else than {@code width} cells of plain
         * numbers (and of labels or categories in ASCII without quotes): a blank line, another number of
         * cells, a cell that is not a number or one that Decimals leaves to Float.parseFloat. {@link #add}
         * then reads it as a String, with every check and message.
         */
        int addAscii(byte[] b, int from, int to, long line) {
            room(line);
            float[] xv = xRows != null ? xRows : rowX;                          // the numbers straight into the matrix's array
            int p = from, xs = xRows != null ? n * numbers : 0, ys = 0, texts = 0;
            while (p < to && isSpace(b[p])) p++;
            if (p == to || b[p] == '\n' || b[p] == '\r') return -1;              // a blank line: the String path skips it
            for (int c = 0; c < width; c++) {
                if (run[c] > c) {
                    // cells of numeric inputs up to column run[c], each digits then a comma, in one loop over their bytes: up
                    // to 9 digits are an int, whose float is Float.parseFloat's (both round the integer to the nearest float)
                    int end = run[c], cell = p, v = 0;
                    while (p < to) {
                        int d = b[p] - '0';
                        if (d >= 0 && d <= 9) {
                            v = v * 10 + d;
                            p++;
                        } else {
                            if (d != ',' - '0' || p == cell || p - cell > 9) break;
                            xv[xs++] = v;
                            v = 0;
                            cell = ++p;
                            if (++c == end) break;
                        }
                    }
                    p = cell;                           // column c from its start: any other cell, read below
                }
                int k = role[c];
                if (k == -3 || k == -2) {
                    // the common cell, read right here: up to 7 digits (below 2^24: the float is exact) and a comma
                    int q = p, n = 0, stop = Math.min(to, p + 7);
                    for (int d; q < stop && (d = b[q] - '0') >= 0 && d <= 9; q++) n = n * 10 + d;
                    float v = n;
                    boolean comma = q > p && q < to && b[q] == ',' && c < width - 1;
                    if (comma) {
                        p = q + 1;
                    } else {                                                // any other number, spaces around it
                        while (p < to && isSpace(b[p])) p++;
                        v = decimals.parse(b, p, to);
                        if (Float.isNaN(v)) return -1;
                        p = decimals.end();
                        while (p < to && isSpace(b[p])) p++;
                    }
                    if (k == -3) xv[xs++] = v;
                    else rowY[ys++] = v;
                    if (comma) continue;
                } else {
                    while (p < to && isSpace(b[p])) p++;
                    textColumn[texts] = c;
                    textStart[texts] = p;
                    for (; p < to && b[p] != ',' && b[p] != '\n' && b[p] != '\r'; p++) {
                        if (b[p] < 0 || b[p] == '"') return -1;            // beyond ASCII (b[p] is signed), or quoting
                    }
                    int end = p;
                    while (end > textStart[texts] && isSpace(b[end - 1])) end--;
                    textEnd[texts++] = end;
                }
                if (c < width - 1) {                                        // a comma between cells
                    if (p == to || b[p] != ',') return -1;
                    p++;
                }
            }
            if (p < to && b[p] != '\n' && b[p] != '\r') return -1;
            newRow(line);
            if (xRows == null) x.add(rowX, xs);
            y.add(rowY, ys);
            for (int i = 0; i < texts; i++) {
                text(textColumn[i], new String(b, textStart[i], textEnd[i] - textStart[i], StandardCharsets.ISO_8859_1), line);
            }
            return p;
        }

        /** Room in {@link #xRows} for one more row; grown (a copy) only when the line count was unknown or the file grew since. */
        private void room(long line) {
            if (xRows == null || (long) (n + 1) * numbers <= xRows.length) return;
            long rows = Math.min(Memory.MAX_ELEMENTS / numbers, 2L * n);
            if (rows <= n) throw DataException.at(name, line, "more rows than one data set can hold");
            Memory.requireMatrix(rows, numbers, name + ": " + rows + " rows of " + numbers + " inputs");
            xRows = Arrays.copyOf(xRows, (int) (rows * numbers));
        }

        private void newRow(long line) {
            if (n == Integer.MAX_VALUE - 8) throw DataException.at(name, line, "more rows than one data set can hold");
            if (n == lines.length) lines = Arrays.copyOf(lines, lines.length * 2);
            lines[n++] = line;
        }

        /** Cell c of the label column or a categorical column: its number in that column's dictionary. */
        private void text(int c, String cell, long line) {
            int k = role[c];
            if (k == -1) {
                if (cell.isEmpty()) throw DataException.at(name, line, "empty label in column " + c);
                int before = labels.size(), id = labels.id(cell);
                if (labels.size() > before && knownClasses != null && !knownClasses.contains(cell)) {
                    throw DataException.at(name, line, "label '" + DataException.quote(cell) + "' is not one of the model's classes "
                            + DataException.quote(knownClasses.toString()));
                }
                labelIds.add(id);
            } else {
                if (cell.isEmpty()) throw DataException.at(name, line, "empty cell in categorical column " + c);
                List<String> known = categorical.columns().get(k).categories();
                int before = categories[k].size(), id = categories[k].id(cell);
                if (categories[k].size() > before && !known.isEmpty() && !known.contains(cell)) {
                    throw DataException.at(name, line, "column " + c + ": category '" + DataException.quote(cell)
                            + "' is not one of the model's categories " + DataException.quote(known.toString()));
                }
                categoryIds.add(id);
            }
        }

        Dataset finish() {
            if (first == null) throw new DataException(name + ": no rows");
            if (n == 0) throw new DataException(name + ": no data rows after the header");
            // each categorical column's categories: the encoding's, or the sorted distinct values
            List<List<String>> cats = new ArrayList<>();
            int[][] hot = new int[categories.length][];        // dictionary id -> position among the categories
            for (int k = 0; k < categories.length; k++) {
                List<String> known = categorical.columns().get(k).categories();
                List<String> cs = known.isEmpty() ? classesOf(categories[k].names.toArray(String[]::new)) : known;
                cats.add(cs);
                hot[k] = categories[k].positionsIn(cs);
            }
            int numeric = width - targetCount - (labelColumn >= 0 ? 1 : 0) - categoricalColumns.length;
            int inputs = numeric;
            for (List<String> cs : cats) inputs += cs.size();
            Matrix xm;
            if (xRows != null) {
                if (xRows.length != n * inputs) {                   // fewer rows than lines (blank lines, quoted line ends): cut to size
                    Memory.requireMatrix(n, inputs, name + ": " + n + " rows of " + inputs + " inputs");
                    xRows = Arrays.copyOf(xRows, n * inputs);
                }
                xm = new Matrix(n, inputs, xRows);
                xRows = null;
            } else {                                            // interleave numbers and one-hot blocks in column order
                Memory.requireMatrix(n, inputs, name + ": " + n + " rows of " + inputs + " inputs");
                xm = new Matrix(n, inputs);
                long xi = 0, ci = 0;
                for (int r = 0; r < n; r++) {
                    int at = r * inputs;
                    for (int c = 0; c < width; c++) {
                        int k = role[c];
                        if (k == -3) {
                            xm.data[at++] = x.get(xi++);
                        } else if (k >= 0) {
                            xm.data[at + hot[k][categoryIds.get(ci++)]] = 1f;
                            at += cats.get(k).size();
                        }
                    }
                }
            }
            x.clear();
            List<CategoricalEncoding.Column> fitted = new ArrayList<>();
            for (int k = 0; k < categoricalColumns.length; k++) {
                int c = categoricalColumns[k];
                fitted.add(new CategoricalEncoding.Column(header && !first[c].isEmpty() ? first[c] : Integer.toString(c), cats.get(k)));  // an unnamed column by its index
            }
            CategoricalEncoding encoding = new CategoricalEncoding(fitted);
            if (labelColumn < 0) return new Dataset(xm, new Matrix(n, targetCount, y.toArray()), List.of(), name, encoding);
            List<String> classes = knownClasses != null ? knownClasses : classesOf(labels.names.toArray(String[]::new));
            int[] position = labels.positionsIn(classes);
            int[] index = new int[n];
            for (int r = 0; r < n; r++) index[r] = position[labelIds.get(r)];
            return Dataset.classification(xm, index, classes, name).withCategorical(encoding);
        }
    }

    /** Distinct strings of a column, numbered in order of first appearance. */
    private static final class Dictionary {
        final Map<String, Integer> ids = new HashMap<>();
        final List<String> names = new ArrayList<>();

        int id(String s) {
            Integer id = ids.get(s);
            if (id != null) return id;
            ids.put(s, names.size());
            names.add(s);
            return names.size() - 1;
        }

        int size() {
            return names.size();
        }

        /** For each id, the position of its string in {@code ordered} (which holds them all). */
        int[] positionsIn(List<String> ordered) {
            Map<String, Integer> at = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) at.putIfAbsent(ordered.get(i), i);
            int[] p = new int[names.size()];
            for (int i = 0; i < p.length; i++) p[i] = at.get(names.get(i));
            return p;
        }
    }

    /** Floats in chunks of 2^16 (256 KB), so that growing never copies what was read, and a small file costs little. */
    private static final class Chunks {
        private static final int SHIFT = 16, CHUNK = 1 << SHIFT;
        private final List<float[]> chunks = new ArrayList<>();
        private float[] current;
        private int pos = CHUNK;
        private long size;

        void add(float v) {
            if (pos == CHUNK) {
                current = new float[CHUNK];
                chunks.add(current);
                pos = 0;
            }
            current[pos++] = v;
            size++;
        }

        /** Adds {@code v[0, n)}. */
        void add(float[] v, int n) {
            for (int i = 0; i < n; ) {
                if (pos == CHUNK) {
                    current = new float[CHUNK];
                    chunks.add(current);
                    pos = 0;
                }
                int k = Math.min(n - i, CHUNK - pos);
                System.arraycopy(v, i, current, pos, k);
                pos += k;
                i += k;
            }
            size += n;
        }

        float get(long i) {
            return chunks.get((int) (i >>> SHIFT))[(int) (i & (CHUNK - 1))];
        }

        float[] toArray() {
            float[] out = new float[(int) size];
            for (int c = 0; c < chunks.size(); c++) {
                int from = c * CHUNK;
                System.arraycopy(chunks.get(c), 0, out, from, (int) Math.min(CHUNK, size - from));
                chunks.set(c, null);     // each chunk may go as soon as it is copied
            }
            clear();
            return out;
        }

        void clear() {
            chunks.clear();
            current = null;
        }
    }

    /** Ints (a label's or category's number per row) in chunks, like {@link Chunks}. */
    private static final class IntChunks {
        private static final int SHIFT = 14, CHUNK = 1 << SHIFT;
        private final List<int[]> chunks = new ArrayList<>();
        private int[] current;
        private int pos = CHUNK;

        void add(int v) {
            if (pos == CHUNK) {
                current = new int[CHUNK];
                chunks.add(current);
                pos = 0;
            }
            current[pos++] = v;
        }

        int get(long i) {
            return chunks.get((int) (i >>> SHIFT))[(int) (i & (CHUNK - 1))];
        }
    }

    /** The 0-based column of each categorical column (by header name or index); a name the header holds twice is refused. */
    private static int[] categoricalColumns(CategoricalEncoding categorical, String[] firstRow, String name) {
        int[] cols = new int[categorical.columns().size()];
        for (int k = 0; k < cols.length; k++) {
            String col = categorical.columns().get(k).column();
            if (col.matches("\\d+")) {
                cols[k] = index(col, firstRow.length, "categorical", name);
            } else {
                cols[k] = byName(col, firstRow, "categorical", name);
            }
            for (int j = 0; j < k; j++) {
                if (cols[j] == cols[k]) throw DataException.about("categorical", "names column " + cols[k] + " of " + name + " twice");
            }
        }
        return cols;
    }

    private static int labelColumn(Columns columns, String[] firstRow, String name) {
        if (!(columns instanceof Columns.Label l)) return -1;
        String col = l.column();
        return col.matches("\\d+") ? index(col, firstRow.length, "label", name) : byName(col, firstRow, "label", name);
    }

    /** {@code parameter}: the reader's parameter that names the column ("label", "categorical"), for the message. */
    private static int index(String col, int width, String parameter, String name) {
        long c = col.length() > 9 ? Long.MAX_VALUE : Long.parseLong(col);
        if (c >= width) throw DataException.about(parameter, DataException.quote(col) + ": " + name + " has only " + width + " columns (0-based index)");
        return (int) c;
    }

    /** The one column the header calls {@code col}; none, or two, is an error. */
    private static int byName(String col, String[] header, String parameter, String name) {
        int found = -1;
        for (int c = 0; c < header.length; c++) {
            if (!header[c].equals(col)) continue;
            if (found >= 0) {
                throw DataException.about(parameter, "'" + DataException.quote(col) + "': the header of " + name + " names two columns so ("
                        + found + " and " + c + "); rename one, or give the 0-based index");
            }
            found = c;
        }
        if (found < 0) throw DataException.about(parameter, "'" + DataException.quote(col) + "': no such column in the header of " + name);
        return found;
    }

    private static boolean isHeader(String[] firstRow, int labelColumn, int[] categoricalColumns) {
        for (int c = 0; c < firstRow.length; c++) {
            boolean categoricalColumn = false;
            for (int k : categoricalColumns) categoricalColumn |= k == c;
            if (c != labelColumn && !categoricalColumn && !NUMBER.matcher(firstRow[c]).matches() && !isNonFinite(firstRow[c])) return true;
        }
        return false;
    }

    private static boolean isNonFinite(String cell) {
        return cell.matches("(?i)[+-]?(nan|inf|infinity)");
    }

    /**
     * Whether a byte within a line is a space that {@link Character#isWhitespace} (and so commons-csv's
     * trimming) takes away; \n and \r, which end lines, are not.
     */
    private static boolean isSpace(byte c) {
        return c <= ' ' && (c == ' ' || c == '\t' || c == 11 || c == 12 || (c >= 28 && c <= 31));
    }

    /** A cell as float32: plain decimals by {@link Decimals}, anything else checked by NUMBER, then Float.parseFloat. */
    private static float number(String cell, Decimals decimals, String file, long line, int column) {
        float v = decimals.parse(cell, 0, cell.length());
        if (!Float.isNaN(v)) return v;
        if (isNonFinite(cell)) {
            throw DataException.at(file, line, "column " + column + ": '" + DataException.quote(cell) + "' is not a finite number");
        }
        if (!NUMBER.matcher(cell).matches()) {
            throw DataException.at(file, line, "column " + column + ": '" + DataException.quote(cell) + "' is not a number");
        }
        v = Float.parseFloat(cell);
        if (!Float.isFinite(v)) {
            throw DataException.at(file, line, "column " + column + ": " + DataException.quote(cell) + " is outside the float32 range");
        }
        return v;
    }

    /** Distinct labels, sorted numerically when all are numbers, else as strings. */
    static List<String> classesOf(String[] labels) {
        Set<String> distinct = new LinkedHashSet<>(List.of(labels));
        List<String> classes = new ArrayList<>(distinct);
        boolean numeric = classes.stream().allMatch(s -> NUMBER.matcher(s).matches());
        classes.sort(numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder());
        return classes;
    }
}
