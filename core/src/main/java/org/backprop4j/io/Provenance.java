package org.backprop4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Where a model came from, as Tribuo records it in every model (smaller here): the program and its
 * version, the command line that trained it (which holds every setting), the seed, and each data file
 * it read with its SHA-256, so that the run can be repeated and the data recognised. Stored in the model
 * file's "provenance" section; it takes no part in training, so the weights are the same bits with or without it.
 *
 * @param writtenBy "Backprop4j VERSION" ({@link ProjectVersion})
 * @param command   the command line's arguments after "nn", or empty when the model was made from Java
 * @param seed      the seed of the run
 * @param data      the files read, in the order given
 */
public record Provenance(String writtenBy, List<String> command, long seed, List<DataFile> data) {
    public Provenance {
        if (writtenBy == null) throw new IllegalArgumentException("writtenBy must be given");
        command = List.copyOf(command);
        data = List.copyOf(data);
    }

    /** A data file as given (the path as typed) and the SHA-256 of its bytes (64 lower-case hex digits). */
    public record DataFile(String file, String sha256) {
        public DataFile {
            if (file == null || sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("a data file needs its name and a SHA-256 of 64 hex digits, got " + sha256);
            }
        }
    }

    /** The provenance of a run of this program: its version, {@code command}, {@code seed} and the hashed {@code files}. */
    public static Provenance of(List<String> command, long seed, List<Path> files) {
        return new Provenance("Backprop4j " + ProjectVersion.current(), command, seed,
                files.stream().map(f -> new DataFile(f.toString(), sha256(f))).toList());
    }

    /** The SHA-256 of a file's bytes, read in 64 KB blocks. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[1 << 16];
            for (int n; (n = in.read(block)) > 0; ) digest.update(block, 0, n);
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
