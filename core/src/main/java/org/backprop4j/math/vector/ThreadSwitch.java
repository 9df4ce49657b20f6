package org.backprop4j.math.vector;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many threads a kernels object uses now: all it was given ("many"), or the caller alone —
 * whichever has run faster lately, measured in periods. Why: on a host that gives a guest's second
 * vCPU only part of the time (this machine kind's, in phases lasting minutes: docs/PERFORMANCE.md,
 * "Session 24"), W1's steps on two threads ran 5–10 % slower than on one, while in other phases two
 * threads were 1.39× faster. No fixed choice is right in both; the trainer cannot know the phase in
 * advance; so the kernels measure it.
 *
 * <p>Time is cut into periods of {@link #PERIOD_NANOS} spent inside kernel calls, each in one mode:
 * a mode runs for whole periods, never call by call, because a one-thread call between two-thread
 * ones finds the rows of W and ΔW in the other core's cache, so per-call sampling would measure a
 * mix of the two, neither mode. A period's rate is the work of its calls (their multiply-add
 * estimate) over their time, leaving out its first tenth (the caches settling after a switch, the
 * workers waking). Every few periods the other mode runs one trial period, then the chosen mode one
 * more; if the trial beat the mean of the chosen mode's periods on either side by {@link #MARGIN},
 * the other mode is chosen. Trials that lose clearly come at twice the interval each time, up to
 * {@link #MAX_INTERVAL} periods (on W2, where two threads are twice as fast, a one-thread trial
 * every 6 s costs about 0.4 %); a switch or a close result brings them back to {@link #MIN_INTERVAL}.
 *
 * <p>The mode never changes a result: every kernel gives the same bits for any thread count. Not
 * thread-safe (one per kernels object, used by its caller only); allocates nothing. Not final only so that
 * tests in this package can force a mode call by call.
 */
public class ThreadSwitch {
    /** A period: 50 ms of kernel calls, 500 of W1's steps or two of W2's — long enough to average out a preemption. */
    static final long PERIOD_NANOS = 50_000_000;
    /** Periods between trials of the other mode: at first and after a switch or a close call, and at most. */
    static final int MIN_INTERVAL = 4, MAX_INTERVAL = 128;
    /** How much faster a trial must run to switch; within twice this, a result counts as close. */
    static final double MARGIN = 0.03;

    private enum Phase { CHOSEN, TRIAL, AFTER }

    private final int many;
    private final long periodNanos;
    private final boolean on;
    private int chosen;                  // the mode chosen: many or 1
    private Phase phase = Phase.CHOSEN;
    private int interval = MIN_INTERVAL, untilTrial = 2;   // the first period runs while the JIT is busiest: trial after two
    private long spent, measuredNanos, measuredWork;       // this period: time in calls, and after its first tenth time and work
    private double before, trial;                          // rates (work per ns): the chosen mode's period before the trial, the trial's
    private long periodsOnOne, periodsOnMany;

    // What every switch in this JVM has done: read by nn bench (see totals()).
    private static final AtomicLong ONE_NANOS = new AtomicLong(), MANY_NANOS = new AtomicLong(), SWITCHES = new AtomicLong();

    /** A switch between {@code many} threads and one, in periods of {@code periodNanos}; {@code on} false: always many. */
    ThreadSwitch(int many, long periodNanos, boolean on) {
        this.many = many;
        this.periodNanos = periodNanos;
        this.on = on && many > 1;
        this.chosen = many;
    }

    /** The switch for kernels of {@code many} threads: on unless {@code -Dbackprop4j.threads.switch=off}. */
    static ThreadSwitch of(int many) {
        return of(many, PERIOD_NANOS);
    }

    /** {@link #of(int)} with periods of {@code periodNanos}. */
    static ThreadSwitch of(int many, long periodNanos) {
        String s = System.getProperty("backprop4j.threads.switch", System.getenv("BACKPROP4J_THREADS_SWITCH"));
        boolean on = s == null || s.isBlank() || s.trim().equalsIgnoreCase("on");
        if (!on && !s.trim().equalsIgnoreCase("off")) {
            throw new IllegalArgumentException("backprop4j.threads.switch (or BACKPROP4J_THREADS_SWITCH) must be on or off, got '" + s.trim() + "'");
        }
        return new ThreadSwitch(many, periodNanos, on);
    }

    /** Whether calls are measured at all: false with one thread, or with the switch off (then {@link #record} does nothing). */
    boolean measures() {
        return on;
    }

    /** The threads a call may use now. */
    int threads() {
        return phase == Phase.TRIAL ? other() : chosen;
    }

    /** The mode chosen, which {@link #threads()} gives outside trial periods. */
    int chosen() {
        return chosen;
    }

    private int other() {
        return chosen == 1 ? many : 1;
    }

    /** A kernel call's work (multiply-adds or their equivalent) and the nanoseconds it took, on {@link #threads()}. */
    void record(long work, long nanos) {
        if (!on) return;
        spent += nanos;
        if (spent > periodNanos / 10) {
            measuredNanos += nanos;
            measuredWork += work;
        }
        if (spent >= periodNanos) endPeriod();
    }

    private void endPeriod() {
        if (threads() == 1) {
            periodsOnOne++;
            ONE_NANOS.addAndGet(spent);
        } else {
            periodsOnMany++;
            MANY_NANOS.addAndGet(spent);
        }
        double rate = measuredNanos > 0 ? (double) measuredWork / measuredNanos : 0;
        spent = measuredNanos = measuredWork = 0;
        switch (phase) {
            case CHOSEN -> {
                if (--untilTrial > 0) return;
                before = rate;
                phase = Phase.TRIAL;
            }
            case TRIAL -> {
                trial = rate;
                phase = Phase.AFTER;
            }
            case AFTER -> {
                double mine = (before + rate) / 2;
                if (trial > mine * (1 + MARGIN)) {
                    chosen = other();
                    interval = MIN_INTERVAL;
                    SWITCHES.incrementAndGet();
                } else {
                    interval = trial > mine * (1 - 2 * MARGIN) ? MIN_INTERVAL : Math.min(MAX_INTERVAL, 2 * interval);
                }
                untilTrial = interval;
                phase = Phase.CHOSEN;
            }
        }
    }

    /** Periods ended on one thread (for tests). */
    long periodsOnOne() {
        return periodsOnOne;
    }

    /** Periods ended on many threads (for tests). */
    long periodsOnMany() {
        return periodsOnMany;
    }

    /** Time in kernel calls on one thread and on many, and the switches, summed over this JVM's kernels (whole periods only). */
    public record Totals(long oneThreadNanos, long manyThreadsNanos, long switches) {
        /** Since an earlier snapshot. */
        public Totals minus(Totals earlier) {
            return new Totals(oneThreadNanos - earlier.oneThreadNanos, manyThreadsNanos - earlier.manyThreadsNanos, switches - earlier.switches);
        }
    }

    public static Totals totals() {
        return new Totals(ONE_NANOS.get(), MANY_NANOS.get(), SWITCHES.get());
    }
}
