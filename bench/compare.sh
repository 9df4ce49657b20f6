#!/usr/bin/env bash
# One run that measures Backprop4j and its peers (numpy, PyTorch, scikit-learn, OpenBLAS sgemm) on the
# same workloads, then prints the ratios and writes docs/performance/{results.json,throughput.png}.
#   bench/compare.sh            # full run, about 20 minutes on 2 cores
#   bench/compare.sh --quick    # smoke test with fewer samples
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/docs/performance"
QUICK="${1:-}"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

"$ROOT/bench/peers/install-peers.sh"
if ! /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  apt-get install -y python3-matplotlib >/dev/null
fi
(cd "$ROOT" && ./mvnw -B -q -DskipTests -pl cli -am package)

SAMPLES=60000; EPOCHS=3; PEER_ARGS=(--repeats 3)
if [ "$QUICK" = "--quick" ]; then SAMPLES=8192; EPOCHS=2; PEER_ARGS=(--quick); fi

# Ours: three rounds (JVM runs), one before the peers and two after, so that a few minutes of
# noise from the machine's neighbours (it is shared: two-thread runs suffer most) hit one round,
# not the figure; compare.py takes each configuration's median round and keeps all of them.
ours_round() {
  for w in W1 W2; do
    for t in 1 2; do
      echo "backprop4j: $w, $t thread(s), round $1" >&2
      "$ROOT/nn" bench --workload "$w" --threads "$t" --epochs "$EPOCHS" --samples "$SAMPLES" --json >>"$TMP/ours.jsonl"
    done
  done
}
: >"$TMP/ours.jsonl"
ours_round 1
/usr/bin/python3 "$ROOT/bench/peers/peers.py" --workload all --threads 1,2 "${PEER_ARGS[@]}" --json-out "$TMP/peers.json" >/dev/null
ours_round 2
ours_round 3
/usr/bin/python3 "$ROOT/bench/compare.py" "$TMP/ours.jsonl" "$TMP/peers.json" "$OUT"
