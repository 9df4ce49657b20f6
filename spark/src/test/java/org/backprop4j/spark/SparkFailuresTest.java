package org.backprop4j.spark;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark's failures as one line: the message without stack traces, the reason from Spark's log, the kernels line. */
class SparkFailuresTest {
    @Test
    void aStageFailureIsOneWholeLineWithoutStackTraces() {
        // as Spark 3.5 words it (the "Either the executor" sentence used to be cut at its line break)
        SparkException e = new SparkException("Job aborted due to stage failure: Task 0 in stage 5.0 failed 4 times, most recent "
                + "failure: Lost task 0.3 in stage 5.0 (TID 30) (127.0.0.1 executor 1): org.apache.spark.SparkException: Checkpoint "
                + "block rdd_0_0 not found! Either the executor\nthat originally checkpointed this partition is no longer alive, or "
                + "the original RDD is\nunpersisted. If this problem persists, you may consider using `rdd.checkpoint()` instead.\n"
                + "\tat org.apache.spark.rdd.LocalCheckpointRDD.compute(LocalCheckpointRDD.scala:65)\n"
                + "\tat org.apache.spark.scheduler.Task.run(Task.scala:141)\n\t... 3 more\n\nDriver stacktrace:\n"
                + "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2856)\n");
        String line = SparkFailures.cause(e);
        assertFalse(line.contains("\n"));
        assertFalse(line.contains("Driver stacktrace") || line.contains(".scala:"), line);
        assertTrue(line.endsWith("Either the executor that originally checkpointed this partition is no longer alive, or the original "
                + "RDD is unpersisted. If this problem persists, you may consider using `rdd.checkpoint()` instead."), line);
        assertTrue(SparkFailures.isSparkFailure(e));
        assertFalse(SparkFailures.stopped(e));
        assertTrue(SparkFailures.stopped(new IllegalStateException("Cannot call methods on a stopped SparkContext.\nThis stopped ...")));
    }

    @Test
    void theReasonTheClusterGaveIsTheLastErrorInSparksLog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("spark.log");
        Files.writeString(log, """
                23:41:02.120 INFO StandaloneAppClient$ClientEndpoint: Executor updated: app-1/9 is now FAILED (Command exited with code 1)
                23:41:02.311 ERROR StandaloneSchedulerBackend: Application has been killed. Reason: Master removed our application: FAILED
                23:41:02.318 WARN StandaloneSchedulerBackend$StandaloneDriverEndpoint: Ignored message: ...
                """);
        assertEquals("Application has been killed. Reason: Master removed our application: FAILED", SparkFailures.lastError(log));
        assertNull(SparkFailures.lastError(dir.resolve("none.log")));
        assertNull(SparkFailures.lastError(null));
    }

    @Test
    void slowKernelsOnTheExecutorsAreNamedWithTheFix() {
        assertFalse(SparkTrainCommand.kernels(Map.of("VectorKernels", 4L), 4).contains("slow"));
        String mixed = SparkTrainCommand.kernels(Map.of("JavaKernels", 1L, "VectorKernels", 3L), 4);
        assertTrue(mixed.contains("JavaKernels (1 of 4)") && mixed.contains("VectorKernels (3 of 4)"), mixed);
        assertTrue(mixed.contains("--add-modules=jdk.incubator.vector in spark.executor.extraJavaOptions"), mixed);
    }
}
