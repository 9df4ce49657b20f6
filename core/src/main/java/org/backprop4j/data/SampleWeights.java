package org.backprop4j.data;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample weights from a column of the CSV file the data was read from ({@code nn train --sample-weights
 * COLUMN}): the column's numbers become each sample's weight w_i in E3's sum, and the column is taken
 * out of the inputs. A second, small pass over the file, so the CSV reader stays as it is.
 */
public final class SampleWeights {
    private SampleWeights() {
    }

    /**
     * {@code data} (read from {@code csv} with the label column {@code labelColumn}, or null) with the
     * column {@code column} (header name or 0-based index) as its weights and no longer among its inputs.
     * Throws DataException naming the file, line or column at fault.
     */
    public static Dataset fromColumn(Dataset data, Path csv, String column, String labelColumn, int targetCount) {
        String name = csv.toString();
        List<CSVRecord> records = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
             CSVParser parser = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(false).get().parse(reader)) {
            long line = 1;
            for (CSVRecord r : parser) {
                if (!(r.size() == 1 && r.get(0).isEmpty())) {   // blank lines, skipped as the CSV reader does
                    records.add(r);
                    lines.add(line);
                }
                line = parser.getCurrentLineNumber() + 1;
            }
        } catch (IOException | RuntimeException e) {
            throw new DataException(name + ": cannot read the sample weights column: " + e.getMessage());
        }
        int first = records.size() - data.size();   // 1 when the reader took the first row as a header
        if (first != 0 && first != 1) throw new DataException(name + ": changed while it was read");
        CSVRecord head = records.get(0);
        int c = index(column, head, first == 1, name, "sampleWeights");
        int label = labelColumn == null ? -1 : index(labelColumn, head, first == 1, name, "label");
        int width = head.size();
        if (c == label) throw DataException.about("sampleWeights", column + ": that is the label column of " + name);
        if (c >= width - targetCount) throw DataException.about("sampleWeights", column + ": that is one of the target columns of " + name);
        // where the column sits among the inputs: after the label column is left out and categorical columns are widened
        int input = c - (label >= 0 && label < c ? 1 : 0);
        for (CategoricalEncoding.Column cat : data.categorical().columns()) {
            int cc = index(cat.column(), head, first == 1, name, "categorical");
            if (cc == c) throw DataException.about("sampleWeights", column + ": that is a categorical column of " + name);
            if (cc < c) input += cat.categories().size() - 1;
        }
        float[] w = new float[data.size()];
        for (int r = 0; r < w.length; r++) {
            String cell = records.get(first + r).get(c);
            try {
                w[r] = Float.parseFloat(cell);
            } catch (NumberFormatException e) {
                throw DataException.at(name, lines.get(first + r), "sample weight '" + cell + "' is not a number");
            }
            if (!(w[r] >= 0) || Float.isInfinite(w[r])) {
                throw DataException.at(name, lines.get(first + r), "sample weight " + cell + " must be finite and at least 0");
            }
        }
        return new Dataset(withoutColumn(data.x(), input), data.y(), data.classes(), data.source(), data.categorical(), w);
    }

    /** {@code parameter}: the parameter that names the column ("sampleWeights", "label", "categorical"), for the message. */
    private static int index(String column, CSVRecord head, boolean header, String file, String parameter) {
        if (column.matches("\\d+")) {
            int i = Integer.parseInt(column);
            if (i >= head.size()) throw DataException.about(parameter, column + ": " + file + " has " + head.size() + " columns");
            return i;
        }
        if (header) {
            for (int i = 0; i < head.size(); i++) {
                if (head.get(i).equals(column)) return i;
            }
        }
        throw DataException.about(parameter, "'" + column + "': " + file + (header ? " has no such column" : " has no header row"));
    }

    private static org.backprop4j.math.Matrix withoutColumn(org.backprop4j.math.Matrix x, int drop) {
        org.backprop4j.math.Matrix out = new org.backprop4j.math.Matrix(x.rows, x.cols - 1);
        for (int r = 0; r < x.rows; r++) {
            System.arraycopy(x.data, r * x.cols, out.data, r * out.cols, drop);
            System.arraycopy(x.data, r * x.cols + drop + 1, out.data, r * out.cols + drop, x.cols - drop - 1);
        }
        return out;
    }
}
