// How far apart are the two vCPUs? Two threads pinned to CPUs 0 and 1 pass a counter through one cache line,
// each spinning until the other's write arrives: the time per round trip, in rounds of 200,000, the median of
// five. The Java twin is org.backprop4j.math.vector.CoreDistance (nn bench's "cores" line, unpinned); this one
// checks it without a JVM. Cores sharing an L3 answer in well under 100 ns; cores on two chiplets or sockets in
// hundreds (docs/PERFORMANCE.md, "Session 31"). Build and run: bench/ceilings/run.sh
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { TRIPS = 200000, ROUNDS = 5 };
static _Alignas(64) atomic_long line;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static void pin(int cpu) {
    cpu_set_t set; CPU_ZERO(&set); CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *partner(void *unused) {
    (void) unused;
    pin(1);
    for (long i = 0; i < (long) TRIPS * (ROUNDS + 1); i++) {
        while (atomic_load_explicit(&line, memory_order_acquire) != 2 * i + 1) { }
        atomic_store_explicit(&line, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, partner, NULL);
    pin(0);
    double ns[ROUNDS];
    long i = 0;
    for (int r = -1; r < ROUNDS; r++) {                 // round -1: both threads settling, not timed
        double t0 = now();
        for (int j = 0; j < TRIPS; j++, i++) {
            atomic_store_explicit(&line, 2 * i + 1, memory_order_release);
            while (atomic_load_explicit(&line, memory_order_acquire) != 2 * i + 2) { }
        }
        if (r >= 0) ns[r] = (now() - t0) * 1e9 / TRIPS;
    }
    pthread_join(t, NULL);
    qsort(ns, ROUNDS, sizeof ns[0], by_value);
    printf("distance: a cache line's round trip between CPUs 0 and 1: %.0f ns (median of %d rounds; %.0f to %.0f)\n",
           ns[ROUNDS / 2], ROUNDS, ns[0], ns[ROUNDS - 1]);
    return 0;
}
