// Does the order of a loop's loads matter when each iteration reads eight consecutive cache lines? W1's first layer
// as a predictor keeps it (96 of its rows, interleaved: one stream, 512 bytes an iteration), summed by eight FMA chains,
// the loads of each iteration issued in three orders: ascending; the first line, then the other seven descending (the
// order JDK 25's C2 issued MatrixVector's eight-row block in); and 0,5,1,2,3,6,7,4 (JDK 17's). Medians of 20,000 passes
// each, interleaved. Build and run: bench/ceilings/run.sh
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *) a, y = *(const double *) b; return x < y ? -1 : x > y; }
static volatile float sink;

#define FMA(o) a[o] = _mm512_fmadd_ps(_mm512_load_ps(b + i + 16 * (o)), x, a[o])
#define SUM(a) sink = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a[0], a[1]), _mm512_add_ps(a[2], a[3])), \
                                                         _mm512_add_ps(_mm512_add_ps(a[4], a[5]), _mm512_add_ps(a[6], a[7]))))

__attribute__((noinline)) static void ascending(const float *b, size_t n) {
    __m512 x = _mm512_set1_ps(0.5f), a[8];
    for (int o = 0; o < 8; o++) a[o] = _mm512_setzero_ps();
    for (size_t i = 0; i < n; i += 128) { FMA(0); FMA(1); FMA(2); FMA(3); FMA(4); FMA(5); FMA(6); FMA(7); }
    SUM(a);
}

__attribute__((noinline)) static void firstThenDescending(const float *b, size_t n) {
    __m512 x = _mm512_set1_ps(0.5f), a[8];
    for (int o = 0; o < 8; o++) a[o] = _mm512_setzero_ps();
    for (size_t i = 0; i < n; i += 128) { FMA(0); FMA(7); FMA(6); FMA(5); FMA(4); FMA(3); FMA(2); FMA(1); }
    SUM(a);
}

__attribute__((noinline)) static void jdk17(const float *b, size_t n) {
    __m512 x = _mm512_set1_ps(0.5f), a[8];
    for (int o = 0; o < 8; o++) a[o] = _mm512_setzero_ps();
    for (size_t i = 0; i < n; i += 128) { FMA(0); FMA(5); FMA(1); FMA(2); FMA(3); FMA(6); FMA(7); FMA(4); }
    SUM(a);
}

int main(void) {
    size_t n = 96 * 784, passes = 20000;
    float *b = aligned_alloc(64, n * 4);
    for (size_t i = 0; i < n; i++) b[i] = 1e-6f * (i % 13);
    double *t[3];
    for (int m = 0; m < 3; m++) t[m] = malloc(passes * sizeof(double));
    for (size_t r = 0; r < passes; r++) {
        for (int m = 0; m < 3; m++) {
            double t0 = now();
            if (m == 0) ascending(b, n); else if (m == 1) firstThenDescending(b, n); else jdk17(b, n);
            t[m][r] = now() - t0;
        }
    }
    const char *name[3] = {"ascending 0..7", "0, then 7..1 descending", "0,5,1,2,3,6,7,4"};
    for (int m = 0; m < 3; m++) {
        qsort(t[m], passes, sizeof(double), cmp);
        printf("loads %-24s median %.3f us, p10 %.3f\n", name[m], t[m][passes / 2] / 1e3, t[m][passes / 10] / 1e3);
    }
    return 0;
}
