package org.backprop4j.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file so that readers see either the old content or the complete new one: the content
 * goes to a temporary file in the same folder, which then replaces the target by a rename. If
 * anything fails, the temporary file is removed and the target is untouched.
 *
 * <p>A process killed during a save (kill -9, power loss) cannot remove its temporary file. Those
 * files are named {@code .NAME.PID-RANDOM.nn-tmp}, and each save to NAME first removes the ones
 * whose process is gone — never one of a live process, which may be saving to NAME right now.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** The content a {@link #write} call produces. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Writer out) throws IOException;
    }

    /** The bytes a {@link #writeBytes} call produces. */
    @FunctionalInterface
    public interface ByteContent {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes text in UTF-8, atomically. */
    public static void write(Path target, Content content) throws IOException {
        writeBytes(target, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            content.writeTo(w);
            w.flush();
        });
    }

    /** Writes bytes (an image, say), atomically. */
    public static void writeBytes(Path target, ByteContent content) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.isSymbolicLink(abs) && Files.isRegularFile(abs)) abs = abs.toRealPath(); // replace the file the link names, keep the link
        if (Files.exists(abs) && !Files.isRegularFile(abs)) {
            throw new IOException(target + " exists and is not a regular file (a folder, a device, a pipe)");
        }
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IOException("folder " + dir + " does not exist");
        }
        removeLeftovers(abs);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + "." + ProcessHandle.current().pid() + "-", TMP);
        try {
            keepPermissions(abs, tmp);
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
                content.writeTo(out);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static final String TMP = ".nn-tmp";

    /** Removes the temporary files of saves to {@code target} whose process has ended (killed during the save). */
    static void removeLeftovers(Path target) throws IOException {
        String prefix = "." + target.getFileName() + ".";
        try (var files = Files.newDirectoryStream(target.getParent(), p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(TMP);
        })) {
            for (Path p : files) {
                String n = p.getFileName().toString(), middle = n.substring(prefix.length(), n.length() - TMP.length());
                int dash = middle.indexOf('-');
                if (dash <= 0 || !middle.substring(0, dash).matches("\\d{1,18}")) continue;  // not of our naming
                long pid = Long.parseLong(middle.substring(0, dash));
                if (ProcessHandle.of(pid).isEmpty()) Files.deleteIfExists(p);
            }
        }
    }

    /**
     * A temporary file is created owner-only (0600); the file that replaces the target should look
     * like an ordinary new file (0644) or keep the target's own permissions.
     */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) return;
        Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }
}
