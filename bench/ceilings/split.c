// A one-sample product c = W x (W1's first layer, 100 x 784) split over two cores, as MatrixVector splits it:
// the caller (CPU 0) computes rows 0 .. SPLIT-1 while a worker spinning on CPU 1 computes the rest, then the
// caller waits for it. The ideal handoff (one cache line each way), no Java. Run with x left as it is
// (already in both cores' caches) and with x rewritten by the caller before each product, as a prediction
// does (its input, or the previous layer's output): then the worker must fetch x's 49 lines from the
// caller's core. Prints the median product on one thread and on two for a few splits.
// Build and run: bench/ceilings/run.sh
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define K 784
#define N 100
#define CALLS 20000
static float *w, *x, c[N];
static _Alignas(64) _Atomic int go;
static _Alignas(64) _Atomic int done;
static int split;
static volatile float sink;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double p = *(const double *) a, q = *(const double *) b; return p < q ? -1 : p > q; }
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); pthread_setaffinity_np(pthread_self(), sizeof s, &s); }

static void rows(int j0, int j1) {            // four rows at a time, each a 16-lane chain, as the Java kernel
    for (int j = j0; j + 4 <= j1; j += 4) {
        __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
        for (int p = 0; p < K; p += 16) {
            __m512 xv = _mm512_load_ps(x + p);
            s0 = _mm512_fmadd_ps(_mm512_load_ps(w + j * K + p), xv, s0);
            s1 = _mm512_fmadd_ps(_mm512_load_ps(w + (j + 1) * K + p), xv, s1);
            s2 = _mm512_fmadd_ps(_mm512_load_ps(w + (j + 2) * K + p), xv, s2);
            s3 = _mm512_fmadd_ps(_mm512_load_ps(w + (j + 3) * K + p), xv, s3);
        }
        c[j] = _mm512_reduce_add_ps(s0); c[j + 1] = _mm512_reduce_add_ps(s1);
        c[j + 2] = _mm512_reduce_add_ps(s2); c[j + 3] = _mm512_reduce_add_ps(s3);
    }
}

static void *worker(void *unused) {
    pin(1);
    for (int seen = 0;;) {
        int g;
        while ((g = atomic_load_explicit(&go, memory_order_acquire)) == seen) _mm_pause();
        if (g < 0) return NULL;
        seen = g;
        rows(split, N);
        atomic_store_explicit(&done, g, memory_order_release);
    }
}

static double median(int threads, int rewrite) {
    static double t[CALLS];
    static int g;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < CALLS; i++) {
            if (rewrite) for (int p = 0; p < K; p++) x[p] = (float) ((i + p) & 7);
            double t0 = now();
            if (threads == 1) rows(0, N);
            else {
                atomic_store_explicit(&go, ++g, memory_order_release);
                rows(0, split);
                while (atomic_load_explicit(&done, memory_order_acquire) != g) _mm_pause();
            }
            t[i] = now() - t0;
            sink += c[i % N];
        }
    }
    qsort(t, CALLS, sizeof(double), cmp);
    return t[CALLS / 2] / 1e3;
}

int main(void) {
    pin(0);
    w = aligned_alloc(64, N * K * 4);
    x = aligned_alloc(64, K * 4);
    for (int i = 0; i < N * K; i++) w[i] = 1e-3f * (i % 91);
    for (int p = 0; p < K; p++) x[p] = 1;
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    for (int rewrite = 0; rewrite < 2; rewrite++) {
        printf("x %s: one thread %.3f us;", rewrite ? "rewritten before each product" : "unchanged", median(1, rewrite));
        for (split = 48; split <= 64; split += 4) printf("  caller %d rows %.3f", split, median(2, rewrite));
        printf("\n");
    }
    atomic_store(&go, -1);
    pthread_join(t, NULL);
    return 0;
}
