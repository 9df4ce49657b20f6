package org.backprop4j.data;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.backprop4j.math.Matrix;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a numeric CSV table into a {@link Dataset}. A header row is optional: the first row is a
 * header when one of its input cells is not a number. Cells are numbers (made float32), except a
 * label column, which may hold any strings. Every problem is reported as one line naming the file
 * and line: missing file, ragged row, non-numeric cell, NaN or infinity, unknown class.
 */
public final class CsvReader {
    // Plain decimal numbers only: Java's parser would also take "NaN", "1f" or hex floats.
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

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
        String name = file.toString();
        List<CSVRecord> records = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(false).get().parse(reader)) {
            long line = 1;
            for (CSVRecord r : parser) {
                if (!(r.size() == 1 && r.get(0).isEmpty())) {
                    records.add(r);
                    lines.add(line);
                }
                line = parser.getCurrentLineNumber() + 1;
            }
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": file not found");
        } catch (IOException | UncheckedIOException e) {
            String why = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
            throw new DataException(name + ": cannot read CSV: " + why);
        } catch (IllegalStateException e) { // commons-csv reports malformed quoting this way
            throw new DataException(name + ": malformed CSV: " + e.getMessage());
        }
        if (records.isEmpty()) throw new DataException(name + ": no rows");

        int width = records.get(0).size();
        int labelColumn = labelColumn(columns, records.get(0), name);
        int[] categoricalColumns = categoricalColumns(categorical, records.get(0), name);
        boolean header = isHeader(records.get(0), labelColumn, categoricalColumns)
                || categorical.names().stream().anyMatch(c -> !c.matches("\\d+"));
        if (columns instanceof Columns.Label l && !l.column().matches("\\d+") && !header) {
            throw new DataException(name + ": --label '" + l.column() + "' names a column, but the file has no header row");
        }
        int first = header ? 1 : 0;
        int n = records.size() - first;
        if (n == 0) throw new DataException(name + ": no data rows after the header");

        int targetCount = columns instanceof Columns.Targets t ? t.count() : 0;
        if (targetCount >= width) {
            throw new DataException("--targets " + targetCount + ": " + name + " has only " + width
                    + " columns, so no inputs would be left");
        }
        for (int k = 0; k < categoricalColumns.length; k++) {
            int c = categoricalColumns[k];
            String what = "--categorical " + categorical.columns().get(k).column();
            if (c == labelColumn) throw new DataException(what + ": that is the --label column of " + name);
            if (c >= width - targetCount) throw new DataException(what + ": that is one of the --targets columns of " + name);
        }
        List<List<String>> categories = categoriesOf(categorical, categoricalColumns, records, lines, first, name);
        int[] oneHotWidth = new int[width]; // 0 for a numeric column
        for (int k = 0; k < categoricalColumns.length; k++) oneHotWidth[categoricalColumns[k]] = categories.get(k).size();
        int inputs = width - targetCount - (labelColumn >= 0 ? 1 : 0);
        for (int c : categoricalColumns) inputs += oneHotWidth[c] - 1;
        Matrix x = new Matrix(n, inputs);
        Matrix y = new Matrix(n, targetCount);
        String[] labels = new String[n];
        for (int r = 0; r < n; r++) {
            CSVRecord rec = records.get(first + r);
            long line = lines.get(first + r);
            if (rec.size() != width) {
                throw DataException.at(name, line, "expected " + width + " cells, found " + rec.size());
            }
            int xi = 0;
            for (int c = 0; c < width; c++) {
                if (c == labelColumn) {
                    labels[r] = rec.get(c);
                    if (labels[r].isEmpty()) throw DataException.at(name, line, "empty label in column " + c);
                } else if (oneHotWidth[c] > 0) {
                    List<String> known = categories.get(indexOf(categoricalColumns, c));
                    int hot = known.indexOf(rec.get(c));
                    if (hot < 0) {
                        throw DataException.at(name, line, "column " + c + ": category '" + rec.get(c)
                                + "' is not one of the model's categories " + known);
                    }
                    x.data[r * inputs + xi + hot] = 1f;
                    xi += oneHotWidth[c];
                } else if (c < width - targetCount) {
                    x.data[r * inputs + xi++] = number(rec.get(c), name, line, c);
                } else {
                    y.data[r * targetCount + (c - (width - targetCount))] = number(rec.get(c), name, line, c);
                }
            }
        }
        CategoricalEncoding fitted = fitted(categorical, categoricalColumns, categories, header ? records.get(0) : null);
        if (labelColumn < 0) return new Dataset(x, y, List.of(), name, fitted);

        List<String> classes = knownClasses != null && !knownClasses.isEmpty() ? knownClasses : classesOf(labels);
        int[] index = new int[n];
        for (int r = 0; r < n; r++) {
            index[r] = classes.indexOf(labels[r]);
            if (index[r] < 0) {
                throw DataException.at(name, lines.get(first + r), "label '" + labels[r] + "' is not one of the model's classes " + classes);
            }
        }
        return Dataset.classification(x, index, classes, name).withCategorical(fitted);
    }

    /** The 0-based column of each categorical column (by header name or index). */
    private static int[] categoricalColumns(CategoricalEncoding categorical, CSVRecord firstRow, String name) {
        int[] cols = new int[categorical.columns().size()];
        for (int k = 0; k < cols.length; k++) {
            String col = categorical.columns().get(k).column();
            cols[k] = -1;
            if (col.matches("\\d+")) {
                cols[k] = Integer.parseInt(col);
                if (cols[k] >= firstRow.size()) {
                    throw new DataException("--categorical " + col + ": " + name + " has only " + firstRow.size() + " columns (0-based index)");
                }
            } else {
                for (int c = 0; c < firstRow.size() && cols[k] < 0; c++) {
                    if (firstRow.get(c).equals(col)) cols[k] = c;
                }
                if (cols[k] < 0) throw new DataException("--categorical '" + col + "': no such column in the header of " + name);
            }
            for (int j = 0; j < k; j++) {
                if (cols[j] == cols[k]) throw new DataException("--categorical: column " + cols[k] + " of " + name + " is named twice");
            }
        }
        return cols;
    }

    /** Each categorical column's categories: the encoding's, or (when it has none) the sorted distinct values. */
    private static List<List<String>> categoriesOf(CategoricalEncoding categorical, int[] cols, List<CSVRecord> records,
                                                   List<Long> lines, int first, String name) {
        List<List<String>> out = new ArrayList<>();
        for (int k = 0; k < cols.length; k++) {
            List<String> known = categorical.columns().get(k).categories();
            if (!known.isEmpty()) {
                out.add(known);
                continue;
            }
            String[] values = new String[records.size() - first];
            for (int r = 0; r < values.length; r++) {
                CSVRecord rec = records.get(first + r);
                values[r] = cols[k] < rec.size() ? rec.get(cols[k]) : ""; // a ragged row is reported by the main loop
                if (values[r].isEmpty() && cols[k] < rec.size()) {
                    throw DataException.at(name, lines.get(first + r), "empty cell in categorical column " + cols[k]);
                }
            }
            out.add(classesOf(java.util.Arrays.stream(values).filter(v -> !v.isEmpty()).toArray(String[]::new)));
        }
        return out;
    }

    /** The encoding as fitted here, each column named by its header cell (or its index without a header). */
    private static CategoricalEncoding fitted(CategoricalEncoding categorical, int[] cols, List<List<String>> categories,
                                              CSVRecord header) {
        List<CategoricalEncoding.Column> out = new ArrayList<>();
        for (int k = 0; k < cols.length; k++) {
            String column = header != null ? header.get(cols[k]) : Integer.toString(cols[k]);
            out.add(new CategoricalEncoding.Column(column, categories.get(k)));
        }
        return new CategoricalEncoding(out);
    }

    private static int indexOf(int[] values, int v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) return i;
        }
        return -1;
    }

    private static int labelColumn(Columns columns, CSVRecord firstRow, String name) {
        if (!(columns instanceof Columns.Label l)) return -1;
        String col = l.column();
        if (col.matches("\\d+")) {
            int c = Integer.parseInt(col);
            if (c >= firstRow.size()) {
                throw new DataException("--label " + c + ": " + name + " has only " + firstRow.size() + " columns (0-based index)");
            }
            return c;
        }
        for (int c = 0; c < firstRow.size(); c++) {
            if (firstRow.get(c).equals(col)) return c;
        }
        throw new DataException("--label '" + col + "': no such column in the header of " + name);
    }

    private static boolean isHeader(CSVRecord firstRow, int labelColumn, int[] categoricalColumns) {
        for (int c = 0; c < firstRow.size(); c++) {
            if (c != labelColumn && indexOf(categoricalColumns, c) < 0 && !NUMBER.matcher(firstRow.get(c)).matches() && !isNonFinite(firstRow.get(c))) return true;
        }
        return false;
    }

    private static boolean isNonFinite(String cell) {
        return cell.matches("(?i)[+-]?(nan|inf|infinity)");
    }

    private static float number(String cell, String file, long line, int column) {
        if (isNonFinite(cell)) {
            throw DataException.at(file, line, "column " + column + ": '" + cell + "' is not a finite number");
        }
        if (!NUMBER.matcher(cell).matches()) {
            throw DataException.at(file, line, "column " + column + ": '" + cell + "' is not a number");
        }
        float v = Float.parseFloat(cell);
        if (!Float.isFinite(v)) {
            throw DataException.at(file, line, "column " + column + ": " + cell + " is outside the float32 range");
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
