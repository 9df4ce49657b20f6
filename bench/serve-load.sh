#!/usr/bin/env bash
# Load test of `nn serve` beside FastAPI + uvicorn + PyTorch serving the same model file, in one run.
#   bench/serve-load.sh [MODEL.json]      (default: the demo's 784-100-10 MNIST model, trained first)
# For each of CLIENTS concurrent clients (default "1 16") and each body (one row, 256 rows),
# ApacheBench sends a fixed number of requests (ROWS1_REQUESTS, ROWS256_REQUESTS) to each server in
# turn after a warm-up, and reports requests/s, p50 and p99 latency, failed and non-2xx answers; then
# wrk runs 10 s over keep-alive connections. Both servers get THREADS workers (default: the number of
# cores); the load tools run on the same machine. Needs Debian's apache2-utils (ab), wrk,
# python3-fastapi, python3-uvicorn, python3-torch (installed when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS="${CLIENTS:-1 16}"
THREADS="${THREADS:-$(nproc)}"
ROWS1_REQUESTS="${ROWS1_REQUESTS:-5000}"
ROWS256_REQUESTS="${ROWS256_REQUESTS:-200}"
OURS_PORT="${OURS_PORT:-18080}"
PEER_PORT="${PEER_PORT:-18081}"
PY=/usr/bin/python3

for pkg in apache2-utils wrk python3-fastapi python3-uvicorn python3-torch; do
  if ! dpkg -s "$pkg" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
  fi
done

TMP="$(mktemp -d)"
PIDS=()
# ./nn runs java as its child: stop the children of each server process too
cleanup() { for p in "${PIDS[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
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
printf '%-5s %-8s %-24s %9s %11s %9s %9s %9s %9s  %s\n' rows clients server requests requests/s p50_ms p99_ms failed non-2xx "wrk keep-alive 10 s: requests/s p50 p99"
for clients in $CLIENTS; do
  for rows in 1 256; do
    requests=$([ "$rows" = 1 ] && echo "$ROWS1_REQUESTS" || echo "$ROWS256_REQUESTS")
    for server in ours peer; do
      port=$([ "$server" = ours ] && echo "$OURS_PORT" || echo "$PEER_PORT")
      name=$([ "$server" = ours ] && echo "nn serve" || echo "FastAPI+uvicorn+PyTorch")
      url="http://127.0.0.1:$port/predict"
      # warm-up: a tenth of the requests (the JIT, PyTorch's first calls)
      ab -q -n $(( requests / 10 + clients )) -c "$clients" -p "$TMP/body$rows.json" -T application/json "$url" >/dev/null 2>&1
      # the measured run: a fixed number of requests, each on its own connection (ab speaks HTTP/1.0, and
      # uvicorn keeps no HTTP/1.0 connection alive, so both servers are measured the same way)
      ab -q -n "$requests" -c "$clients" -p "$TMP/body$rows.json" -T application/json -e "$TMP/pct.csv" "$url" >"$TMP/ab.out" 2>&1
      rps=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' "$TMP/ab.out")
      done_=$(sed -n 's/^Complete requests: *//p' "$TMP/ab.out")
      failed=$(sed -n 's/^Failed requests: *//p' "$TMP/ab.out")
      non2xx=$(sed -n 's/^Non-2xx responses: *//p' "$TMP/ab.out"); non2xx=${non2xx:-0}
      p50=$(sed -n '52p' "$TMP/pct.csv" | cut -d, -f2)
      p99=$(sed -n '101p' "$TMP/pct.csv" | cut -d, -f2)
      # the same over HTTP/1.1 keep-alive connections with wrk, for 10 s
      wrk -t1 -c"$clients" -d10s --latency -s "$ROOT/bench/serve/post.lua" "$url" -- "$TMP/body$rows.json" 1000000000 >"$TMP/wrk.out" 2>&1
      wrps=$(sed -n 's/^Requests\/sec: *//p' "$TMP/wrk.out")
      w50=$(awk '/Latency Distribution/{f=1} f && $1=="50%"{print $2; exit}' "$TMP/wrk.out")
      w99=$(awk '/Latency Distribution/{f=1} f && $1=="99%"{print $2; exit}' "$TMP/wrk.out")
      wbad=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$TMP/wrk.out")
      printf '%-5s %-8s %-24s %9s %11s %9s %9s %9s %9s  %s %s %s %s\n' "$rows" "$clients" "$name" "$done_" "$rps" "$p50" "$p99" "$failed" "$non2xx" \
        "$wrps" "$w50" "$w99" "${wbad:+non-2xx: $wbad}"
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
