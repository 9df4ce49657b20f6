#!/usr/bin/env bash
# AVX2 measurements in C beside the Java kernels (docs/PERFORMANCE.md, "AMD EPYC (Zen 3)"): the FMA peak of one core
# and an FMA's latency, the dot engine's 8-lane tile with rows at and off 64-byte boundaries, and the main engine's
# 6 x 2 micro-kernel on packed operands (panel from L2 with k = 1024, in L1 with k = 128), round by round. Needs gcc and an
# AVX2 processor; builds into a temporary directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
grep -qw avx2 /proc/cpuinfo || { echo "bench/avx2/run.sh: this processor has no AVX2" >&2; exit 1; }
grep -m1 'model name' /proc/cpuinfo
for prog in fma-peak dot-tile panel-tile; do
  gcc -O2 -mavx2 -mfma -o "$out/$prog" "$here/$prog.c"
done
"$out/fma-peak"
"$out/dot-tile"
"$out/panel-tile" 1024 43 12
"$out/panel-tile" 128 344 12
