// Are a machine's two vCPUs two cores? Runs the same loop on one thread, then on two at once (pinned to
// CPUs 0 and 1): an FMA-throughput loop (12 independent 512-bit FMA chains, registers only) and an L2
// stream (each thread sums its own buffer of KB kilobytes, 8 accumulators). Two SMT siblings of one core
// would halve each other's rates; two cores keep them. Build and run: bench/ceilings/run.sh
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

typedef struct { int cpu; size_t floats; long reps; int fma; double secs; float sink; } job_t;
static pthread_barrier_t start;

static void *run(void *p) {
    job_t *j = p;
    cpu_set_t set; CPU_ZERO(&set); CPU_SET(j->cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    float *b = aligned_alloc(64, j->floats * 4 + 64);
    for (size_t i = 0; i < j->floats; i++) b[i] = 1e-7f * (i % 97);
    __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(1e-9f);
    // twelve different starting values: equal chains would be one chain to the compiler
    __m512 a0 = _mm512_set1_ps(0.01f), a1 = _mm512_set1_ps(0.02f), a2 = _mm512_set1_ps(0.03f), a3 = _mm512_set1_ps(0.04f);
    __m512 a4 = _mm512_set1_ps(0.05f), a5 = _mm512_set1_ps(0.06f), a6 = _mm512_set1_ps(0.07f), a7 = _mm512_set1_ps(0.08f);
    __m512 a8 = _mm512_set1_ps(0.09f), a9 = _mm512_set1_ps(0.10f), a10 = _mm512_set1_ps(0.11f), a11 = _mm512_set1_ps(0.12f);
    pthread_barrier_wait(&start);
    double t0 = now();
    for (long r = 0; r < j->reps; r++) {
        if (j->fma) {
            a0 = _mm512_fmadd_ps(a0, x, y); a1 = _mm512_fmadd_ps(a1, x, y); a2 = _mm512_fmadd_ps(a2, x, y);
            a3 = _mm512_fmadd_ps(a3, x, y); a4 = _mm512_fmadd_ps(a4, x, y); a5 = _mm512_fmadd_ps(a5, x, y);
            a6 = _mm512_fmadd_ps(a6, x, y); a7 = _mm512_fmadd_ps(a7, x, y); a8 = _mm512_fmadd_ps(a8, x, y);
            a9 = _mm512_fmadd_ps(a9, x, y); a10 = _mm512_fmadd_ps(a10, x, y); a11 = _mm512_fmadd_ps(a11, x, y);
        } else {
            for (size_t i = 0; i + 128 <= j->floats; i += 128) {
                a0 = _mm512_add_ps(a0, _mm512_load_ps(b + i)); a1 = _mm512_add_ps(a1, _mm512_load_ps(b + i + 16));
                a2 = _mm512_add_ps(a2, _mm512_load_ps(b + i + 32)); a3 = _mm512_add_ps(a3, _mm512_load_ps(b + i + 48));
                a4 = _mm512_add_ps(a4, _mm512_load_ps(b + i + 64)); a5 = _mm512_add_ps(a5, _mm512_load_ps(b + i + 80));
                a6 = _mm512_add_ps(a6, _mm512_load_ps(b + i + 96)); a7 = _mm512_add_ps(a7, _mm512_load_ps(b + i + 112));
            }
        }
    }
    j->secs = now() - t0;
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)), _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
    j->sink = _mm512_reduce_add_ps(_mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11))));
    return NULL;
}

static void trial(int threads, int fma, size_t kb, long reps) {
    pthread_t t[2]; job_t j[2];
    pthread_barrier_init(&start, NULL, threads);
    for (int i = 0; i < threads; i++) { j[i] = (job_t) {i, kb * 256, reps, fma, 0, 0}; pthread_create(&t[i], NULL, run, &j[i]); }
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    printf("%-30s %d thread(s):", fma ? "FMA throughput" : "L2 stream", threads);
    for (int i = 0; i < threads; i++) {
        if (fma) printf("  cpu %d %.1f GFLOP/s", i, 12.0 * 32 * reps / j[i].secs / 1e9);
        else printf("  cpu %d %.1f GB/s", i, kb * 1024.0 * reps / j[i].secs / 1e9);
    }
    printf("\n");
}

int main(int argc, char **argv) {
    size_t kb = argc > 1 ? atol(argv[1]) : 150;
    for (int round = 0; round < 3; round++) {
        trial(1, 1, 0, 200000000); trial(2, 1, 0, 200000000);
        trial(1, 0, kb, 40000); trial(2, 0, kb, 40000);
    }
    return 0;
}
