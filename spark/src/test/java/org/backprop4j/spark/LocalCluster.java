package org.backprop4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 for the integration tests, started and stopped with
 * {@code spark/local-cluster.sh} (the steps docs/SCALING.md gives): one master, one worker offering three
 * cores (a count the worker hands out, not the machine's), whose executors are JVMs of their own — children of the
 * worker's process.
 */
final class LocalCluster implements AutoCloseable {
    static final Path SCRIPT = Path.of("local-cluster.sh").toAbsolutePath();
    /** The application jar the executors load (packaged before the integration tests run). */
    static final Path APPLICATION_JAR = Path.of("target", "backprop4j-spark.jar").toAbsolutePath();

    private final Path dir;
    private final String url;

    private LocalCluster(Path dir, String url) {
        this.dir = dir;
        this.url = url;
    }

    /** Starts a master on a free port and a worker, their state in {@code dir}. */
    static LocalCluster start(Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProcessBuilder start = new ProcessBuilder("bash", SCRIPT.toString(), "start", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("start.out").toFile());
        start.environment().put("PORT", Integer.toString(port));
        start.environment().put("CORES", "3");   // the test's session, and a driver started by the cluster and its executor
        Process p = start.start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("local-cluster.sh start failed: " + Files.readString(dir.resolve("start.out")));
        }
        List<String> out = Files.readAllLines(dir.resolve("start.out"), StandardCharsets.UTF_8);
        return new LocalCluster(dir, out.get(out.size() - 1).strip());
    }

    /** spark://127.0.0.1:PORT */
    String url() {
        return url;
    }

    /** The Spark home the script made (RELEASE, jars/, bin/spark-submit). */
    Path sparkHome() {
        return dir.resolve("spark-home");
    }

    /** The executor JVMs the worker runs now. */
    List<ProcessHandle> executors() {
        return worker().children().filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains("CoarseGrainedExecutorBackend"))
                .orElse(false)).toList();
    }

    /** kill -9 of every executor JVM; returns when they are gone. */
    void killExecutors() {
        for (ProcessHandle executor : executors()) {
            executor.destroyForcibly();
            executor.onExit().join();
        }
    }

    private ProcessHandle worker() {
        try {
            long pid = Long.parseLong(Files.readString(dir.resolve("worker.pid")).strip());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("the worker (pid " + pid + ") is not running"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), "stop", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(60, TimeUnit.SECONDS);
    }
}
