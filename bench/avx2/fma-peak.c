/* The float32 FMA peak of one core with AVX2, and one FMA's latency: 12 independent chains of
 * acc = fma(acc, x, y) on 8-lane vectors, then one dependent chain. Timed by the thread's CPU time.
 * Run by bench/avx2/run.sh; docs/PERFORMANCE.md ("AMD EPYC (Zen 3)") quotes it. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    /* Twelve named accumulators: an array indexed in a loop was kept in memory (16.6 GFLOP/s). */
    __m256 a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
    long n = 200000000;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        a0 = _mm256_fmadd_ps(a0, x, y); a1 = _mm256_fmadd_ps(a1, x, y); a2 = _mm256_fmadd_ps(a2, x, y);
        a3 = _mm256_fmadd_ps(a3, x, y); a4 = _mm256_fmadd_ps(a4, x, y); a5 = _mm256_fmadd_ps(a5, x, y);
        a6 = _mm256_fmadd_ps(a6, x, y); a7 = _mm256_fmadd_ps(a7, x, y); a8 = _mm256_fmadd_ps(a8, x, y);
        a9 = _mm256_fmadd_ps(a9, x, y); a10 = _mm256_fmadd_ps(a10, x, y); a11 = _mm256_fmadd_ps(a11, x, y);
        /* keeps each chain in a register and every FMA in the loop */
        __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5),
                              "+x"(a6), "+x"(a7), "+x"(a8), "+x"(a9), "+x"(a10), "+x"(a11));
    }
    double dt = now() - t0;
    float s[8];
    __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)), _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    sum = _mm256_add_ps(sum, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
    _mm256_storeu_ps(s, sum);
    printf("12 chains: %.1f GFLOP/s per core (%.2f FMA per ns)%s\n", n * 12.0 * 16 / dt / 1e9, n * 12.0 / dt / 1e9, s[0] == 42 ? "!" : "");
    __m256 b = x;
    long m = n / 4;
    t0 = now();
    for (long i = 0; i < m; i++) {
        b = _mm256_fmadd_ps(b, x, y);
        __asm__ volatile("" : "+x"(b));
    }
    dt = now() - t0;
    _mm256_storeu_ps(s, b);
    printf("1 chain: %.3f ns per FMA (its latency)%s\n", dt / m * 1e9, s[0] == 42 ? "!" : "");
    return 0;
}
