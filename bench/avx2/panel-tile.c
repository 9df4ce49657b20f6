/* The main engine's 6 x 2 micro-kernel (MicroKernels.kernel6x2: 6 rows of X broadcast x 2 vectors of a
 * packed panel, 12 accumulators) in C, on the same packed operands: BLOCKS row blocks of 6 x k floats
 * against 4 panels of k x 16 floats, panel after panel, as bench class math.vector.PanelKernel runs the
 * Java kernel. Prints GFLOP/s (wall clock) for each round of about 0.1 s, so that rounds on a shared host
 * can be read one by one. Run by bench/avx2/run.sh; docs/PERFORMANCE.md ("Session 16") quotes it. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((noinline)) static void tile(int k, const float *x, const float *y, float *c) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (int p = 0; p < k; p++, x += 6, y += 16) {
        __m256 y0 = _mm256_load_ps(y), y1 = _mm256_load_ps(y + 8), a;
        a = _mm256_broadcast_ss(x);     c00 = _mm256_fmadd_ps(a, y0, c00); c01 = _mm256_fmadd_ps(a, y1, c01);
        a = _mm256_broadcast_ss(x + 1); c10 = _mm256_fmadd_ps(a, y0, c10); c11 = _mm256_fmadd_ps(a, y1, c11);
        a = _mm256_broadcast_ss(x + 2); c20 = _mm256_fmadd_ps(a, y0, c20); c21 = _mm256_fmadd_ps(a, y1, c21);
        a = _mm256_broadcast_ss(x + 3); c30 = _mm256_fmadd_ps(a, y0, c30); c31 = _mm256_fmadd_ps(a, y1, c31);
        a = _mm256_broadcast_ss(x + 4); c40 = _mm256_fmadd_ps(a, y0, c40); c41 = _mm256_fmadd_ps(a, y1, c41);
        a = _mm256_broadcast_ss(x + 5); c50 = _mm256_fmadd_ps(a, y0, c50); c51 = _mm256_fmadd_ps(a, y1, c51);
    }
    __m256 r[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    for (int i = 0; i < 12; i++) _mm256_store_ps(c + 8 * i, r[i]);
}

int main(int argc, char **argv) {
    int k = argc > 1 ? atoi(argv[1]) : 1024, blocks = argc > 2 ? atoi(argv[2]) : 43, rounds = argc > 3 ? atoi(argv[3]) : 12;
    float *x = aligned_alloc(64, sizeof(float) * 6 * (size_t) k * blocks);
    float *y = aligned_alloc(64, sizeof(float) * 64 * (size_t) k);
    float *c = aligned_alloc(64, sizeof(float) * 96 * (size_t) blocks);
    for (long i = 0; i < 6L * k * blocks; i++) x[i] = rand() / (float) RAND_MAX;
    for (long i = 0; i < 64L * k; i++) y[i] = rand() / (float) RAND_MAX;
    long fmas = 4L * blocks * 96 * k;
    int passes = (int) (8e9 / fmas) > 0 ? (int) (8e9 / fmas) : 1;
    printf("6x2 tile in C, k=%d blocks=%d panels=4, GFLOP/s by round:", k, blocks);
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        for (int n = 0; n < passes; n++)
            for (int q = 0; q < 4; q++)
                for (int b = 0; b < blocks; b++) tile(k, x + 6L * k * b, y + 16L * k * q, c + 96 * b);
        printf(" %.0f", 2.0 * fmas * passes / (now() - t0) / 1e9);
        fflush(stdout);
    }
    printf("  (checksum %.3f)\n", c[5]);
    return 0;
}
