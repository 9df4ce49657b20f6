package org.backprop4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens a page in Debian's headless Chromium, offline, and reports what a person would see: the
 * DOM after loading, a screenshot, and the console messages (Chromium logs each one to stderr as
 * a line with ":CONSOLE"). Where Chromium is missing, tests are skipped with a message on a
 * developer's machine, and fail under CI (CI set), whose .ci/run installs it.
 */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    private Chromium() {
    }

    /** What Chromium printed: the DOM or nothing, and its log. */
    record Page(String dom, String log) {
        /** The console messages of the page (errors, warnings, logs). */
        List<String> console() {
            return log.lines().filter(l -> l.contains(":CONSOLE")).toList();
        }
    }

    static void require() {
        if (Files.isExecutable(BINARY)) return;
        if (System.getenv("CI") != null) fail(BINARY + " is missing; .ci/run should have installed it (apt-get install chromium)");
        assumeTrue(false, "skipped: " + BINARY + " is missing (apt-get install chromium); CI installs it and runs this test");
    }

    /** Loads the file and returns the DOM as Chromium parsed and laid it out. */
    static Page dumpDom(Path html, Path scratch) throws IOException, InterruptedException {
        return run(scratch, "--dump-dom", html.toUri().toString());
    }

    /** Loads the file and writes a screenshot of width × height to png. */
    static Page screenshot(Path html, Path png, int width, int height, Path scratch) throws IOException, InterruptedException {
        return run(scratch, "--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars",
                html.toUri().toString());
    }

    private static Page run(Path scratch, String... what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(what));
        Path out = scratch.resolve("chromium.out"), err = scratch.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish within 90 s: " + Files.readString(err, StandardCharsets.UTF_8));
        }
        String log = Files.readString(err, StandardCharsets.UTF_8);
        assertTrue(p.exitValue() == 0, () -> "chromium exited with " + p.exitValue() + ": " + log);
        return new Page(Files.readString(out, StandardCharsets.UTF_8), log);
    }
}
