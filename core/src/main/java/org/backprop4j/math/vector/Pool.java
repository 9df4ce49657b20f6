package org.backprop4j.math.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon workers that run one {@link Job} at a time together with the calling
 * thread, which is thread 0. Workers spin for {@link #SPIN_NANOS} between jobs, because a training
 * step calls the kernels back to back and waking a parked thread takes tens of microseconds;
 * then they park. A waiting thread (a worker idle for a while, the caller waiting for a chunk)
 * yields now and then, for when the OS has put both on one core. Since the threads of a job
 * take each other's unclaimed tiles, the caller never waits for a worker that has not started,
 * only for chunks already being computed. A job allocates nothing.
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

    private final Worker[] workers;
    private volatile Job job;
    private volatile int generation;           // bumped once per job: the workers' start signal
    private volatile int active;               // threads taking part in the current job
    private volatile boolean open;             // true while workers may still join the current job
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

    /**
     * Runs {@code job.work(t)} for t = 0 … threads−1, t = 0 on the caller, and waits for all.
     * With {@code wake} false, parked workers are left parked (the caller and the others take their tiles).
     */
    void run(Job job, int threads, boolean wake) {
        this.job = job;
        active = threads;
        failure = null;
        open = true;                           // volatile: a worker that sees it sees all of the above
        generation++;
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
        // `inside` and only then checking `open` (both volatile), so once `inside` reads 0 after
        // the close, no worker is in the job or can enter it: the caller may reuse its fields.
        open = false;
        for (int spins = 0; inside.get() != 0; spins++) {
            // Soon yield: if the OS has put the worker on this core (it does, for milliseconds at a
            // time, when some other thread wakes up), spinning would only wait out a time slice.
            if (spins < YIELD_AFTER_SPINS) Thread.onSpinWait();
            else Thread.yield();
        }
        this.job = null;
        if (mine == null) mine = failure;
        if (mine instanceof RuntimeException r) throw r;
        if (mine instanceof Error e) throw e;
    }

    void shutdown() {
        shutdown = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        private final int index;
        volatile boolean parked;

        Worker(Pool pool, int index) {
            super("backprop4j-kernels-" + index);
            this.pool = pool;
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            int seen = 0;                      // not pool.generation: the first job may already be posted
            int spins = 0;
            while (true) {
                long idleSince = System.nanoTime();
                int g;
                while ((g = pool.generation) == seen) {
                    if (pool.shutdown) return;
                    long idle = System.nanoTime() - idleSince;
                    if (idle < SPIN_NANOS) {
                        // After a while, now and then let a caller that the OS put on this core run.
                        if (idle > YIELD_AFTER_NANOS && (++spins & (YIELD_AFTER_SPINS - 1)) == 0) Thread.yield();
                        else Thread.onSpinWait();
                    } else {
                        parked = true;
                        // Re-check after announcing: the caller either sees `parked` or we see its bump.
                        if (pool.generation == seen && !pool.shutdown) LockSupport.park(this);
                        parked = false;
                        idleSince = System.nanoTime();   // woken (perhaps by wake()): spin again before parking
                    }
                }
                seen = g;
                if (index >= pool.active) continue;
                pool.inside.incrementAndGet();
                try {
                    if (pool.open) pool.job.work(index);   // else too late: the caller did it all
                } catch (Throwable t) {
                    pool.failure = t;
                } finally {
                    pool.inside.decrementAndGet();
                }
            }
        }
    }
}
