package org.backprop4j.data;

import org.backprop4j.ParameterException;
import org.backprop4j.math.Matrix;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the sparse LIBSVM / SVMlight text format into a dense {@link Dataset}: one sample per line,
 * {@code label index:value index:value ...}, indices 1-based and increasing, features not listed
 * are 0. An optional {@code qid:N} after the label is skipped, {@code #} starts a comment, blank
 * lines are skipped. Every problem is one line naming the file and line.
 *
 * <p>Trade-off: the data is stored dense (N × features float32), the form the trainer needs; a
 * very wide sparse file costs its full dense size in memory.
 */
public final class SvmLightReader {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private SvmLightReader() {
    }

    /** What the label in front of each line is. */
    public enum Labels {
        /** Class names: one-hot encoded targets (the default). Numeric labels are named canonically: "+1" and "1.0" are "1". */
        CLASSES,
        /** One real-valued target y (like a CSV file's {@code Columns.targets(1)}). */
        TARGET,
        /** Ignored: inputs only (prediction). */
        IGNORED
    }

    /**
     * Reads {@code file}.
     *
     * @param features     the number of inputs; 0 means the largest index in the file. With a positive
     *                     number, a larger index is an error (a model's input width)
     * @param labels       how to read the label of each line
     * @param knownClasses with {@link Labels#CLASSES}: a model's classes (a label outside them is an
     *                     error), or null to take the distinct labels, sorted (numerically when all are numbers)
     */
    public static Dataset read(Path file, int features, Labels labels, List<String> knownClasses) {
        String name = file.toString();
        if (features < 0) throw new ParameterException("features", "must be at least 0 (0: the largest index in the file), got " + features);
        List<String> labelText = new ArrayList<>();
        List<Long> lineOf = new ArrayList<>();
        List<int[]> indices = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        int maxIndex = 0;
        long maxIndexLine = 0, lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);   // a UTF-8 byte order mark
                int hash = line.indexOf('#');
                String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (text.isEmpty()) continue;
                String[] tokens = text.split("\\s+");
                String label = tokens[0];
                if (label.contains(":")) throw DataException.at(name, lineNo, "the line starts with '" + DataException.quote(label) + "', expected a label");
                if (label.contains(",")) throw DataException.at(name, lineNo, "multi-label lines ('" + DataException.quote(label) + "') are not supported");
                int first = tokens.length > 1 && tokens[1].startsWith("qid:") ? 2 : 1;
                int[] idx = new int[tokens.length - first];
                float[] val = new float[tokens.length - first];
                for (int t = first; t < tokens.length; t++) {
                    String token = tokens[t];
                    int colon = token.indexOf(':');
                    if (colon <= 0 || colon == token.length() - 1) {
                        throw DataException.at(name, lineNo, "'" + DataException.quote(token) + "' is not index:value");
                    }
                    String i = token.substring(0, colon), v = token.substring(colon + 1);
                    int index;
                    try {
                        index = Integer.parseInt(i);
                    } catch (NumberFormatException e) {
                        throw DataException.at(name, lineNo, "'" + DataException.quote(token) + "': the index is not a whole number from 1 to " + Integer.MAX_VALUE);
                    }
                    if (index < 1) throw DataException.at(name, lineNo, "'" + DataException.quote(token) + "': indices start at 1");
                    if (t > first && index <= idx[t - first - 1]) {
                        throw DataException.at(name, lineNo, "'" + DataException.quote(token) + "': indices must increase along a line");
                    }
                    if (features > 0 && index > features) {
                        throw DataException.at(name, lineNo, "feature index " + index + " is beyond the " + features + " inputs");
                    }
                    idx[t - first] = index;
                    val[t - first] = number(v, name, lineNo, token);
                    if (index > maxIndex) {
                        maxIndex = index;
                        maxIndexLine = lineNo;
                    }
                }
                labelText.add(label);
                lineOf.add(lineNo);
                indices.add(idx);
                values.add(val);
            }
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": file not found");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw Utf8.error(file, lineNo + 1);
        } catch (IOException e) {
            throw new DataException(name + ": cannot read: " + e.getMessage());
        }
        int n = labelText.size();
        if (n == 0) throw new DataException(name + ": no samples");
        int d = features > 0 ? features : maxIndex;
        if (d == 0) throw DataException.about("features", "is needed: no line of " + name + " has a feature, so the number of inputs is unknown");

        // the dense rows the trainer needs: a 21-byte line "1 1:0.5 2147483639:1" must not ask for gigabytes unchecked
        Memory.requireMatrix(n, d, name + ": " + n + " samples of " + d + " inputs"
                + (features > 0 ? "" : " (the largest feature index, at line " + maxIndexLine + ")"));
        Matrix x = new Matrix(n, d);
        for (int r = 0; r < n; r++) {
            int[] idx = indices.get(r);
            float[] val = values.get(r);
            for (int k = 0; k < idx.length; k++) x.set(r, idx[k] - 1, val[k]);
        }
        switch (labels) {
            case IGNORED -> {
                return new Dataset(x, new Matrix(n, 0), List.of(), name);
            }
            case TARGET -> {
                Matrix y = new Matrix(n, 1);
                for (int r = 0; r < n; r++) y.data[r] = number(labelText.get(r), name, lineOf.get(r), labelText.get(r));
                return new Dataset(x, y, List.of(), name);
            }
            default -> {
                String[] names = new String[n];
                for (int r = 0; r < n; r++) names[r] = className(labelText.get(r));
                List<String> classes = knownClasses != null && !knownClasses.isEmpty() ? knownClasses : CsvReader.classesOf(names);
                int[] index = new int[n];
                for (int r = 0; r < n; r++) {
                    index[r] = classes.indexOf(names[r]);
                    if (index[r] < 0) {
                        throw DataException.at(name, lineOf.get(r), "label '" + DataException.quote(labelText.get(r)) + "' is not one of the model's classes " + DataException.quote(classes.toString()));
                    }
                }
                return Dataset.classification(x, index, classes, name);
            }
        }
    }

    /** A numeric label in canonical form ("+1", "1.0" and "1" are all "1"); any other text as it is. */
    static String className(String label) {
        if (!NUMBER.matcher(label).matches()) return label;
        double v = Double.parseDouble(label);
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    private static float number(String text, String file, long line, String token) {
        if (!NUMBER.matcher(text).matches()) throw DataException.at(file, line, "'" + DataException.quote(token) + "': '" + DataException.quote(text) + "' is not a number");
        float v = Float.parseFloat(text);
        if (!Float.isFinite(v)) throw DataException.at(file, line, "'" + DataException.quote(token) + "': " + DataException.quote(text) + " is outside the float32 range");
        return v;
    }
}
