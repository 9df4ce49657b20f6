package org.backprop4j.spark;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stops the application when executors keep dying before they start. A standalone master does not:
 * its limit (spark.deploy.maxExecutorRetries) is reset whenever the worker reports a new executor
 * RUNNING, which it does as soon as the JVM is launched, so an executor JVM that cannot start (a bad
 * option, a missing module, too little memory) is launched again and again while the job waits
 * "for resources" forever. The driver only learns of these executors through Spark's log
 * ("Executor app-…/9 removed: Command exited with code 1"), which is what this appender reads; an
 * executor that registers with the driver resets the count.
 */
final class ExecutorStarts extends AbstractAppender {
    private static final String BACKEND = "org.apache.spark.scheduler.cluster.StandaloneSchedulerBackend";
    private static final Pattern REMOVED = Pattern.compile("Executor \\S+ removed: (.*)");

    private final SparkContext context;
    private final int limit;
    private int failedInARow;
    private volatile String reason;

    private ExecutorStarts(SparkContext context, int limit) {
        super("backprop4j-executor-starts", null, null, true, Property.EMPTY_ARRAY);
        this.context = context;
        this.limit = limit;
    }

    /** Watches {@code context}: after {@code limit} executors in a row ended without registering, stops it. */
    static ExecutorStarts watch(SparkContext context, int limit) {
        ExecutorStarts watch = new ExecutorStarts(context, limit);
        watch.start();
        LoggerContext logs = LoggerContext.getContext(SparkContext.class.getClassLoader(), false, null);
        Configuration config = logs.getConfiguration();
        LoggerConfig backend = config.getLoggerConfig(BACKEND);
        if (!backend.getName().equals(BACKEND)) {   // no logger of its own yet: one at INFO, passing events on as before
            backend = new LoggerConfig(BACKEND, Level.INFO, true);
            config.addLogger(BACKEND, backend);
        }
        backend.addAppender(watch, Level.INFO, null);
        logs.updateLoggers();
        context.addSparkListener(new SparkListener() {
            @Override public void onExecutorAdded(SparkListenerExecutorAdded added) {
                synchronized (watch) {
                    watch.failedInARow = 0;
                }
            }
        });
        return watch;
    }

    @Override
    public void append(LogEvent event) {
        Matcher m = REMOVED.matcher(event.getMessage().getFormattedMessage());
        if (!m.matches()) return;
        synchronized (this) {
            if (++failedInARow < limit || reason != null) return;
            reason = limit + " executors in a row ended before they started (the last: " + m.group(1)
                    + "; their stderr is in the worker's work folder)";
        }
        new Thread(context::stop, "backprop4j-stop").start();   // not on Spark's own thread, which stop() waits for
    }

    /** Why this watch stopped the application, or null if it did not. */
    String reason() {
        return reason;
    }
}
