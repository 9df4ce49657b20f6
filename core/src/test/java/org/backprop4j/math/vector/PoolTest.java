package org.backprop4j.math.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
                job.set(n, k, b, 0, k, x, c);
                job.share(2);
                pool.run(job, 2, call % 2 == 0);                 // not woken: the caller computes the worker's share
                assertArrayEquals(want, c, "call " + call);
                if (call % 5 == 4) Thread.sleep(5);
            }
        } finally {
            pool.shutdown();
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
}
