package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nn script builds when a source is newer than nn.jar, and only then. Maven leaves a jar whose
 * contents did not change as it was, so after a source was touched without a change (git checkout,
 * git stash pop) the script rebuilt on every run until it marked the jar built itself. Here the real
 * script runs twice in a folder of its own, with a "mvnw" that counts its calls and, like Maven,
 * leaves the jar alone, and a "java" that does nothing.
 */
class ScriptRebuildTest {

    @TempDir
    Path dir;

    @Test
    void aTouchedSourceIsBuiltOnceNotOnEveryRun() throws Exception {
        Path root = Files.createDirectory(dir.resolve("root")), bin = Files.createDirectory(dir.resolve("bin"));
        Files.copy(Cli.repoRoot().resolve("nn"), root.resolve("nn"));
        Files.createDirectories(root.resolve("cli/src/dist/bin"));
        Files.copy(Cli.repoRoot().resolve("cli/src/dist/bin/nn-run.sh"), root.resolve("cli/src/dist/bin/nn-run.sh"));
        Path jar = Files.createDirectories(root.resolve("cli/target")).resolve("nn.jar");
        Files.writeString(jar, "");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        Path source = Files.createDirectories(root.resolve("core/src/main/java")).resolve("Touched.java");
        Files.writeString(source, "class Touched {}\n");                       // newer than the jar
        Path calls = dir.resolve("mvnw-calls");
        Path mvnw = root.resolve("mvnw");
        Files.writeString(mvnw, "#!/bin/sh\necho build >> '" + calls + "'\nexit 0\n");
        assertTrue(mvnw.toFile().setExecutable(true));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nexit 0\n");
        assertTrue(java.toFile().setExecutable(true));

        String first = run(root, bin), second = run(root, bin);
        assertTrue(first.contains("nn: building the project"), first);
        assertEquals("", second, "the second run must not build again");
        assertEquals(List.of("build"), Files.readAllLines(calls));
    }

    private static String run(Path root, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("nn").toString(), "--help").redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        return err;
    }
}
