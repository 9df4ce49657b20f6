package org.backprop4j.math.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon workers that run one {@link Job} at a time together with the calling
 * thread, which is thread 0. Workers spin for {@link #SPIN_NANOS} between jobs, because a training
 * step calls the kernels back to back and waking a parked thread takes tens of microseconds;
 * then they park. A waiting thread (a worker idle for a while, the caller waiting for a chunk)
 * yields now and then, for when the OS has put both on one core. Since the threads of a job
 * take each other's unclaimed tiles, the caller never waits for a worker that has not started,
 * only for chunks already being computed. A job allocates nothing.
 *
 * <p>A handoff costs what the cores must pass each other: every cache line one core writes and the
 * other then reads crosses between them. So the workers spin on a line of its own, the signal, and
 * the caller writes the job's other fields only when they change (a one-sample prediction posts the
 * same job call after call): a post moves one line to the workers, where it moved five.
 */
final class Pool {
    private static final long SPIN_NANOS = 100_000;
    /**
     * Spins (a few microseconds) between yields of a waiting thread. A yield costs well under a
     * microsecond when the core has nothing else to run, and hands it over when it has.
     */
    private static final int YIELD_AFTER_SPINS = 128;
    /**
     * An idle worker yields only after this long: within a step the next job comes sooner, and
     * a yield there would delay the worker's start (one-sample predictions lose most).
     */
    private static final long YIELD_AFTER_NANOS = 20_000;

    /** Index of the signal in {@link #signals}: in the middle, so that its cache line holds nothing else. */
    private static final int SIGNAL = 16;

    private final Worker[] workers;
    /**
     * The workers' start signal: 2g + 1 while job g is open (workers may join it), 2g + 2 once the
     * caller has closed it. Its volatile write publishes {@link #job} and {@link #active}.
     */
    private final AtomicIntegerArray signals = new AtomicIntegerArray(2 * SIGNAL);
    private Job job;
    private int active;                        // threads taking part in the current job
    private volatile boolean shutdown;
    private volatile Throwable failure;
    private final AtomicInteger inside = new AtomicInteger();   // workers inside Job#work

    Pool(int size) {
        workers = new Worker[size];
        for (int i = 0; i < size; i++) {
            workers[i] = new Worker(this, i + 1);
            workers[i].start();
        }
    }

    /** True if no worker is parked: all are in a job or spinning, ready within a fraction of a microsecond. */
    boolean hot() {
        for (Worker w : workers) if (w.parked) return false;
        return true;
    }

    /** Unparks the parked workers without giving them a job: they spin for {@link #SPIN_NANOS}, ready for one. */
    void wake() {
        for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
    }

    /** What {@link #run} saw when the caller was done with its own part: all workers done already, */
    static final int WORKERS_DONE = 0,
            /** a worker still inside its part (the caller waited), */
            CALLER_WAITED = 1,
            /** a worker that never joined (its part ran on the caller afterwards). */
            WORKER_ABSENT = 2;

    /**
     * Runs {@code job.work(t)} for t = 0 … threads−1, t = 0 on the caller, and waits for all; the
     * part of a worker that has not joined by the time the caller is done with its own runs on the
     * caller. With {@code wake} false, parked workers are left parked (their parts run on the caller).
     * Returns who finished last ({@link #WORKERS_DONE}, {@link #CALLER_WAITED}, {@link #WORKER_ABSENT}),
     * for a job that balances its fixed shares by it ({@link MatrixVector}).
     */
    int run(Job job, int threads, boolean wake) {
        if (this.job != job) this.job = job;   // written only when it changes: the workers' copy of the line stays valid
        if (active != threads) active = threads;
        int open = signals.get(SIGNAL) + 1;    // odd: open; the volatile write publishes the two fields above
        signals.set(SIGNAL, open);
        for (int i = 0; wake && i < threads - 1; i++) {
            if (workers[i].parked) LockSupport.unpark(workers[i]);
        }
        Throwable mine = null;
        try {
            job.work(0);
        } catch (Throwable t) {
            mine = t;
        }
        // Close the job, then wait for the workers inside it. A worker enters by incrementing
        // `inside` and only then checking that the signal still says open (both volatile), so once
        // `inside` reads 0 after the close, no worker is in the job or can enter it.
        signals.set(SIGNAL, open + 1);
        int spins = 0;
        for (; inside.get() != 0; spins++) {
            // Soon yield: if the OS has put the worker on this core (it does, for milliseconds at a
            // time, when some other thread wakes up), spinning would only wait out a time slice.
            if (spins < YIELD_AFTER_SPINS) Thread.onSpinWait();
            else Thread.yield();
        }
        // The parts of workers that never joined (parked, or not yet run by the OS) run here: a job
        // that shares its tiles out dynamically has none left, one with fixed parts does them now.
        int outcome = spins > 0 ? CALLER_WAITED : WORKERS_DONE;
        for (int i = 0; i < threads - 1; i++) {
            if (workers[i].ran == open) continue;
            outcome = WORKER_ABSENT;
            try {
                job.work(i + 1);
            } catch (Throwable t) {
                if (mine == null) mine = t;
            }
        }
        if (mine == null) mine = failure;
        if (failure != null) failure = null;
        if (mine instanceof RuntimeException r) throw r;
        if (mine instanceof Error e) throw e;
        return outcome;
    }

    void shutdown() {
        shutdown = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        private final int index;
        volatile boolean parked;
        volatile int ran;                      // the signal of the last job this worker ran its part of

        Worker(Pool pool, int index) {
            super("backprop4j-kernels-" + index);
            this.pool = pool;
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            int seen = 0;                      // not the current signal: the first job may already be posted
            int spins = 0;
            while (true) {
                long idleSince = System.nanoTime();
                int g;
                while (((g = pool.signals.get(SIGNAL)) & 1) == 0 || g == seen) {     // closed, or seen already
                    if (pool.shutdown) return;
                    long idle = System.nanoTime() - idleSince;
                    if (idle < SPIN_NANOS) {
                        // After a while, now and then let a caller that the OS put on this core run.
                        if (idle > YIELD_AFTER_NANOS && (++spins & (YIELD_AFTER_SPINS - 1)) == 0) Thread.yield();
                        else Thread.onSpinWait();
                    } else {
                        parked = true;
                        // Re-check after announcing: the caller either sees `parked` or we see its signal.
                        int now = pool.signals.get(SIGNAL);
                        if (((now & 1) == 0 || now == seen) && !pool.shutdown) LockSupport.park(this);
                        parked = false;
                        idleSince = System.nanoTime();   // woken (perhaps by wake()): spin again before parking
                    }
                }
                seen = g;
                if (index >= pool.active) continue;
                pool.inside.incrementAndGet();
                try {
                    if (pool.signals.get(SIGNAL) == g) {   // else too late: the caller does this part
                        ran = g;                           // before the work: a failure is reported, not repeated
                        pool.job.work(index);
                    }
                } catch (Throwable t) {
                    pool.failure = t;
                } finally {
                    pool.inside.decrementAndGet();
                }
            }
        }
    }
}
