package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.backprop4j.options.Checks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * As root, whom permission bits do not stop, {@code nn train} runs in a JVM of its own without the
     * capabilities that let root ignore them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH: dropped from the
     * bounding set by util-linux's setpriv, so the JVM it starts never has them) — a root that a
     * read-only folder does stop, as on a read-only mount.
     */
    @Test
    void anOutputFolderThatCannotBeWrittenIsFoundBeforeTraining() throws Exception {
        Path iris = Cli.copyIris(dir);
        Path locked = Files.createDirectory(dir.resolve("locked"));
        assertTrue(locked.toFile().setWritable(false, false));
        String[] train = {"train", "--data", s(iris), "--label", "species", "--out", s(locked.resolve("m.json"))};
        try {
            if (!"root".equals(System.getProperty("user.name"))) {
                Cli.assertRejected(dir, train, "folder " + locked + " is not writable");
                return;
            }
            List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--",
                    ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            command.addAll(List.of(train));
            Map<String, byte[]> before = Cli.snapshot(dir);
            Process p;
            try {
                p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (java.io.IOException e) {
                assumeTrue(false, "root, and no setpriv (util-linux) to run nn without the capability to ignore permissions");
                return;
            }
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            assumeTrue(!err.startsWith("setpriv:"), "setpriv may not drop capabilities here: " + err.strip());
            assertEquals(2, code, err);
            assertEquals("nn train: --out " + locked.resolve("m.json") + ": folder " + locked + " is not writable\n", err);
            assertEquals(before.keySet(), Cli.snapshot(dir).keySet(), "nothing written");
            assertTrue(Files.isWritable(locked), "this JVM's root may still write there: only the child's capabilities were dropped");
        } finally {
            locked.toFile().setWritable(true, false);
        }
    }

    /**
     * Every command of nn that writes a file (an option of {@link Checks#OUTPUTS}) refuses to write it over
     * one of its inputs — those that take none ({@code evaluate}, {@code cross-validate}) run the same check,
     * and this test fails for a new command that writes a file until it is listed here.
     */
    @Test
    void everyCommandThatWritesAFileRefusesToWriteOverAnInput() throws Exception {
        Path m = model(), iris = dir.resolve("iris.csv"), out = Files.createDirectory(dir.resolve("out"));
        Path data = Files.copy(iris, out.resolve("compare.csv"));
        Path home = Files.createDirectories(dir.resolve("home/data"));
        for (String f : List.of("mnist10k-train-images-idx3-ubyte.gz", "mnist10k-train-labels-idx1-ubyte.gz",
                "mnist10k-test-images-idx3-ubyte.gz", "mnist10k-test-labels-idx1-ubyte.gz")) {
            Files.copy(Cli.repoRoot().resolve("data").resolve(f), home.resolve(f));
        }
        Map<String, String[]> clobbering = new LinkedHashMap<>();
        clobbering.put("train", new String[] {"train", "--data", s(iris), "--label", "species", "--out", s(iris)});
        clobbering.put("predict", new String[] {"predict", "--model", s(m), "--data", s(iris), "--label", "species", "--out", s(m)});
        clobbering.put("export", new String[] {"export", "--model", s(m), "--out", s(m)});
        clobbering.put("explain", new String[] {"explain", "--model", s(m), "--html", s(m)});
        clobbering.put("compare", new String[] {"compare", "--data", s(data), "--label", "species", "--out", s(out)});
        clobbering.put("demo", new String[] {"demo", "--quiet", "--out", s(home.resolve("mnist10k-test-labels-idx1-ubyte.gz"))});
        CommandLine nn = new CommandLine(new Main());
        for (Map.Entry<String, CommandLine> c : nn.getSubcommands().entrySet()) {
            boolean writes = c.getValue().getCommandSpec().options().stream().anyMatch(o -> Checks.OUTPUTS.contains(o.longestName()));
            assertEquals(writes, clobbering.containsKey(c.getKey()), "nn " + c.getKey() + (writes ? " writes a file: list it here" : " writes no file"));
        }
        String previous = System.getProperty("nn.home");
        System.setProperty("nn.home", home.getParent().toString());
        try {
            for (String[] args : clobbering.values()) Cli.assertRejected(dir, args, "is the same file as", "refusing to overwrite an input");
        } finally {
            if (previous == null) System.clearProperty("nn.home");
            else System.setProperty("nn.home", previous);
        }
        Cli.assertRejected(dir, clobbering.get("compare"), "--out " + data + " is the same file as --data " + data);
    }

    @Test
    void compareChecksEachFileItWritesIntoItsFolder() throws Exception {
        Path iris = Cli.copyIris(dir), out = Files.createDirectory(dir.resolve("out"));
        String[] compare = {"compare", "--data", s(iris), "--label", "species", "--epochs", "1", "--out", s(out)};
        Files.createDirectory(out.resolve("compare.svg"));
        Cli.assertRejected(dir, compare, "--out " + out.resolve("compare.svg") + " is a folder");
        Files.delete(out.resolve("compare.svg"));
        Files.createSymbolicLink(out.resolve("compare.png"), Path.of("/dev/null"));
        Cli.assertRejected(dir, compare, "--out " + out.resolve("compare.png") + " exists and is not a regular file");
        Files.delete(out.resolve("compare.png"));
        compare[compare.length - 1] = s(iris);
        Cli.assertRejected(dir, compare, "--out " + iris + " is a file, not a folder");
        compare[compare.length - 1] = s(dir.resolve("missing/out"));
        Cli.assertRejected(dir, compare, "folder " + dir.resolve("missing") + " does not exist");
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
        Files.createDirectories(root.resolve("cli/src/dist/bin"));   // the run() it sources
        Files.copy(Cli.repoRoot().resolve("cli/src/dist/bin/nn-run.sh"), root.resolve("cli/src/dist/bin/nn-run.sh"));
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
