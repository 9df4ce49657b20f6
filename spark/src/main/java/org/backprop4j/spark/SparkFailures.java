package org.backprop4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What Spark says when a job or the application fails, as one line a person can act on: Spark's
 * messages carry stack traces (the executor's, then "Driver stacktrace:"), and when the cluster
 * removes the application the reason is only in Spark's log, while the exception says no more
 * than that the SparkContext was stopped.
 */
final class SparkFailures {
    private SparkFailures() { }

    /** Thrown by Spark: a job that failed for good (SparkException) or Spark's machinery. */
    static boolean isSparkFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith("org.apache.spark.")) return true;
        }
        return stopped(e);
    }

    /**
     * The message of the data error ({@link org.backprop4j.data.DataException}: a bad cell, an unknown
     * label or category) that made a task fail, or null when the failure was not one: the user's data to
     * fix, not the cluster. Found in the cause chain, or in the text Spark made of the executor's exception.
     */
    static String dataError(Throwable e) {
        String name = org.backprop4j.data.DataException.class.getName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.backprop4j.data.DataException) return t.getMessage();
            String m = t.getMessage();
            int at = m == null ? -1 : m.indexOf(name + ": ");
            if (at >= 0) return m.substring(at + name.length() + 2).lines().findFirst().orElse("").strip();
        }
        return null;
    }

    /** The SparkContext was stopped under the job (the cluster removed the application, or it was shut down). */
    static boolean stopped(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("stopped SparkContext") || m.contains("SparkContext was shut down")
                    || m.contains("SparkContext has been shutdown"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Spark's message without its stack traces, on one line, e.g. "Job aborted due to stage failure:
     * Task 0 in stage 5.0 failed 4 times, most recent failure: Lost task 0.3 … : java.lang.Exception: …".
     */
    static String cause(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int driver = m.indexOf("Driver stacktrace:");
        if (driver >= 0) m = m.substring(0, driver);
        List<String> kept = new ArrayList<>();
        for (String line : m.split("\\R")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("at ") || t.matches("\\.\\.\\. \\d+ more")) continue;
            kept.add(t);
        }
        return String.join(" ", kept);
    }

    /**
     * The message of the last ERROR line in Spark's log {@code log} (written with our layout
     * "time level logger: message"), e.g. "Application has been killed. Reason: Master removed our
     * application: FAILED"; null when there is none or no log.
     */
    static String lastError(Path log) {
        if (log == null || !Files.isRegularFile(log)) return null;
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(" ERROR ")).reduce((a, b) -> b)
                    .map(l -> l.substring(Math.max(0, l.indexOf(": ", l.indexOf(" ERROR ")) + 2)).strip()).orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }
}
