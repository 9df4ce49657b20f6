#!/usr/bin/env bash
# A 128-bit machine on this x86, as far as the JIT is concerned: C2 limited to 16-byte vectors
# (-XX:MaxVectorSize=16), for the Vector API's preferred species and the plain-Java kernels' auto-vectorised
# loops alike. Runs `nn bench` with the vector engine (4 lanes) and without the module (plain Java), alternating,
# and prints one line each: what a core with NEON's width gains from the vector engine over the fallback.
#   WORK=W1|W2 THREADS=N EPOCHS=E bench/aarch64/narrow.sh [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/cli/target/nn.jar"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -pl cli -am package -DskipTests)
F="-XX:PerMethodTrapLimit=1000 -XX:+UseTransparentHugePages -XX:MaxVectorSize=16"
mkdir -p /tmp/backprop4j-bench && LOCK=/tmp/backprop4j-bench/lock
for r in $(seq 1 "${1:-2}"); do
  for mode in vector plain; do
    M=""; [ $mode = vector ] && M="--add-modules jdk.incubator.vector"
    flock "$LOCK" java $M $F -jar "$JAR" bench --workload "${WORK:-W1}" --threads "${THREADS:-1}" --epochs "${EPOCHS:-3}" --json 2>/dev/null |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print("'$mode'", d.get("kernels",""), d.get("vector_bits"), d.get("variant"), round(d["samples_per_s"]), "samples/s", round(d["gflops"],1), "GFLOP/s, latency", round(d.get("latency_us",0),2), "us, weights", d["weights_sha256"][:8])'
  done
done
