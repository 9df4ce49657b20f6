package org.backprop4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reproducible builds, tested inside {@code ./mvnw -B verify} (failsafe, after package): core's jar and sources
 * jar are made a second time by Maven — offline, in a copy of the tree at another path, every file with a new
 * time — and must equal this build's byte for byte. The second build runs everything that writes them except
 * the compiler (its class files are copied: javac's output depends only on its input, and compiling core again
 * with Error Prone costs a minute or more on 2 cores): the generated files (version.properties, THIRD-PARTY.txt,
 * LICENSE and NOTICE), the manifest, and the archiver's entry order, times and permissions — where builds
 * differ. The full check, every jar and archive of two whole builds (nn.jar, the distribution), is
 * {@code scripts/check-reproducible.sh}, a release check (CONTRIBUTING.md).
 */
class ReproducibleBuildIT {
    private static final String VERSION = System.getProperty("backprop4j.pom.version");
    private static final Path ROOT = Path.of(System.getProperty("backprop4j.dist.dir", "target")).toAbsolutePath().getParent().getParent();

    @Test
    void coreBuiltAgainElsewhereIsTheSameBytes(@TempDir Path copy) throws Exception {
        Path jar = ROOT.resolve("core/target/backprop4j-core-" + VERSION + ".jar");
        Path sources = ROOT.resolve("core/target/backprop4j-core-" + VERSION + "-sources.jar");
        assertTrue(Files.isRegularFile(jar) && Files.isRegularFile(sources), "package should have made " + jar + " and " + sources);

        // what a build of core reads: the parent POM and wrapper, every module's POM (the reactor reads them all), core's main sources
        for (String f : List.of("pom.xml", "mvnw", "LICENSE", "NOTICE", ".mvn")) copy(ROOT.resolve(f), copy.resolve(f));
        try (Stream<Path> poms = Files.list(ROOT)) {
            for (Path module : (Iterable<Path>) poms.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))::iterator) {
                copy(module.resolve("pom.xml"), copy.resolve(module.getFileName()).resolve("pom.xml"));
            }
        }
        copy(ROOT.resolve("core/src/main"), copy.resolve("core/src/main"));
        copy(ROOT.resolve("core/target/classes"), copy.resolve("core/target/classes"));

        // the phases up to the resources (the generated files), then the two archives, as package makes them
        List<String> command = List.of(copy.resolve("mvnw").toString(), "-o", "-B", "-q", "-pl", "core", "process-resources",
                "jar:jar", "source:jar-no-fork", "-Djacoco.skip=true");
        ProcessBuilder build = new ProcessBuilder(new ArrayList<>(command)).directory(copy.toFile()).redirectErrorStream(true)
                .redirectOutput(copy.resolve("build.log").toFile());
        Map<String, String> env = build.environment();
        env.keySet().removeIf(k -> k.startsWith("MAVEN_") && !k.equals("MAVEN_USER_HOME"));   // the outer build's, not this one's
        Process p = build.start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the second build of core finished within 3 minutes");
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + ":\n" + read(copy.resolve("build.log")));

        for (Path original : List.of(jar, sources)) {
            Path again = copy.resolve("core/target").resolve(original.getFileName());
            byte[] a = Files.readAllBytes(original), b = Files.readAllBytes(again);
            assertTrue(Arrays.equals(a, b), () -> original.getFileName() + " differs when built again elsewhere: " + differences(original, again));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target);   // a new file time: the copy is not the file the first build read
                    if (f.toFile().canExecute()) target.toFile().setExecutable(true);
                }
            }
        }
    }

    /** The entries whose bytes or times differ, or that only one jar has: what to look at when the jars differ. */
    private static String differences(Path a, Path b) {
        Map<String, String> left, right;
        try {
            left = entries(a);
            right = entries(b);
        } catch (IOException e) {
            return "(cannot read them: " + e + ")";
        }
        List<String> differ = new ArrayList<>();
        for (String name : left.keySet()) if (!left.get(name).equals(right.get(name))) differ.add(name);
        for (String name : right.keySet()) if (!left.containsKey(name)) differ.add(name + " (only in the second)");
        return differ.isEmpty() ? "same entries and contents (order or archive metadata)" : differ.toString();
    }

    private static Map<String, String> entries(Path jar) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                try (InputStream in = zip.getInputStream(entry)) {
                    m.put(entry.getName(), entry.getTime() + ":" + Arrays.hashCode(in.readAllBytes()));
                }
            }
        }
        return m;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
