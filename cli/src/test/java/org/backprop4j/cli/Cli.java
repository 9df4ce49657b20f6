package org.backprop4j.cli;


import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Runs {@code nn} in-process through {@link Main#run} and checks what it printed. */
final class Cli {
    private Cli() {
    }

    /** What one run of {@code nn} returned and printed. */
    record Result(int code, String out, String err, String[] args) {
        /** Asserts exit code 0 and returns this, with the streams in the message otherwise. */
        Result ok() {
            assertEquals(0, code, () -> "nn " + String.join(" ", args) + " failed:\nstdout: " + out + "\nstderr: " + err);
            return this;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args.clone(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString(), args);
    }

    /**
     * Runs {@code nn args} expecting it to refuse: a non-zero exit, exactly one line on stderr without
     * a stack trace that contains every one of {@code expected} (file names, line numbers, option
     * names), nothing on stdout, and every file in {@code dir} (the folder of the data, the models and
     * any --out file) left byte for byte as it was, with no file added (no temporary files left).
     * Returns the error line.
     */
    static String assertRejected(Path dir, String[] args, String... expected) {
        Map<String, byte[]> before = snapshot(dir);
        Result r = run(args);
        String cmd = "nn " + String.join(" ", args);
        assertNotEquals(0, r.code(), () -> cmd + ": expected a non-zero exit; stdout: " + r.out() + " stderr: " + r.err());
        String err = r.err();
        assertTrue(err.endsWith("\n") || err.endsWith("\r\n"), () -> cmd + ": stderr should be one line, got: [" + err + "]");
        String line = err.stripTrailing();
        assertFalse(line.isEmpty(), () -> cmd + ": nothing on stderr");
        assertFalse(line.contains("\n") || line.contains("\r"), () -> cmd + ": stderr has more than one line:\n" + err);
        assertFalse(line.contains("\tat ") || line.contains("Exception") || line.contains("internal error"),
                () -> cmd + ": stderr looks like a stack trace or an internal error: " + line);
        for (String e : expected) {
            assertTrue(line.contains(e), () -> cmd + ": the error line should mention '" + e + "': " + line);
        }
        assertEquals("", r.out(), () -> cmd + ": expected nothing on stdout");
        Map<String, byte[]> after = snapshot(dir);
        assertEquals(before.keySet(), after.keySet(), () -> cmd + ": files were created or removed in " + dir);
        for (Map.Entry<String, byte[]> f : before.entrySet()) {
            assertTrue(Arrays.equals(f.getValue(), after.get(f.getKey())), () -> cmd + ": " + f.getKey() + " was changed");
        }
        return line;
    }

    /** Every regular file under dir (also hidden ones, such as temporary files) with its bytes. */
    static Map<String, byte[]> snapshot(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            Map<String, byte[]> m = new TreeMap<>();
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project folder: the first folder upwards from the working folder that holds data/iris.csv. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("data").resolve("iris.csv"))) return p;
        }
        return fail("cannot find data/iris.csv above " + Path.of("").toAbsolutePath());
    }

    /**
     * A model file's bytes without its "provenance" section (the command line, seed and data hashes of the run
     * that wrote it): for comparing the models of two different command lines byte for byte.
     */
    static byte[] modelBytes(Path file) throws IOException {
        String text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        int start = text.indexOf("\"provenance\"");
        if (start < 0) return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int i = text.indexOf('{', start), depth = 0;
        boolean inString = false;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                break;
            }
        }
        int end = i + 1;
        while (end < text.length() && (text.charAt(end) == ',' || Character.isWhitespace(text.charAt(end)))) end++;
        return (text.substring(0, start) + text.substring(end)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Path copyIris(Path dir) throws IOException {
        return Files.copy(repoRoot().resolve("data").resolve("iris.csv"), dir.resolve("iris.csv"));
    }

    /**
     * The top-level fields of a JSON object: numbers as Double, strings as String, arrays and
     * objects as their JSON type name. Fails the test if the text is not exactly one valid JSON object.
     */
    static Map<String, Object> jsonFields(String json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Map<String, Object> tree;
        try {
            tree = JsonTree.object(json);   // the one JSON tree of the tests
        } catch (RuntimeException e) {
            return fail("not exactly one valid JSON object (" + e.getMessage() + "): " + json);
        }
        tree.forEach((name, v) -> fields.put(name, v instanceof List ? "array" : v instanceof Map ? "object" : v));
        return fields;
    }
}
