// One core's L2 stream: how fast can one thread read W1's first layer (100 x 784 floats, 313 KB, in L2)
// once? That is the floor of a one-sample product on one core (MatrixVector): it must read every weight.
// Sums the buffer by 8 accumulators with 512-bit loads (adds, and FMAs as the product does), rounds of
// back-to-back passes; prints the median and the best pass. Build and run: bench/ceilings/run.sh
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *) a, y = *(const double *) b; return x < y ? -1 : x > y; }
static volatile float sink;

static void pass(const float *b, size_t n, int fma) {
    __m512 x = _mm512_set1_ps(0.5f), a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (size_t i = 0; i + 128 <= n; i += 128) {
        if (fma) {
            a0 = _mm512_fmadd_ps(_mm512_load_ps(b + i), x, a0); a1 = _mm512_fmadd_ps(_mm512_load_ps(b + i + 16), x, a1);
            a2 = _mm512_fmadd_ps(_mm512_load_ps(b + i + 32), x, a2); a3 = _mm512_fmadd_ps(_mm512_load_ps(b + i + 48), x, a3);
            a4 = _mm512_fmadd_ps(_mm512_load_ps(b + i + 64), x, a4); a5 = _mm512_fmadd_ps(_mm512_load_ps(b + i + 80), x, a5);
            a6 = _mm512_fmadd_ps(_mm512_load_ps(b + i + 96), x, a6); a7 = _mm512_fmadd_ps(_mm512_load_ps(b + i + 112), x, a7);
        } else {
            a0 = _mm512_add_ps(a0, _mm512_load_ps(b + i)); a1 = _mm512_add_ps(a1, _mm512_load_ps(b + i + 16));
            a2 = _mm512_add_ps(a2, _mm512_load_ps(b + i + 32)); a3 = _mm512_add_ps(a3, _mm512_load_ps(b + i + 48));
            a4 = _mm512_add_ps(a4, _mm512_load_ps(b + i + 64)); a5 = _mm512_add_ps(a5, _mm512_load_ps(b + i + 80));
            a6 = _mm512_add_ps(a6, _mm512_load_ps(b + i + 96)); a7 = _mm512_add_ps(a7, _mm512_load_ps(b + i + 112));
        }
    }
    sink = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)), _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7))));
}

int main(int argc, char **argv) {
    size_t n = (argc > 1 ? atol(argv[1]) : 100 * 784) / 128 * 128, passes = 20000;
    float *b = aligned_alloc(64, n * 4);
    for (size_t i = 0; i < n; i++) b[i] = 1e-6f * (i % 13);
    double *t[2] = {malloc(passes * sizeof(double)), malloc(passes * sizeof(double))};
    for (size_t r = 0; r < passes; r++) {
        for (int m = 0; m < 2; m++) { double t0 = now(); pass(b, n, m); t[m][r] = now() - t0; }
    }
    for (int m = 0; m < 2; m++) {
        qsort(t[m], passes, sizeof(double), cmp);
        printf("one pass over %zu floats (%.0f KB), %s: median %.3f us, best %.3f us (%.0f GB/s)\n", n, n * 4 / 1024.0,
               m ? "8 FMA chains" : "8 add chains", t[m][passes / 2] / 1e3, t[m][0] / 1e3, n * 4 / t[m][0]);
    }
    return 0;
}
