package org.backprop4j.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM and Ctrl-C while {@code nn train --checkpoint} runs: the JVM's shutdown hook asks the
 * training to stop, waits until the trainer has saved its last checkpoint at the next step and
 * the command has said so, then ends the JVM with the command's exit code. A hook, not a signal
 * handler: it needs no JDK-internal API and also covers the other ways a JVM is asked to end.
 */
final class Interruption {
    /** How long the hook waits for the last checkpoint before giving up (a step of a huge network). */
    private static final long WAIT_SECONDS = 120;

    private volatile boolean requested;
    private volatile int exitCode = 1;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::stop, "nn-interruption");

    private Interruption() {
    }

    /** Listens for the end of the JVM until {@link #finish}. */
    static Interruption install() {
        Interruption i = new Interruption();
        Runtime.getRuntime().addShutdownHook(i.hook);
        return i;
    }

    /** Whether a stop was asked for. */
    boolean requested() {
        return requested;
    }

    private void stop() {
        requested = true;
        try {
            if (finished.await(WAIT_SECONDS, TimeUnit.SECONDS)) Runtime.getRuntime().halt(exitCode);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command is done (with {@code code}): a waiting hook ends the JVM with it; otherwise the hook is removed. */
    void finish(int code) {
        exitCode = code;
        finished.countDown();
        if (!requested) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs and ends it with the code
            }
        }
    }
}
