package org.backprop4j.cli;

import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingListener;

import java.io.PrintWriter;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Shows training as it goes, on standard error. On a terminal: a live bar redrawn in place (carriage
 * return) at most {@value #BAR_HZ} times a second, with epoch, batch, mean cost so far, samples/s and
 * the time left, and one line kept per finished epoch. Elsewhere (a file, a pipe, a CI log): one
 * plain line per epoch, and within an epoch a plain progress line whenever {@value #QUIET_SECONDS}
 * seconds passed without one, so that a long epoch never leaves a log silent.
 */
final class Progress implements TrainingListener {
    static final int BAR_HZ = 10;
    static final double QUIET_SECONDS = 3;
    private static final int BAR_WIDTH = 24;
    private static final String CLEAR_LINE = "\r\033[K";

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final int samples;
    private final int epochs;
    private final Function<EpochStats, String> epochSuffix;
    private long startNanos = -1, lastPrintNanos;
    private int epoch, batch, batchSize, firstEpoch = -1;
    private boolean barShown;

    /**
     * @param terminal    whether err is a terminal (live bar) or not (plain lines)
     * @param samples     N, the samples of one epoch
     * @param epochs      the last epoch planned (counted from the first run when continuing one), or 0 if
     *                    not known (a budget of seconds)
     * @param epochSuffix more to say at the end of an epoch line (validation results), or ""
     */
    Progress(PrintWriter err, boolean terminal, LongSupplier nanoClock, int samples, int epochs,
             Function<EpochStats, String> epochSuffix) {
        this.err = err;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.samples = samples;
        this.epochs = epochs;
        this.epochSuffix = epochSuffix;
    }

    /** Whether this process writes to a terminal. */
    static boolean isTerminal() {
        return terminal() != null;
    }

    /**
     * The console when stdin and stdout are a terminal, else null. Up to JDK 21 System.console() is null when
     * either is redirected; from JDK 22 it is a console all the same, and its isTerminal() (called by name:
     * JDK 17 does not have it) tells.
     */
    @SuppressWarnings("SystemConsoleNull")   // the null check is for JDK 17-21; isTerminal() covers 22 and later
    private static java.io.Console terminal() {
        java.io.Console console = System.console();
        if (console == null) return null;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console) ? console : null;
        } catch (ReflectiveOperationException e) {
            return console;   // JDK 17 to 21: a console is a terminal
        }
    }

    /**
     * Where progress goes: on a terminal, the terminal itself through {@link java.io.Console} (the
     * ./nn launcher passes standard error through a line filter, which would hold back a bar that
     * is redrawn without ever ending its line); elsewhere, {@code err}.
     */
    static PrintWriter output(PrintWriter err) {
        java.io.Console console = terminal();
        return console != null ? console.writer() : err;
    }

    @Override
    public void onStart(org.backprop4j.nn.Network training) {
        startNanos = lastPrintNanos = nanoClock.getAsLong();
    }

    @Override
    public void onStep(int epoch, int done, int total, double cost) {
        long now = nanoClock.getAsLong();
        if (startNanos < 0) startNanos = lastPrintNanos = now;
        if (firstEpoch < 0) firstEpoch = epoch; // continuing a saved run starts past epoch 1
        if (epoch != this.epoch) {
            this.epoch = epoch;
            batch = 0;
            batchSize = done; // the first batch is a full one (only the last may be ragged)
        }
        batch++;
        if (terminal) {
            if (!barShown || now - lastPrintNanos >= 1_000_000_000L / BAR_HZ) {
                err.print(CLEAR_LINE + bar(epoch, done, total, cost, now));
                err.flush();
                barShown = true;
                lastPrintNanos = now;
            }
        } else if (now - lastPrintNanos >= (long) (QUIET_SECONDS * 1e9) && done < total) {
            err.println(String.format("epoch %s  %3.0f%% (%,d of %,d samples)  cost %.6f  %s",
                    of(epoch), 100.0 * done / total, done, total, cost, eta(epoch, done, now)));
            err.flush();
            lastPrintNanos = now;
        }
    }

    @Override
    public void onEpoch(EpochStats s) {
        long now = nanoClock.getAsLong();
        clear();
        String accuracy = Double.isNaN(s.accuracy()) ? "" : String.format("  accuracy %.2f%%", 100 * s.accuracy());
        err.println(String.format("epoch %s  cost %.6f (data %.6f + L2 %.6f)%s  %d steps  %.2fs  %,.0f samples/s%s",
                of(s.epoch()), s.cost(), s.dataCost(), s.l2Cost(), accuracy, s.steps(), s.seconds(),
                samples / s.seconds(), epochSuffix.apply(s)));
        err.flush();
        lastPrintNanos = now;
    }

    /** A line of its own (a warning, say), without tearing the bar. */
    void note(String line) {
        clear();
        err.println(line);
        err.flush();
    }

    /** Removes the live bar, if shown; to call before anything else is printed after training. */
    void clear() {
        if (barShown) {
            err.print(CLEAR_LINE);
            err.flush();
            barShown = false;
        }
    }

    /** "epoch 3/10 [#####-------] batch 120/800  cost 0.073412  41,230 samples/s  ETA 0:07" */
    private String bar(int epoch, int done, int total, double cost, long now) {
        int filled = (int) ((long) BAR_WIDTH * done / total);
        int batches = (total + batchSize - 1) / batchSize;
        return String.format("epoch %s [%s%s] batch %,d/%,d  cost %.6f  %s  %s",
                of(epoch), "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), batch, batches,
                cost, rate(epoch, done, now), eta(epoch, done, now));
    }

    private String of(int epoch) {
        return epochs > 0 ? epoch + "/" + epochs : Integer.toString(epoch);
    }

    /** Samples per second since training began. */
    private String rate(int epoch, int done, long now) {
        double seconds = (now - startNanos) / 1e9;
        long seen = (long) (epoch - firstEpoch) * samples + done;
        return seconds > 0 ? String.format("%,.0f samples/s", seen / seconds) : "";
    }

    /** Time left for all epochs, at the mean rate since training began. */
    private String eta(int epoch, int done, long now) {
        double seconds = (now - startNanos) / 1e9;
        long seen = (long) (epoch - firstEpoch) * samples + done;
        long all = (long) (epochs - firstEpoch + 1) * samples;
        if (seen == 0 || seconds <= 0 || epochs <= 0) return "";
        long left = Math.round(seconds / seen * (all - seen));
        return String.format("ETA %d:%02d", left / 60, left % 60);
    }
}
