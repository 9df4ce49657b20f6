package org.backprop4j.math.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The pool's promise: {@code work(t)} runs once for every t of a job, on worker t or — when that
 * worker has not joined by the time the caller is done with its own part (parked, not yet run by
 * the OS) — on the caller; so a job with fixed parts ({@link Tiles#fixedShares}) never loses one.
 */
class PoolTest {

    @Test
    void everyPartRunsOnceWhetherTheWorkersJoinOrNot() throws InterruptedException {
        Pool pool = new Pool(2);
        try {
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            Job parts = runs::incrementAndGet;
            for (int job = 0; job < 200; job++) {
                for (int t = 0; t < 3; t++) runs.set(t, 0);
                boolean wake = job % 3 != 0;
                pool.run(parts, 3, wake);
                for (int t = 0; t < 3; t++) assertEquals(1, runs.get(t), "job " + job + ", part " + t + ", wake " + wake);
                if (job % 50 == 49) Thread.sleep(5);              // long enough for the workers to park
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void fixedSharesComputeEveryTileOnceWithParkedWorkers() throws InterruptedException {
        Pool pool = new Pool(1);
        try {
            int n = 37, k = 48;
            float[] b = new float[n * k], x = new float[k], want = new float[n];
            for (int i = 0; i < b.length; i++) b[i] = (i % 13) * 0.25f - 1.5f;
            for (int p = 0; p < k; p++) x[p] = p * 0.125f;
            MatrixVector.rows(0, n, k, b, 0, k, x, want, new float[Tiles.TILE]);
            MatrixVector job = new MatrixVector(2);
            for (int call = 0; call < 20; call++) {
                float[] c = new float[n];
                job.set(n, k, b, 0, k, false, x, c);
                job.share(2);
                pool.run(job, 2, call % 2 == 0);                 // not woken: the caller computes the worker's share
                assertArrayEquals(want, c, "call " + call);
                if (call % 5 == 4) Thread.sleep(5);
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * What run reports, which the one-sample product balances its split by: CALLER_WAITED when a worker is
     * still inside its part as the caller finishes, WORKERS_DONE when it left before, WORKER_ABSENT exactly
     * when a worker's part ran on the caller.
     */
    @Test
    void runReportsWhoFinishedLast() throws InterruptedException {
        Pool pool = new Pool(1);
        try {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            Job workerSlow = t -> {
                if (t == 1) {
                    started.countDown();
                    sleep(30);
                } else {
                    await(started);                                 // the worker is inside its part
                }
            };
            assertEquals(Pool.CALLER_WAITED, pool.run(workerSlow, 2, true));

            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
            Job callerSlow = t -> {
                if (t == 1) {
                    finished.countDown();
                } else {
                    await(finished);
                    sleep(30);                                      // long enough for the worker to leave the job
                }
            };
            assertEquals(Pool.WORKERS_DONE, pool.run(callerSlow, 2, true));

            Thread caller = Thread.currentThread();
            boolean absentSeen = false;
            for (int attempt = 0; attempt < 5; attempt++) {
                Thread.sleep(20);                                   // the worker parks after 0.1 ms idle
                Thread[] ranOn = new Thread[1];
                int outcome = pool.run(t -> {
                    if (t == 1) ranOn[0] = Thread.currentThread();
                }, 2, false);                                       // not woken: its part runs on the caller
                assertEquals(ranOn[0] == caller, outcome == Pool.WORKER_ABSENT, "attempt " + attempt + ": outcome " + outcome);
                absentSeen |= outcome == Pool.WORKER_ABSENT;
            }
            assertTrue(absentSeen, "a parked worker, not woken, never joined");
        } finally {
            pool.shutdown();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            if (!latch.await(10, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("the other part never ran");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFailureInAPartIsReportedOnce() {
        Pool pool = new Pool(1);
        try {
            Job failing = t -> {
                if (t == 1) throw new IllegalStateException("part 1");
            };
            for (int job = 0; job < 10; job++) {
                assertThrows(IllegalStateException.class, () -> pool.run(failing, 2, true));
            }
            pool.run(t -> { }, 2, true);                            // the next job does not see the old failure
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Shared tiles: an owner that stalls in its share (here: sleeps in the first tile it computes) loses the rest of it
     * to the other thread, which waits only a short patience before taking it (Tiles#help); every tile is
     * computed exactly once either way.
     */
    @Test
    void aStalledShareIsTakenOverAndEveryTileRunsOnce() {
        Pool pool = new Pool(1);
        try {
            int count = 200;
            AtomicIntegerArray by = new AtomicIntegerArray(count);      // 1 + the thread that computed tile i
            java.util.concurrent.atomic.AtomicInteger twice = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean();
            Tiles job = tiles(2, false, (t, i) -> {
                if (by.getAndSet(i, t + 1) != 0) twice.incrementAndGet();
                if (t == 1 && stalled.compareAndSet(false, true)) sleep(200);   // thread 1's first tile, whichever it is: its owner stalls
            });
            for (int run = 0; run < 5; run++) {
                for (int i = 0; i < count; i++) by.set(i, 0);
                stalled.set(false);
                job.tiles(count, 1L << 17);                             // chunks of 4 tiles
                job.share(2);
                pool.run(job, 2, true);
                assertEquals(0, twice.get(), "a tile computed twice");
                int taken = 0;
                for (int i = 0; i < count; i++) {
                    assertTrue(by.get(i) != 0, "tile " + i + " never computed");
                    if (i >= job.start(1) && by.get(i) == 1) taken++;
                }
                int share1 = count - job.start(1);
                assertTrue(taken >= share1 - 4, "run " + run + ": the caller took " + taken + " of the stalled share's " + share1 + " tiles");
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Helping at once ({@link Tiles#stealsAtOnce}): an owner that is slow but on its way (every tile takes a
     * millisecond) keeps the front of its share, and the caller, done with its own, takes chunks from the back
     * until they meet — so the owner's tiles are a prefix of its share and the caller's the rest, each computed
     * once.
     */
    @Test
    void aHelperTakesTheBackOfASlowShareAndTheOwnerKeepsItsFront() {
        Pool pool = new Pool(1);
        try {
            int count = 200;
            AtomicIntegerArray by = new AtomicIntegerArray(count);      // 1 + the thread that computed tile i
            java.util.concurrent.atomic.AtomicInteger twice = new java.util.concurrent.atomic.AtomicInteger();
            Tiles job = tiles(2, true, (t, i) -> {
                if (by.getAndSet(i, t + 1) != 0) twice.incrementAndGet();
                if (t == 1) sleep(1);                                   // the owner of share 1 is slow
            });
            for (int run = 0; run < 5; run++) {
                for (int i = 0; i < count; i++) by.set(i, 0);
                job.tiles(count, 1L << 17);                             // chunks of 4 tiles
                job.share(2);
                pool.run(job, 2, true);
                assertEquals(0, twice.get(), "a tile computed twice");
                int start = job.start(1), meet = count;
                for (int i = 0; i < start; i++) assertEquals(1, by.get(i), "tile " + i + " of the caller's own share");
                for (int i = start; i < count; i++) {
                    assertTrue(by.get(i) != 0, "tile " + i + " never computed");
                    if (by.get(i) == 1 && meet == count) meet = i;      // the first tile the caller took
                    if (i > meet) assertEquals(1, by.get(i), "run " + run + ": the owner computed tile " + i + " behind the caller's first, " + meet);
                }
                assertTrue(meet < count, "run " + run + ": the caller took nothing of the slow share");
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Helping at once with more threads than cores: three helpers race for the backs of the shares while their
     * owners claim the fronts (compare-and-set of both ends); whatever the interleaving, every tile is computed
     * exactly once.
     */
    @Test
    void manyHelpersRacingForTheSameSharesComputeEveryTileOnce() {
        Pool pool = new Pool(3);
        try {
            int count = 997;                                             // shares of unequal length
            AtomicIntegerArray runs = new AtomicIntegerArray(count);
            Tiles job = tiles(4, true, (t, i) -> {
                runs.incrementAndGet(i);
                if ((i * 31 + t) % 7 == 0) Thread.onSpinWait();          // uneven tiles, so the threads meet at varying places
            });
            for (int run = 0; run < 300; run++) {
                for (int i = 0; i < count; i++) runs.set(i, 0);
                job.tiles(count, 1L << 17 + run % 3);                   // chunks of 4, 2 and 1 tiles
                job.share(4);
                pool.run(job, 4, true);
                for (int i = 0; i < count; i++) assertEquals(1, runs.get(i), "run " + run + ": tile " + i);
            }
        } finally {
            pool.shutdown();
        }
    }

    /** What a test job does for tile i on thread t. */
    private interface TileBody {
        void run(int t, int i);
    }

    /** A job of tiles on {@code threads} threads that runs {@code body} for each tile, helping at once if {@code atOnce}. */
    private static Tiles tiles(int threads, boolean atOnce, TileBody body) {
        return new Tiles(threads) {
            @Override
            boolean stealsAtOnce() {
                return atOnce;
            }

            @Override
            void tile(int t, int i) {
                body.run(t, i);
            }

            @Override
            void release() {
            }
        };
    }
}
