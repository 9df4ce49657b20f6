package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nn script builds when a source is newer than its jar, and only then. Maven leaves a jar whose
 * contents did not change as it was, so after a source was touched without a change (git checkout,
 * git stash pop) the script rebuilt on every run until it marked the jar built itself. Here the real
 * script runs twice in a folder of its own, with a "mvnw" that counts its calls and, like Maven,
 * leaves the jar alone, and a "java" that does nothing: for nn.jar, and for the Spark module's jar
 * (nn train --spark).
 */
class ScriptRebuildTest {

    @TempDir
    Path dir;

    @Test
    void aTouchedSourceIsBuiltOnceNotOnEveryRun() throws Exception {
        Path root = scriptFolder("cli/target/nn.jar", "core/src/main/java/Touched.java");
        String first = run(root, "--help"), second = run(root, "--help");
        assertTrue(first.contains("nn: building the project"), first);
        assertEquals("", second, "the second run must not build again");
        assertEquals(List.of("build"), Files.readAllLines(dir.resolve("mvnw-calls")));
    }

    @Test
    void theSparkModuleIsBuiltOnceNotOnEveryRun() throws Exception {
        Path root = scriptFolder("spark/target/backprop4j-spark.jar", "spark/src/main/java/Touched.java");
        Files.writeString(root.resolve("spark/target/spark-classpath.txt"), "");
        String first = run(root, "train", "--spark", "local[1]"), second = run(root, "train", "--spark", "local[1]");
        assertTrue(first.contains("nn: building the Spark module"), first);
        assertEquals("", second, "the second run must not build again");
        assertEquals(List.of("build"), Files.readAllLines(dir.resolve("mvnw-calls")));
    }

    /** The real script in dir/root with its jar an hour old, a source newer than it, the counting mvnw; a do-nothing java in dir/bin. */
    private Path scriptFolder(String jar, String source) throws Exception {
        Path root = Files.createDirectory(dir.resolve("root")), bin = Files.createDirectory(dir.resolve("bin"));
        Files.copy(Cli.repoRoot().resolve("nn"), root.resolve("nn"));
        Files.createDirectories(root.resolve("cli/src/dist/bin"));   // the run() it sources
        Files.copy(Cli.repoRoot().resolve("cli/src/dist/bin/nn-run.sh"), root.resolve("cli/src/dist/bin/nn-run.sh"));
        Path jarFile = root.resolve(jar);
        Files.createDirectories(jarFile.getParent());
        Files.writeString(jarFile, "");
        Files.setLastModifiedTime(jarFile, FileTime.from(Instant.now().minusSeconds(3600)));
        Path sourceFile = root.resolve(source);
        Files.createDirectories(sourceFile.getParent());
        Files.writeString(sourceFile, "class Touched {}\n");
        executable(root.resolve("mvnw"), "#!/bin/sh\necho build >> '" + dir.resolve("mvnw-calls") + "'\nexit 0\n");
        executable(bin.resolve("java"), "#!/bin/sh\nexit 0\n");
        return root;
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        assertTrue(file.toFile().setExecutable(true));
    }

    /** Runs the script with the do-nothing java first on the PATH; returns its standard error. */
    private String run(Path root, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("nn").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        return err;
    }
}
