#!/usr/bin/env bash
# Load test of `nn serve` beside FastAPI + uvicorn + PyTorch serving the same model file, in one run.
#   bench/serve-load.sh [MODEL.json]      (default: the demo's 784-100-10 MNIST model, trained first)
# For each of CLIENTS concurrent clients (default "1 16") and each body (one row, 256 rows), wrk
# sends a fixed number of requests (ROWS1_REQUESTS, ROWS256_REQUESTS) to each server in turn after a
# warm-up, and reports requests/s, p50 and p99 latency, and non-2xx answers. Both servers get THREADS
# workers (default: the number of cores); the load tool runs on the same machine (one wrk thread).
# Needs Debian's wrk, python3-fastapi, python3-uvicorn, python3-torch (installed when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS="${CLIENTS:-1 16}"
THREADS="${THREADS:-$(nproc)}"
ROWS1_REQUESTS="${ROWS1_REQUESTS:-20000}"
ROWS256_REQUESTS="${ROWS256_REQUESTS:-400}"
OURS_PORT="${OURS_PORT:-18080}"
PEER_PORT="${PEER_PORT:-18081}"
PY=/usr/bin/python3

for pkg in wrk python3-fastapi python3-uvicorn python3-torch; do
  if ! dpkg -s "$pkg" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
  fi
done

TMP="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

MODEL="${1:-}"
if [ -z "$MODEL" ]; then
  MODEL="$TMP/mnist.json"
  "$ROOT/nn" demo --out "$MODEL" --quiet >/dev/null
fi
$PY "$ROOT/bench/serve/bodies.py" "$ROOT" "$TMP"

"$ROOT/nn" serve --model "$MODEL" --port "$OURS_PORT" --threads "$THREADS" --queue 1024 >"$TMP/ours.log" 2>&1 &
PIDS+=($!)
MODEL="$MODEL" $PY -m uvicorn --app-dir "$ROOT/bench/serve" peer_fastapi:app --host 127.0.0.1 --port "$PEER_PORT" \
  --workers "$THREADS" --log-level warning --no-access-log >"$TMP/peer.log" 2>&1 &
PIDS+=($!)
for port in "$OURS_PORT" "$PEER_PORT"; do
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "server on $port did not start"; cat "$TMP"/*.log; exit 1; }
done

# the two answer the same: same labels, outputs within float rounding
curl -sf -H 'Content-Type: application/json' --data-binary @"$TMP/body256.json" "http://127.0.0.1:$OURS_PORT/predict" >"$TMP/ours.json"
curl -sf -H 'Content-Type: application/json' --data-binary @"$TMP/body256.json" "http://127.0.0.1:$PEER_PORT/predict" >"$TMP/peer.json"
$PY - "$TMP/ours.json" "$TMP/peer.json" <<'PYEOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = "probabilities" if "probabilities" in a else "outputs"
assert a["labels"] == b["labels"], "labels differ"
worst = max(abs(x - y) for ra, rb in zip(a[key], b[key]) for x, y in zip(ra, rb))
assert worst < 1e-4, f"outputs differ by {worst}"
print(f"same answers for 256 rows: labels equal, outputs within {worst:.1e}")
PYEOF

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "model: $(curl -s "http://127.0.0.1:$OURS_PORT/model" | $PY -c 'import json,sys; d=json.load(sys.stdin); print("-".join(map(str, d["sizes"])), "/".join(d["activations"]))'); $THREADS workers each"
printf '%-10s %-8s %-26s %10s %12s %10s %10s %8s\n' rows clients server requests requests/s p50 p99 non-2xx
for clients in $CLIENTS; do
  for rows in 1 256; do
    requests=$([ "$rows" = 1 ] && echo "$ROWS1_REQUESTS" || echo "$ROWS256_REQUESTS")
    for server in ours peer; do
      port=$([ "$server" = ours ] && echo "$OURS_PORT" || echo "$PEER_PORT")
      name=$([ "$server" = ours ] && echo "nn serve" || echo "FastAPI+uvicorn+PyTorch")
      url="http://127.0.0.1:$port/predict"
      # warm-up: a tenth of the requests (the JIT, PyTorch's first calls)
      wrk -t1 -c"$clients" -d300s -s "$ROOT/bench/serve/post.lua" "$url" -- "$TMP/body$rows.json" $(( requests / 10 / 1 + 1 )) >/dev/null
      wrk -t1 -c"$clients" -d300s --latency -s "$ROOT/bench/serve/post.lua" "$url" -- "$TMP/body$rows.json" "$requests" >"$TMP/wrk.out"
      rps=$(sed -n 's/^Requests\/sec: *//p' "$TMP/wrk.out")
      total=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$TMP/wrk.out")
      p50=$(awk '/Latency Distribution/{f=1} f && $1=="50%"{print $2; exit}' "$TMP/wrk.out")
      p99=$(awk '/Latency Distribution/{f=1} f && $1=="99%"{print $2; exit}' "$TMP/wrk.out")
      bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$TMP/wrk.out"); bad=${bad:-0}
      errors=$(sed -n 's/^ *Socket errors: *//p' "$TMP/wrk.out")
      printf '%-10s %-8s %-26s %10s %12s %10s %10s %8s %s\n' "$rows" "$clients" "$name" "$total" "$rps" "$p50" "$p99" "$bad" "${errors:+socket errors: $errors}"
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
