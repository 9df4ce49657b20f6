#!/usr/bin/env bash
# The soak of docs/RELIABILITY.md ("Soak"): workload W2 (784-1024-1024-10, ReLU hidden, softmax + cross-entropy,
# plain SGD, mini-batch 256; docs/PERFORMANCE.md) trained by `nn train` on the 60000 x 785 MNIST-shaped CSV with
# --report and --metrics on, for EPOCHS epochs, at nice 19 (it measures memory and file handles, not speed).
# Every INTERVAL seconds it records the training JVM's open file handles (/proc/PID/fd), threads, resident size
# and the load average; jstat samples the heap at the same interval, and the JVM logs the heap after every GC.
# At the end it prints the first and last minutes side by side (summary.txt).
#
# Usage (after ./mvnw -B -q -pl cli -am package -DskipTests):  bench/reliability/soak.sh OUT_DIR [EPOCHS] [INTERVAL]
set -euo pipefail
OUT=$1
EPOCHS=${2:-60}
INTERVAL=${3:-15}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
[ -f "$OUT/mnist60k.csv" ] || python3 "$ROOT/bench/reliability/mnist-csv.py" "$OUT/mnist60k.csv"
cp "$ROOT/cli/target/nn.jar" "$OUT/nn.jar"          # a build during the soak must not replace the jar under it
MODULES=""
java --list-modules 2>/dev/null | grep -q '^jdk.incubator.vector' && MODULES="--add-modules=jdk.incubator.vector"
COMMAND=(java $MODULES -Xmx1g "-Xlog:gc:file=$OUT/gc.log" -jar "$OUT/nn.jar" train
  --data "$OUT/mnist60k.csv" --label 0 --scale minmax --layers 1024,1024 --activation relu --loss cross-entropy
  --batch-size 256 --learning-rate 0.02 --epochs "$EPOCHS" --threads 1 --seed 1
  --out "$OUT/soak-model.json" --report "$OUT/soak.html" --metrics "$OUT/soak.jsonl")
echo "${COMMAND[*]}" > "$OUT/command.txt"
lscpu > "$OUT/lscpu.txt"
nice -n 19 "${COMMAND[@]}" > "$OUT/stdout.txt" 2> "$OUT/stderr.txt" &
PID=$!
sleep 1
nice -n 19 jstat -gc -t "$PID" "${INTERVAL}s" > "$OUT/jstat.txt" 2>/dev/null &
echo "seconds,fds,threads,rss_kb,load1" > "$OUT/samples.csv"
START=$(date +%s)
while kill -0 "$PID" 2>/dev/null; do
  fds=$(ls "/proc/$PID/fd" 2>/dev/null | wc -l)
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo "")
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo "")
  echo "$(( $(date +%s) - START )),$fds,$threads,$rss,$(cut -d' ' -f1 /proc/loadavg)" >> "$OUT/samples.csv"
  sleep "$INTERVAL"
done
set +e
wait "$PID"
echo "exit code $? after $(( $(date +%s) - START )) s" | tee "$OUT/exit.txt"
python3 - "$OUT" <<'EOF' | tee "$OUT/summary.txt"
import csv, re, statistics, sys
out = sys.argv[1]
rows = [r for r in csv.DictReader(open(f"{out}/samples.csv")) if r["fds"] and r["threads"] and r["rss_kb"]]   # not the last, taken as it ended
after = []   # (uptime s, heap after GC in MB) from the GC log
for line in open(f"{out}/gc.log"):
    m = re.search(r"\[([\d.]+)s\].*Pause.*?(\d+)M->(\d+)M\((\d+)M\)", line)
    if m: after.append((float(m.group(1)), int(m.group(3))))
def part(xs, first):
    n = max(1, len(xs) // 10)
    return xs[:n] if first else xs[-n:]
print(f"{len(rows)} samples over {rows[-1]['seconds']} s; {len(after)} GCs")
for name in ("fds", "threads", "rss_kb"):
    v = [int(r[name]) for r in rows]
    print(f"{name}: first tenth {min(part(v, True))}-{max(part(v, True))}, last tenth {min(part(v, False))}-{max(part(v, False))}, max {max(v)}")
jstat = [l.split() for l in open(f"{out}/jstat.txt") if l.strip() and not l.lstrip().startswith("Timestamp")]
used = [(float(c[0]), (float(c[3]) + float(c[4]) + float(c[6]) + float(c[8])) / 1024) for c in jstat if len(c) >= 9]
if used:
    print(f"heap in use (jstat S0U+S1U+EU+OU, MB): first tenth {min(u for _, u in part(used, True)):.0f}-{max(u for _, u in part(used, True)):.0f}, "
          f"last tenth {min(u for _, u in part(used, False)):.0f}-{max(u for _, u in part(used, False)):.0f}")
h = [a for _, a in after]
if h:
    print(f"heap after GC (MB): first tenth median {statistics.median(part(h, True))} (max {max(part(h, True))}), "
          f"last tenth median {statistics.median(part(h, False))} (max {max(part(h, False))}), max {max(h)}")
loads = [float(r["load1"]) for r in rows]
print(f"load average (1 min): median {statistics.median(loads):.2f}, min {min(loads):.2f}, max {max(loads):.2f}")
EOF
