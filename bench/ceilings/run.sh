#!/usr/bin/env bash
# What this machine allows, measured without Java: are the two vCPUs two cores (cores.c), how far apart they are
# (distance.c: a cache line's round trip, which the host changes as it moves the vCPUs), how fast one core
# streams W1's first layer from L2 (stream.c), what splitting a one-sample product over two cores can gain
# (split.c), and whether the order of a loop's loads matters to the prefetcher (order.c).
# docs/PERFORMANCE.md quotes these as the ceilings of issue 10's one-sample target. Needs gcc and an AVX-512
# processor (Debian: apt-get install gcc). About a minute.
set -euo pipefail
cd "$(dirname "$0")"
out=${TMPDIR:-/tmp}/backprop4j-ceilings
mkdir -p "$out"
lscpu | grep -E '^(Model name|CPU family|Model):'
for probe in cores distance stream split order; do
  gcc -O3 -mavx512f -mfma -pthread "$probe.c" -o "$out/$probe"
done
"$out/cores"
"$out/distance"
"$out/stream"
"$out/split"
"$out/order"
