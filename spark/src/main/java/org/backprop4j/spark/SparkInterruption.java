package org.backprop4j.spark;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.spark.util.ShutdownHookManager;
import scala.runtime.BoxedUnit;

/**
 * SIGTERM and Ctrl-C while {@code nn train --spark … --checkpoint} runs: as in {@code nn train}, the
 * training stops at its next step with a last checkpoint and the JVM ends with the command's code
 * (75). Spark stops its context in a shutdown hook of its own, and the last step needs the cluster:
 * so the hook that waits for the checkpoint runs in Spark's ordered hooks before the context's, and a
 * second one, after Spark's own (context, temporary folders), ends the JVM with the code. A plain JVM
 * hook would race with Spark's and find the context stopped mid-step.
 */
final class SparkInterruption {
    /** How long the first hook waits for the last checkpoint (Hadoop's hook timeout may cut it shorter). */
    private static final long WAIT_SECONDS = 120;

    private volatile boolean requested;
    private volatile int exitCode = 1;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object waitHook, exitHook;

    private SparkInterruption() {
        waitHook = ShutdownHookManager.addShutdownHook(ShutdownHookManager.SPARK_CONTEXT_SHUTDOWN_PRIORITY() + 1, () -> {
            requested = true;
            try {
                finished.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return BoxedUnit.UNIT;
        });
        exitHook = ShutdownHookManager.addShutdownHook(ShutdownHookManager.TEMP_DIR_SHUTDOWN_PRIORITY() - 1, () -> {
            if (finished.getCount() == 0) Runtime.getRuntime().halt(exitCode);
            return BoxedUnit.UNIT;
        });
    }

    /** Listens for the end of the JVM until {@link #finish}. */
    static SparkInterruption install() {
        return new SparkInterruption();
    }

    /** Whether a stop was asked for. */
    boolean requested() {
        return requested;
    }

    /** The command is done (with {@code code}): after a stop request the JVM ends with it; otherwise the hooks are removed. */
    void finish(int code) {
        exitCode = code;
        finished.countDown();
        if (!requested && !ShutdownHookManager.inShutdown()) {
            ShutdownHookManager.removeShutdownHook(waitHook);
            ShutdownHookManager.removeShutdownHook(exitHook);
        }
    }
}
