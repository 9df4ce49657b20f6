#!/usr/bin/env bash
# AVX2 measurements in C beside the Java kernels (docs/PERFORMANCE.md, "AMD EPYC (Zen 3)"): the FMA peak of one core
# and an FMA's latency, and the dot engine's 8-lane tile with rows at and off 64-byte boundaries. Needs gcc and an
# AVX2 processor; builds into a temporary directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
grep -qw avx2 /proc/cpuinfo || { echo "bench/avx2/run.sh: this processor has no AVX2" >&2; exit 1; }
grep -m1 'model name' /proc/cpuinfo
for prog in fma-peak dot-tile; do
  gcc -O2 -mavx2 -mfma -o "$out/$prog" "$here/$prog.c"
  "$out/$prog"
done
