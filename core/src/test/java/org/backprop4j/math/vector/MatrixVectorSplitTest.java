package org.backprop4j.math.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A one-sample product learns how many of its tiles the caller computes from who finished last
 * ({@link MatrixVector#observe}), within bounds, per tile count; and every split gives the same bits.
 */
class MatrixVectorSplitTest {

    /** A job cut into {@code shares} shares of {@code n} rows (tiles of 8 rows). */
    private static MatrixVector job(int threads, int n, int shares) {
        MatrixVector job = new MatrixVector(threads);
        int k = 32;
        job.set(n, k, new float[n * k], 0, k, false, new float[k], new float[n]);
        job.share(shares);
        return job;
    }

    private static void observe(MatrixVector job, int outcome, int times) {
        for (int i = 0; i < times; i++) job.observe(outcome);
    }

    @Test
    void theCallerStartsWithTheLargerShareThenMovesOneTileAfterPatienceCalls() {
        MatrixVector job = job(2, 100, 2);                                 // 13 tiles
        assertEquals(8, job.start(1), "the caller's 3 : the worker's 2");
        observe(job, Pool.CALLER_WAITED, MatrixVector.PATIENCE - 1);
        job.share(2);
        assertEquals(8, job.start(1), "not yet: one call short of the patience");
        observe(job, Pool.CALLER_WAITED, 1);
        job.share(2);
        assertEquals(9, job.start(1), "the caller waited for the worker: it takes a tile more");
        observe(job, Pool.WORKERS_DONE, 2 * MatrixVector.PATIENCE);
        job.share(2);
        assertEquals(7, job.start(1), "the worker was done first: the caller gives up two tiles");
    }

    @Test
    void mixedOutcomesAndAbsentWorkersLeaveTheSplitWhereItIs() {
        MatrixVector job = job(2, 100, 2);
        for (int i = 0; i < 10 * MatrixVector.PATIENCE; i++) job.observe(i % 2 == 0 ? Pool.CALLER_WAITED : Pool.WORKERS_DONE);
        observe(job, Pool.WORKER_ABSENT, 10 * MatrixVector.PATIENCE);
        job.share(2);
        assertEquals(8, job.start(1));
    }

    @Test
    void theSplitStaysWithinBoundsAndIsLearnedPerTileCount() {
        MatrixVector job = job(3, 100, 3);                                 // 13 tiles, three shares
        observe(job, Pool.CALLER_WAITED, 100 * MatrixVector.PATIENCE);
        job.share(3);
        assertEquals(11, job.start(1), "each worker keeps a tile");
        assertEquals(12, job.start(2));
        observe(job, Pool.WORKERS_DONE, 100 * MatrixVector.PATIENCE);
        job.share(3);
        assertEquals(1, job.start(1), "the caller keeps a tile");
        assertEquals(7, job.start(2), "the workers split the rest evenly");

        job.set(200, 32, new float[200 * 32], 0, 32, false, new float[32], new float[200]);   // 25 tiles: not learned yet
        job.share(3);
        assertEquals(11, job.start(1), "25 tiles, weights 3 : 2 : 2");
    }

    @Test
    void everySplitGivesTheSameBits() {
        int n = 100, k = 784;
        float[] b = new float[n * k], x = new float[k], want = new float[n];
        for (int i = 0; i < b.length; i++) b[i] = (i % 13) * 0.25f - 1.5f + i * 1e-6f;
        for (int p = 0; p < k; p++) x[p] = p * 0.125f - 7f;
        MatrixVector.rows(0, n, k, b, 0, k, x, want, new float[Tiles.TILE]);
        Pool pool = new Pool(1);
        try {
            MatrixVector job = new MatrixVector(2);
            float[] c = new float[n];
            job.set(n, k, b, 0, k, false, x, c);
            job.share(2);
            observe(job, Pool.WORKERS_DONE, 100 * MatrixVector.PATIENCE);   // from one tile for the caller …
            int seen = 0;
            for (int split = 0; split < 13; split++) {
                job.set(n, k, b, 0, k, false, x, c);
                job.share(2);
                seen |= 1 << job.start(1);
                java.util.Arrays.fill(c, Float.NaN);
                pool.run(job, 2, true);
                assertArrayEquals(want, c, "caller's tiles: " + job.start(1));
                observe(job, Pool.CALLER_WAITED, MatrixVector.PATIENCE);     // … to all but one
            }
            assertEquals((1 << 13) - 2, seen, "every split from 1 to 12 tiles ran");
        } finally {
            pool.shutdown();
        }
        assertTrue(want[0] != 0f);
    }
}
