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
        boolean header = isHeader(records.get(0), labelColumn);
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
        int inputs = width - targetCount - (labelColumn >= 0 ? 1 : 0);
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
                } else if (c < width - targetCount) {
                    x.data[r * inputs + xi++] = number(rec.get(c), name, line, c);
                } else {
                    y.data[r * targetCount + (c - (width - targetCount))] = number(rec.get(c), name, line, c);
                }
            }
        }
        if (labelColumn < 0) return new Dataset(x, y, List.of(), name);

        List<String> classes = knownClasses != null && !knownClasses.isEmpty() ? knownClasses : classesOf(labels);
        int[] index = new int[n];
        for (int r = 0; r < n; r++) {
            index[r] = classes.indexOf(labels[r]);
            if (index[r] < 0) {
                throw DataException.at(name, lines.get(first + r), "label '" + labels[r] + "' is not one of the model's classes " + classes);
            }
        }
        return Dataset.classification(x, index, classes, name);
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

    private static boolean isHeader(CSVRecord firstRow, int labelColumn) {
        for (int c = 0; c < firstRow.size(); c++) {
            if (c != labelColumn && !NUMBER.matcher(firstRow.get(c)).matches() && !isNonFinite(firstRow.get(c))) return true;
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
