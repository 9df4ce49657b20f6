package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No file clobbered, every command usable on untrusted input: each case here overwrote a file with
 * exit 0, crashed or ran out of memory before (issue 15). {@link Cli#assertRejected} checks that
 * nothing in the folder changed and the error is one line.
 */
class NothingClobberedTest {
    @TempDir
    Path dir;

    private String s(Path p) {
        return p.toString();
    }

    private Path model() throws Exception {
        Path iris = Files.exists(dir.resolve("iris.csv")) ? dir.resolve("iris.csv") : Cli.copyIris(dir);
        Path m = dir.resolve("m.json");
        Cli.run("train", "--data", s(iris), "--label", "species", "--epochs", "2", "--out", s(m), "--quiet").ok();
        return m;
    }

    @Test
    void anOutputThatIsAnInputIsRefusedBeforeAnyWork() throws Exception {
        Path m = model(), iris = dir.resolve("iris.csv");
        String[] train = {"train", "--data", s(iris), "--label", "species", "--epochs", "1", "--quiet"};
        Cli.assertRejected(dir, with(train, "--out", s(iris)), "--out " + iris + " is the same file as --data " + iris, "refusing to overwrite an input");
        Cli.assertRejected(dir, with(train, "--out", s(m), "--report", s(iris)), "--report", "--data");
        Cli.assertRejected(dir, with(train, "--out", s(m), "--metrics", s(iris)), "--metrics", "--data");
        Cli.assertRejected(dir, with(train, "--out", s(m), "--metrics", s(m)), "--metrics " + m + " is the same file as --out " + m);
        Cli.assertRejected(dir, with(train, "--out", s(dir.resolve("n.json")), "--init", s(m), "--checkpoint", s(m)), "--checkpoint", "--init");
        Cli.assertRejected(dir, new String[] {"predict", "--model", s(m), "--data", s(iris), "--label", "species", "--out", s(iris)},
                "--out " + iris + " is the same file as --data");
        Cli.assertRejected(dir, new String[] {"export", "--model", s(m), "--out", s(m)}, "--out " + m + " is the same file as --model");
        // the same file under another name: a link, and a path with ".."
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), iris);
        Cli.assertRejected(dir, with(train, "--out", s(link)), "is the same file as --data");
        Files.createDirectory(dir.resolve("sub"));
        Cli.assertRejected(dir, with(train, "--out", s(dir.resolve("sub").resolve("..").resolve("iris.csv"))), "is the same file as --data");
    }

    @Test
    void anOutputThatIsNotARegularFileIsRefused() throws Exception {
        Path iris = Cli.copyIris(dir);
        String[] train = {"train", "--data", s(iris), "--label", "species", "--epochs", "1", "--quiet"};
        Cli.assertRejected(dir, with(train, "--out", "/dev/null"), "--out /dev/null exists and is not a regular file");
        Path stdout = Files.createSymbolicLink(dir.resolve("stdout.json"), Path.of("/proc/self/fd/1"));
        Cli.assertRejected(dir, with(train, "--out", s(stdout)), "is not a regular file");
        assertTrue(Files.isSymbolicLink(stdout), "the link is still a link");
    }

    @Test
    void anOutputFolderThatCannotBeWrittenIsFoundBeforeTraining() throws Exception {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "root may write anywhere");
        Path iris = Cli.copyIris(dir);
        Path locked = Files.createDirectory(dir.resolve("locked"));
        assertTrue(locked.toFile().setWritable(false, false));
        try {
            Cli.assertRejected(dir, new String[] {"train", "--data", s(iris), "--label", "species", "--out", s(locked.resolve("m.json"))},
                    "folder " + locked + " is not writable");
        } finally {
            locked.toFile().setWritable(true, false);
        }
    }

    @Test
    void aLinkToAModelFileStaysALinkAndItsFileIsReplaced() throws Exception {
        Path m = model(), link = Files.createSymbolicLink(dir.resolve("latest.json"), m.getFileName());
        Cli.run("train", "--data", s(dir.resolve("iris.csv")), "--label", "species", "--epochs", "3", "--out", s(link), "--quiet").ok();
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(3, ModelJson.readFile(m).training().stoppedEpoch());
    }

    @Test
    void temporaryFilesOfKilledSavesAreRemovedByTheNextSave() throws Exception {
        Path m = model();
        Path dead = dir.resolve(".m.json.2147483646-123.nn-tmp"), alive = dir.resolve(".m.json." + ProcessHandle.current().pid() + "-9.nn-tmp");
        Path foreign = dir.resolve(".m.json.backup.nn-tmp");
        for (Path p : List.of(dead, alive, foreign)) Files.writeString(p, "half a model");
        Cli.run("train", "--data", s(dir.resolve("iris.csv")), "--label", "species", "--epochs", "1", "--out", s(m), "--quiet").ok();
        assertFalse(Files.exists(dead), "the file of a process that is gone is removed");
        assertTrue(Files.exists(alive), "a live process may be saving right now");
        assertTrue(Files.exists(foreign), "not of our naming");
    }

    @Test
    void everyCommandWorksWithoutClasses() throws Exception {
        Path m = model(), iris = dir.resolve("iris.csv");
        String json = Files.readString(m).replaceFirst("\"classes\": \\[[^\\]]*\\],\\s*", "");
        assertFalse(json.contains("\"classes\""));
        Path bare = Files.writeString(dir.resolve("bare.json"), json);
        Cli.Result e = Cli.run("evaluate", "--model", s(bare), "--data", s(iris), "--label", "species").ok();
        assertTrue(e.out().contains("accuracy"), e.out());
        Cli.run("evaluate", "--model", s(bare), "--data", s(iris), "--label", "species", "--json").ok();
        Cli.run("predict", "--model", s(bare), "--data", s(iris), "--label", "species").ok();
        Cli.run("train", "--init", s(bare), "--data", s(iris), "--label", "species", "--epochs", "1", "--out", s(dir.resolve("again.json")),
                "--quiet").ok();
    }

    @Test
    void hugeLayersAreRefusedWithTheSizeNeeded() throws Exception {
        Path iris = Cli.copyIris(dir);
        String line = Cli.assertRejected(dir, new String[] {"train", "--data", s(iris), "--label", "species", "--layers", "100000000",
                "--out", s(dir.resolve("m.json"))}, "--layers 100000000", "parameters", "NN_JAVA_OPTS=-Xmx");
        assertTrue(line.contains("needs") || line.contains("one array can hold"), line);
    }

    @Test
    void anOutOfMemoryErrorIsOneLineWithTheFix() {
        String line = Main.outOfMemory(new String[] {"train", "--data", "x.csv"});
        assertTrue(line.startsWith("nn train: out of memory") && line.contains("NN_JAVA_OPTS=-Xmx"), line);
    }

    @Test
    void theScriptPassesStandardErrorThroughIntact() throws Exception {
        // the real nn script in a folder of its own, with a jar that is never stale and a "java" that writes a NUL byte
        Path root = Files.createDirectory(dir.resolve("root")), bin = Files.createDirectory(dir.resolve("bin"));
        Files.copy(Cli.repoRoot().resolve("nn"), root.resolve("nn"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.writeString(root.resolve("cli/target/nn.jar"), "");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\n[ \"$1\" = --list-modules ] && exit 0\n"
                + "printf 'WARNING: Using incubator modules: jdk.incubator.vector\\n' >&2\n"
                + "printf 'nn train: x.csv:3: column 1: \\0324\\000 is not a number\\n' >&2\nexit 2\n");
        assertTrue(java.toFile().setExecutable(true));
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("nn").toString(), "train").redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertEquals(2, p.waitFor());
        String text = new String(err, StandardCharsets.ISO_8859_1);
        assertEquals("nn train: x.csv:3: column 1: \u001a4\u0000 is not a number\n", text);
    }

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
