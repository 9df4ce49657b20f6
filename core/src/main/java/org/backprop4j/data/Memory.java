package org.backprop4j.data;

/**
 * Checks a size an input claims against the Java heap before anything is allocated for it, so that
 * a 116-byte IDX header or a 21-byte LIBSVM line cannot ask for gigabytes: the answer is one line
 * saying how much is needed and how to give Java more ({@code NN_JAVA_OPTS=-Xmx…}, read by the
 * {@code nn} script), not an OutOfMemoryError after minutes. Sizes are longs: products of int
 * dimensions are formed in long arithmetic and never overflow.
 */
public final class Memory {
    /** Elements a Java array (and so a {@link org.backprop4j.math.Matrix}) can hold. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Memory() {
    }

    /** Heap still available: the limit minus what is in use now. */
    public static long available() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /**
     * Refuses (with a {@link TooLarge}) to go on when {@code bytes} more are not available on the heap.
     * {@code what} says what they are for, as the start of a sentence ("file.idx: 60000 x 784 pixels").
     */
    public static void require(long bytes, String what) {
        if (bytes < 0) throw new TooLarge(what + " needs more memory than a long can count", Long.MAX_VALUE);
        if (bytes <= available()) return;
        System.gc();                             // what is in use may be garbage; ask once before refusing
        if (bytes <= available()) return;
        throw new TooLarge(what + " needs " + size(bytes) + ", more than the " + size(available()) + " of the Java heap left (its limit is "
                + size(Runtime.getRuntime().maxMemory()) + "); give Java more with NN_JAVA_OPTS=-Xmx" + suggestion(bytes), bytes);
    }

    /** Refuses a matrix that no Java array can hold, then checks its bytes against the heap. */
    public static void requireMatrix(long rows, long cols, String what) {
        if (rows < 0 || cols < 0 || (cols > 0 && rows > MAX_ELEMENTS / cols)) {
            throw new TooLarge(what + ": " + rows + " x " + cols + " = " + String.format("%.3g", rows * (double) cols)
                    + " values, more than the " + MAX_ELEMENTS + " one array can hold", Long.MAX_VALUE);
        }
        require(rows * cols * Float.BYTES, what + " (" + rows + " x " + cols + " float32)");
    }

    /** An -Xmx that leaves room for what is in use, the {@code bytes} asked for, and a working margin: gigabytes, rounded up. */
    public static String suggestion(long bytes) {
        Runtime r = Runtime.getRuntime();
        double need = (r.totalMemory() - r.freeMemory() + (double) bytes) * 1.5 + (256L << 20);
        return Math.max(1, (long) Math.ceil(need / (1L << 30))) + "g";
    }

    /** Bytes as MB or GB, for a person. */
    public static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format("%.1f GB", bytes / (double) (1L << 30));
        return String.format("%.0f MB", Math.ceil(bytes / (double) (1L << 20)));
    }

    /** An input too large for this JVM's heap: one line for a person, with the size asked for. */
    public static final class TooLarge extends DataException {
        private final long bytes;

        public TooLarge(String message, long bytes) {
            super(message);
            this.bytes = bytes;
        }

        /** The bytes asked for (Long.MAX_VALUE: more than can be counted or held). */
        public long bytes() {
            return bytes;
        }
    }
}
