package org.backprop4j.data;

/**
 * Which columns of a table are targets: the last K columns as real-valued targets, one label column
 * whose values are class names (one-hot encoded), or none (inputs only).
 */
public sealed interface Columns {
    /** All columns are inputs. */
    record InputsOnly() implements Columns { }

    /** The last {@code count} columns are the target vector y. */
    record Targets(int count) implements Columns {
        public Targets {
            if (count < 1) throw new org.backprop4j.ParameterException("targets", "must be at least 1, got " + count);
        }
    }

    /** One column, by header name or 0-based index, holds class labels. */
    record Label(String column) implements Columns { }

    static Columns inputsOnly() {
        return new InputsOnly();
    }

    static Columns targets(int count) {
        return new Targets(count);
    }

    static Columns label(String column) {
        return new Label(column);
    }
}
