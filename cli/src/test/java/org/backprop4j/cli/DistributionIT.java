package org.backprop4j.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distribution as a user gets it (runs after package, by failsafe): the tar.gz unpacked with tar into a
 * temporary folder, then bin/nn run from another folder — the demo (one epoch, to stay fast), --version,
 * a bad option, a SIGTERM sent to the launcher — and the completion script sourced in bash. The zip must
 * hold the same files.
 */
class DistributionIT {
    static final String VERSION = System.getProperty("backprop4j.pom.version");
    static final Path TARGET = Path.of(System.getProperty("backprop4j.dist.dir", "target"));
    static final String BASE = "backprop4j-" + VERSION;

    @TempDir static Path unpacked;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path tar = TARGET.resolve(BASE + "-dist.tar.gz");
        assertTrue(Files.isRegularFile(tar), "package should have made " + tar);
        Result r = run(unpacked, List.of("tar", "-xzf", tar.toAbsolutePath().toString()));
        assertEquals(0, r.status, r.err);
        home = unpacked.resolve(BASE);
    }

    @Test
    void holdsTheLauncherTheJarTheLicencesAndTheDocs() throws IOException {
        for (String f : List.of("bin/nn", "bin/nn.cmd", "lib/nn.jar", "LICENSE", "NOTICE", "THIRD-PARTY.txt", "README.md",
                "licenses/LGPL-2.1.txt", "licenses/BSD-3-Clause-protobuf.txt", "man/man1/nn.1", "completion/nn_completion",
                "data/mnist10k-train-images-idx3-ubyte.gz", "data/iris.csv")) {
            assertTrue(Files.isRegularFile(home.resolve(f)), "the archive should hold " + f);
        }
        assertTrue(Files.isExecutable(home.resolve("bin/nn")), "bin/nn is executable after tar -x");
        assertTrue(Files.readString(home.resolve("bin/nn.cmd")).contains("\r\n"), "nn.cmd has Windows line endings");
        assertTrue(Files.readString(home.resolve("LICENSE")).contains("Apache License"));
        String thirdParty = Files.readString(home.resolve("THIRD-PARTY.txt"));
        assertTrue(thirdParty.contains("batik-svggen") && thirdParty.contains("picocli"), thirdParty);
        assertFalse(thirdParty.contains("org.jfree.svg"), "no GPL JFreeSVG");

        Set<String> inTar = new TreeSet<>();
        try (var files = Files.walk(home)) {
            files.filter(Files::isRegularFile).forEach(p -> inTar.add(BASE + "/" + home.relativize(p).toString().replace('\\', '/')));
        }
        Set<String> inZip = new TreeSet<>();
        try (ZipFile zip = new ZipFile(TARGET.resolve(BASE + "-dist.zip").toFile())) {
            zip.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).forEach(inZip::add);
        }
        assertEquals(inTar, inZip, "the zip and the tar.gz hold the same files");
    }

    @Test
    void binNnRunsTheDemoFromAnywhere(@TempDir Path work) throws Exception {
        Path model = work.resolve("m.json");
        Result r = run(work, List.of(home.resolve("bin/nn").toString(), "demo", "--epochs", "1", "--quiet", "--out", model.toString()));
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains("accuracy"), r.out);
        assertEquals("", r.err, "nothing on stderr: the JVM's incubator notice is filtered");
        assertTrue(Files.size(model) > 0);
    }

    /**
     * The launcher asks for transparent huge pages exactly where the kernel gives them on request
     * (mode madvise): a W2 step ran 12-17 % faster with them on a virtual machine, and where the mode is
     * never the JVM would only print a warning.
     */
    @Test
    void binNnAsksForHugePagesWhereTheKernelGivesThemOnRequest(@TempDir Path work) throws Exception {
        Result r = run(work, List.of(home.resolve("bin/nn").toString(), "bench", "--workload", "W1", "--threads", "1",
                "--epochs", "1", "--samples", "64", "--peak-gflops-per-core", "100", "--json"));
        assertEquals(0, r.status, r.err);
        assertEquals("", r.err, "no warning from the JVM about huge pages");
        Map<String, Object> j = JsonTree.object(r.out.strip());
        Path sys = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String mode = Files.isReadable(sys) ? Files.readString(sys).replaceAll("(?s).*\\[(\\w+)\\].*", "$1") : "unknown";
        assertEquals(mode, j.get("thp_mode"));
        assertEquals(mode.equals("madvise"), j.get("jvm_huge_pages"), "mode " + mode);
        // and, with the Vector API module, room for the JIT's speculation in the kernels (nn-run.sh's vector_jit)
        assertEquals(1000, ((Number) j.get("jit_trap_limit")).intValue(), "PerMethodTrapLimit given by bin/nn");
    }

    /**
     * kill, timeout and service managers signal the launcher, not the JVM: it must pass SIGTERM on, so that
     * the run stops with a last checkpoint (exit 75) and no JVM goes on training without its launcher,
     * as one did before (the launcher died with 143, the orphaned JVM trained to the end).
     */
    @Test
    void aSigtermToTheLauncherStopsTheJvmWithALastCheckpoint(@TempDir Path work) throws Exception {
        Path checkpoint = work.resolve("ck.json"), err = work.resolve("err.txt");
        Process p = new ProcessBuilder(home.resolve("bin/nn").toString(), "train", "--data", home.resolve("data/iris.csv").toString(),
                "--label", "species", "--layers", "20", "--epochs", "10000000", "--checkpoint", checkpoint.toString(),
                "--checkpoint-every", "1", "--out", work.resolve("m.json").toString())
                .directory(work.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(Files.exists(checkpoint), "a first checkpoint within a minute: " + Files.readString(err));
        List<ProcessHandle> jvms = p.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).toList();
        try {
            assertEquals(1, jvms.size(), "the launcher runs one JVM");
            p.destroy();                               // SIGTERM, to the launcher only
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher ends");
            assertTrue(jvms.get(0).onExit().get(30, TimeUnit.SECONDS) != null && !jvms.get(0).isAlive(), "the JVM ended with it");
        } finally {
            jvms.forEach(ProcessHandle::destroyForcibly);   // a JVM left behind by a failure must not train on
        }
        String messages = Files.readString(err);
        assertEquals(75, p.exitValue(), messages);
        assertTrue(messages.contains("nn train: stopped; the last checkpoint is " + checkpoint), messages);
        assertFalse(Files.exists(work.resolve("m.json")), "no model written: the run did not finish");
    }

    @Test
    void versionAndABadOption(@TempDir Path work) throws Exception {
        Result v = run(work, List.of(home.resolve("bin/nn").toString(), "--version"));
        assertEquals(0, v.status, v.err);
        assertTrue(v.out.startsWith("nn (Backprop4j) " + VERSION), v.out);
        Result bad = run(work, List.of(home.resolve("bin/nn").toString(), "train", "--no-such-option"));
        assertEquals(2, bad.status, "the launcher passes the exit status on");
        assertEquals(1, bad.err.strip().lines().count(), "one line on stderr: " + bad.err);
    }

    @Test
    void completionCompletesCommandsAndOptions(@TempDir Path work) throws Exception {
        String script = "source '" + home.resolve("completion/nn_completion") + "'\n"
                + "COMP_WORDS=(nn tr); COMP_CWORD=1; COMP_LINE='nn tr'; COMP_POINT=5; _complete_nn; echo \"${COMPREPLY[@]}\"\n"
                + "COMP_WORDS=(nn train --lear); COMP_CWORD=2; COMP_LINE='nn train --lear'; COMP_POINT=15; _complete_nn; echo \"${COMPREPLY[@]}\"\n";
        Result r = run(work, List.of("bash", "-c", script));
        assertEquals(0, r.status, r.err);
        List<String> lines = r.out.lines().toList();
        assertTrue(lines.get(0).contains("train"), r.out);
        assertTrue(lines.get(1).contains("--learning-rate"), r.out);
    }

    @Test
    void manPageHasEveryCommand() throws IOException {
        String man = Files.readString(home.resolve("man/man1/nn.1"));
        assertTrue(man.startsWith(".TH NN 1 "), man.substring(0, 40));
        assertTrue(man.contains("Backprop4j " + VERSION));
        for (String command : List.of("TRAIN", "EVALUATE", "PREDICT", "DEMO", "EXPORT")) {
            assertTrue(man.contains(".SH \"NN " + command + "\""), "a section for nn " + command.toLowerCase());
        }
        assertTrue(man.contains("\\fB\\-\\-learning\\-rate\\fR"), "options in bold, minus signs escaped");
    }

    record Result(int status, String out, String err) { }

    static Result run(Path dir, List<String> command) throws Exception {
        Path out = Files.createTempFile("dist-out", ".txt"), err = Files.createTempFile("dist-err", ".txt");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished within 2 minutes: " + command);
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
