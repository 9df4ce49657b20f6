package org.backprop4j.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without --add-modules jdk.incubator.vector the kernels fall back to plain Java and say so once,
 * with the fix, through System.Logger; with the module they say nothing. Runs a child JVM of each
 * kind on the test classpath.
 */
class SlowPathTest {

    /** Asks for fast kernels three times and prints their class. */
    public static void main(String[] args) {
        for (int i = 0; i < 3; i++) System.out.println(Kernels.fast(2).getClass().getSimpleName());
    }

    @Test
    void warnsOnceWithTheFixWhenTheModuleIsMissing() throws Exception {
        Result r = run(List.of());
        assertEquals(List.of("JavaKernels", "JavaKernels", "JavaKernels"), r.out.strip().lines().toList(), r.err);
        int warnings = r.err.split("--add-modules jdk.incubator.vector", -1).length - 1;
        assertEquals(1, warnings, r.err);
        assertTrue(r.err.contains("WARNING") && r.err.contains("plain-Java kernels"), r.err);
    }

    @Test
    void saysNothingWithTheModule() throws Exception {
        Result r = run(List.of("--add-modules", "jdk.incubator.vector", "-Dbackprop4j.kernel=4x4"));
        assertTrue(r.out.startsWith("VectorKernels"), r.out + r.err);
        assertTrue(!r.err.contains("plain-Java"), r.err);
    }

    private record Result(String out, String err) { }

    private static Result run(List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SlowPathTest.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return new Result(out, err);
    }
}
