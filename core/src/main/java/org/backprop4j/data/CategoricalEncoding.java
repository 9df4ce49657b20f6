package org.backprop4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * One-hot encoding of categorical input columns: each listed column of a table is replaced, in
 * place, by one 0/1 input per category. Fitted on the training data and stored with the model, so
 * that evaluate and predict encode exactly as training did. A category the encoding does not know is
 * an error (naming the file and line), never a silent all-zero row.
 *
 * @param columns the encoded columns, in table order; empty for no encoding
 */
public record CategoricalEncoding(List<Column> columns) {

    public static final CategoricalEncoding NONE = new CategoricalEncoding(List.of());

    /**
     * One categorical column.
     *
     * @param column     header name, or the 0-based column index (as text) in a file without header
     * @param categories the categories in one-hot order; empty means "not fitted yet: learn them
     *                   from the data" (sorted, numerically when all are numbers, like class names)
     */
    public record Column(String column, List<String> categories) {
        public Column {
            if (column == null || column.isEmpty()) throw new IllegalArgumentException("a categorical column needs a name or index");
            categories = List.copyOf(categories);
            if (categories.stream().distinct().count() != categories.size()) {
                throw new IllegalArgumentException("categorical column '" + column + "' lists a category twice: " + categories);
            }
        }
    }

    public CategoricalEncoding {
        columns = List.copyOf(columns);
        if (columns.stream().map(Column::column).distinct().count() != columns.size()) {
            throw new IllegalArgumentException("a categorical column is named twice");
        }
    }

    /** An encoding still to be fitted: these columns (names or 0-based indices), categories learnt from the data. */
    public static CategoricalEncoding unfitted(List<String> columns) {
        List<Column> list = new ArrayList<>();
        for (String c : columns) list.add(new Column(c.trim(), List.of()));
        return new CategoricalEncoding(list);
    }

    public boolean isNone() {
        return columns.isEmpty();
    }

    /** The column names or indices, in order. */
    public List<String> names() {
        return columns.stream().map(Column::column).toList();
    }
}
