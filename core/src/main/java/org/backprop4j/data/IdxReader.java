package org.backprop4j.data;

import org.backprop4j.math.Matrix;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST-style IDX files (big-endian; magic 2051 for unsigned-byte images, 2049 for labels),
 * plain or gzip-compressed. Pixels become floats in [0,1] (divided by 255); each image is one row.
 */
public final class IdxReader {
    private IdxReader() {
    }

    /**
     * Images and labels as a classification data set with classes "0" … "max label" (or the given
     * {@code knownClasses}, a model's, which the labels index). {@code labels} may be null (inputs only).
     */
    public static Dataset read(Path images, Path labels, List<String> knownClasses) {
        Matrix x = readImages(images);
        if (labels == null) return new Dataset(x, new Matrix(x.rows, 0), List.of(), images.toString());
        int[] y = readLabels(labels);
        if (y.length != x.rows) {
            throw new DataException(labels + ": " + y.length + " labels for " + x.rows + " images in " + images);
        }
        List<String> classes = knownClasses;
        if (classes == null || classes.isEmpty()) {
            int max = 0;
            for (int v : y) max = Math.max(max, v);
            classes = new ArrayList<>();
            for (int c = 0; c <= max; c++) classes.add(Integer.toString(c));
        }
        int[] index = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            index[i] = classes.indexOf(Integer.toString(y[i]));
            if (index[i] < 0) {
                throw new DataException(labels + ": label " + y[i] + " of item " + i + " is not one of the model's classes " + classes);
            }
        }
        return Dataset.classification(x, index, classes, images.toString());
    }

    /** Deflate cannot expand data by more than about 1032 to 1, so a gzip file's content is at most this many times its size. */
    private static final long GZIP_RATIO = 1032;

    static Matrix readImages(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 2051) throw new DataException(file + ": not an IDX image file (magic " + magic + ", expected 2051)");
            int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (n <= 0 || rows <= 0 || cols <= 0) throw new DataException(file + ": bad IDX dimensions " + n + "x" + rows + "x" + cols);
            long d = (long) rows * cols;
            checkClaim(file, 16, d > Long.MAX_VALUE / n ? Long.MAX_VALUE : n * d, n + " images of " + rows + "x" + cols + " pixels");
            if (d > Memory.MAX_ELEMENTS) throw new DataException(file + ": images of " + rows + "x" + cols + " pixels are too large to read");
            Memory.requireMatrix(n, d, file + ": " + n + " images of " + rows + "x" + cols + " pixels");
            Matrix x = new Matrix(n, (int) d);
            byte[] buf = new byte[(int) d];
            for (int i = 0; i < n; i++) {
                in.readFully(buf);
                for (int j = 0; j < d; j++) x.data[i * (int) d + j] = (buf[j] & 0xff) / 255f;
            }
            return x;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    static int[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 2049) throw new DataException(file + ": not an IDX label file (magic " + magic + ", expected 2049)");
            int n = in.readInt();
            if (n <= 0) throw new DataException(file + ": bad IDX label count " + n);
            checkClaim(file, 8, n, n + " labels");
            Memory.require(n * (long) Integer.BYTES, file + ": " + n + " labels");
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = in.readUnsignedByte();
            return y;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * Refuses a header that claims more bytes than the file can hold: {@code header} bytes and then
     * {@code bytes} of content, against the file's real size (or, gzip-compressed, the most it can unpack to).
     */
    /** The one line for an IDX file that could not be read to its end. */
    private static DataException unreadable(Path file, IOException e) {
        if (e instanceof EOFException) return new DataException(file + ": truncated IDX file");
        if (e instanceof NoSuchFileException) return new DataException(file + ": file not found");
        return new DataException(file + ": cannot read: " + e.getMessage());
    }

    private static void checkClaim(Path file, long header, long bytes, String what) throws IOException {
        long size = Files.size(file);
        boolean gzip = isGzip(file);
        long most = gzip ? size * GZIP_RATIO : size - header;
        if (bytes > most) {
            throw new DataException(file + ": the header claims " + what + " (" + bytes + " bytes), but the file "
                    + (gzip ? "(gzip, " + size + " bytes) can unpack to at most " + most : "has only " + Math.max(0, size - header)) + " bytes after the header");
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** Opens the file, unzipping when it starts with the gzip magic bytes. */
    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        return new DataInputStream(in);
    }
}
