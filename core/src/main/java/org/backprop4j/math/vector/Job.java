package org.backprop4j.math.vector;

/** Work shared by threads 0 … n−1 of a {@link Pool}; thread 0 is the caller. */
interface Job {
    /** Does thread t's share of the work, then helps with whatever is left of the others'. */
    void work(int t);
}
