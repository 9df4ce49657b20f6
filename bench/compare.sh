#!/usr/bin/env bash
# One run that measures Backprop4j and its peers (numpy, PyTorch, scikit-learn, OpenBLAS sgemm) on the
# same workloads, then prints the ratios and writes docs/performance/<processor>/{results.json,
# throughput.png,summary.txt}: one folder per processor, named from vendor, family and model.
#   bench/compare.sh            # full run, about 10 minutes on 2 cores (2026-12-03)
#   bench/compare.sh --quick    # smoke test with fewer samples
# The peers run with OPENBLAS_CORETYPE set to this processor's family (SkylakeX on Intel with
# AVX-512, Haswell on other Intel, SkylakeX on AMD with AVX-512, Zen on other AMD): Debian's OpenBLAS
# 0.3.21 does not know every processor and may fall back to slow generic kernels. On AMD's Zen 5
# (family 26) OPENBLAS_CORETYPE=Zen runs AVX2 kernels, 104-105 GFLOP/s on one thread, where SkylakeX's
# AVX-512 kernels make 170-206 (docs/PERFORMANCE.md, "AMD EPYC (Zen 5), family 26 model 2"). On W2 (training and sgemm) they also run with
# transparent huge pages (peers.py --hugepages W2: GLIBC_TUNABLES=glibc.malloc.hugetlb=1, so that
# malloc asks for them as our launcher asks the JVM to; with the kernel's THP mode "madvise" numpy gets
# them only for its arrays of 4 MB and more, Debian's PyTorch not at all): measured 13-58 % faster
# there, no faster on W1 (docs/PERFORMANCE.md, "Huge pages for the peers"). A second, short run of
# PyTorch and sgemm on W2 with neither gives the figure a user of Debian's packages gets.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUICK="${1:-}"

. "$ROOT/bench/processor.sh"              # NAME, VENDOR, FAMILY, MODEL, SLUG, CORETYPE
OUT="$ROOT/docs/performance/$SLUG"
mkdir -p "$OUT"
echo "compare: $NAME ($VENDOR, family $FAMILY, model $MODEL) -> $OUT; peers with OPENBLAS_CORETYPE=${CORETYPE:-(none)}, huge pages on W2" >&2
{ echo "processor: $NAME ($VENDOR, family $FAMILY, model $MODEL)"; lscpu 2>/dev/null | grep -E 'Model name|^CPU\(s\)|L1d|L2|L3|Hypervisor'
  echo "transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null); $(ldd --version 2>/dev/null | head -1)"
  echo "load at start: $(cat /proc/loadavg)"; echo "started: $(date -u +%FT%TZ)"; } >"$OUT/machine.txt"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

"$ROOT/bench/peers/install-peers.sh"
if ! /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  apt-get install -y python3-matplotlib >/dev/null
fi
(cd "$ROOT" && ./mvnw -B -q -DskipTests -pl cli -am package)

# nn bench's own number of measured epochs (10 for W1, whose epochs last a quarter of a second, 3 for W2).
SAMPLES=60000; EPOCH_ARGS=(); PEER_ARGS=(--repeats 3)
if [ "$QUICK" = "--quick" ]; then SAMPLES=8192; EPOCH_ARGS=(--epochs 2); PEER_ARGS=(--quick); fi

# Ours: three rounds (JVM runs), one before the peers and two after, so that a few minutes of
# noise from the machine's neighbours (it is shared: two-thread runs suffer most) hit one round,
# not the figure; compare.py takes each configuration's median round and keeps all of them.
ours_round() {
  for w in W1 W2; do
    for t in 1 2; do
      echo "backprop4j: $w, $t thread(s), round $1" >&2
      "$ROOT/nn" bench --workload "$w" --threads "$t" "${EPOCH_ARGS[@]}" --samples "$SAMPLES" --json >>"$TMP/ours.jsonl"
    done
  done
}
# The cores' distance (a cache line's round trip between two threads, in ns) before and after the peers' runs: the
# host moves this guest's vCPUs between places 120-180 and 440-660 ns apart, and two-thread figures follow
# (docs/PERFORMANCE.md, "Session 31"), so a ratio is read against the phase each side ran in. Each nn bench round
# measures its own.
distance() {
  echo "$1 $(java -cp "$ROOT/cli/target/nn.jar" org.backprop4j.math.vector.CoreDistance 2>/dev/null || echo NaN)" >>"$TMP/distance.txt"
}
: >"$TMP/ours.jsonl"; : >"$TMP/distance.txt"
ours_round 1
distance peers_before
CORE_ARGS=(); [ -n "$CORETYPE" ] && CORE_ARGS=(--coretype "$CORETYPE")
/usr/bin/python3 "$ROOT/bench/peers/peers.py" --workload all --threads 1,2 "${PEER_ARGS[@]}" "${CORE_ARGS[@]}" --hugepages W2 \
    --json-out "$TMP/peers.json" >/dev/null
# What a Debian user gets, without OPENBLAS_CORETYPE and without huge pages for malloc: PyTorch and
# sgemm on W2 only (a short run).
env -u GLIBC_TUNABLES /usr/bin/python3 "$ROOT/bench/peers/peers.py" --workload W2 --threads 1,2 --peers torch --skip-inference \
    --no-torch-variants --repeats 1 ${QUICK:+--quick} --json-out "$TMP/peers-default.json" >/dev/null
distance peers_after
ours_round 2
ours_round 3
echo "load at end: $(cat /proc/loadavg); finished: $(date -u +%FT%TZ)" >>"$OUT/machine.txt"
/usr/bin/python3 "$ROOT/bench/compare.py" "$TMP/ours.jsonl" "$TMP/peers.json" "$OUT" "$TMP/peers-default.json" "$TMP/distance.txt" | tee "$OUT/summary.txt"
