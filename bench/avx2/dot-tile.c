/* The dot engine's 8-lane 2 x 2 tile (Dots.dot2x2Narrow: 2 rows of A x 2 rows of B, each output's
 * 16 chains in two vectors; 8 loads for 8 FMAs) and a 3 x 2 tile, on rows of k = 784 that stay in
 * L1, from a 64-byte boundary and one float past it (where a Java float[]'s data starts is 16
 * bytes past one). Run by bench/avx2/run.sh; docs/PERFORMANCE.md ("AMD EPYC (Zen 3)") quotes it. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((noinline)) static void tile2x2(int kv, const float *a0, const float *a1, const float *b0, const float *b1, float *out) {
    __m256 l00 = _mm256_setzero_ps(), h00 = l00, l01 = l00, h01 = l00, l10 = l00, h10 = l00, l11 = l00, h11 = l00;
    for (int p = 0; p < kv; p += 16) {
        __m256 x0 = _mm256_loadu_ps(a0 + p), x0h = _mm256_loadu_ps(a0 + p + 8);
        __m256 x1 = _mm256_loadu_ps(a1 + p), x1h = _mm256_loadu_ps(a1 + p + 8);
        __m256 y0 = _mm256_loadu_ps(b0 + p), y0h = _mm256_loadu_ps(b0 + p + 8);
        __m256 y1 = _mm256_loadu_ps(b1 + p), y1h = _mm256_loadu_ps(b1 + p + 8);
        l00 = _mm256_fmadd_ps(x0, y0, l00); h00 = _mm256_fmadd_ps(x0h, y0h, h00);
        l01 = _mm256_fmadd_ps(x0, y1, l01); h01 = _mm256_fmadd_ps(x0h, y1h, h01);
        l10 = _mm256_fmadd_ps(x1, y0, l10); h10 = _mm256_fmadd_ps(x1h, y0h, h10);
        l11 = _mm256_fmadd_ps(x1, y1, l11); h11 = _mm256_fmadd_ps(x1h, y1h, h11);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(l00, h00), _mm256_add_ps(l01, h01)),
                             _mm256_add_ps(_mm256_add_ps(l10, h10), _mm256_add_ps(l11, h11)));
    _mm256_storeu_ps(out, s);
}

__attribute__((noinline)) static void tile3x2(int kv, const float *a0, const float *a1, const float *a2, const float *b0, const float *b1, float *out) {
    __m256 c[12];
    for (int i = 0; i < 12; i++) c[i] = _mm256_setzero_ps();
    for (int p = 0; p < kv; p += 16) {
        for (int h = 0; h < 2; h++) {      /* lo, then hi: 2 vectors of B and one of A live at a time */
            int q = p + 8 * h;
            __m256 y0 = _mm256_loadu_ps(b0 + q), y1 = _mm256_loadu_ps(b1 + q), x;
            x = _mm256_loadu_ps(a0 + q); c[6 * h + 0] = _mm256_fmadd_ps(x, y0, c[6 * h + 0]); c[6 * h + 1] = _mm256_fmadd_ps(x, y1, c[6 * h + 1]);
            x = _mm256_loadu_ps(a1 + q); c[6 * h + 2] = _mm256_fmadd_ps(x, y0, c[6 * h + 2]); c[6 * h + 3] = _mm256_fmadd_ps(x, y1, c[6 * h + 3]);
            x = _mm256_loadu_ps(a2 + q); c[6 * h + 4] = _mm256_fmadd_ps(x, y0, c[6 * h + 4]); c[6 * h + 5] = _mm256_fmadd_ps(x, y1, c[6 * h + 5]);
        }
    }
    __m256 s = c[0];
    for (int i = 1; i < 12; i++) s = _mm256_add_ps(s, c[i]);
    _mm256_storeu_ps(out, s);
}

int main(void) {
    int k = 784, calls = 2000000;
    float *a = aligned_alloc(64, 3 * k * 4 + 64), *b = aligned_alloc(64, 2 * k * 4 + 64), out[8];
    for (int i = 0; i < 3 * k + 16; i++) a[i] = rand() / (float) RAND_MAX - 0.5f;
    for (int i = 0; i < 2 * k + 16; i++) b[i] = rand() / (float) RAND_MAX - 0.5f;
    for (int off = 0; off < 2; off++) {
        const float *A = a + off, *B = b + off;
        double t0 = now();
        for (int i = 0; i < calls; i++) tile2x2(k, A, A + k, B, B + k, out);
        double t2 = now() - t0;
        t0 = now();
        for (int i = 0; i < calls; i++) tile3x2(k, A, A + k, A + 2 * k, B, B + k, out);
        double t3 = now() - t0;
        printf("rows %s: 2x2 tile %.1f GFLOP/s, 3x2 tile %.1f GFLOP/s%s\n", off ? "one float past a 64-byte boundary" : "at 64-byte boundaries",
               2.0 * 4 * k * calls / t2 / 1e9, 2.0 * 6 * k * calls / t3 / 1e9, out[0] == 42 ? "!" : "");
    }
    return 0;
}
