#!/usr/bin/env bash
# Do the peers get faster with transparent huge pages? A/B of peers.py without and with --hugepages
# (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, glibc >= 2.35: malloc asks for huge pages for the memory it
# maps; numpy >= 1.16 already asks for its own large arrays, Debian's PyTorch 1.13 does not).
#   bench/peers/hugepages-ab.sh [ROUNDS] [OUT_DIR] [CASES]  # default 3 rounds (about 5 minutes a round),
#                                                            # all cases; CASES: a regex of case names, e.g. 'W1|numpy'
# Every invocation is short (< 60 s) and runs at real-time priority (chrt -f 10, under timeout 90) so
# that the machine's neighbours do not decide the result; A and B alternate, the order swapped every
# round. Each peers.py JSON records AnonHugePages of its workers (memory_kb_after_runs) and
# GLIBC_TUNABLES (worker_env); the THP fault counters of /proc/vmstat are logged around every run.
# Prints the median samples/s (or sgemm GFLOP/s) of each configuration over all runs of all rounds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-3}"
OUT="${2:-$(mktemp -d)}"
ONLY="${3:-.}"
mkdir -p "$OUT"
case "$(grep -m1 '^vendor_id' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')" in
  GenuineIntel) if grep -qw avx512f /proc/cpuinfo; then CORE=(--coretype SkylakeX); else CORE=(--coretype Haswell); fi ;;
  AuthenticAMD) CORE=(--coretype Zen) ;;
  *) CORE=() ;;
esac
QUIET=(--repeats 2 --max-quiet-wait 0 --noise-budget 0)
# name and peers.py arguments of each measurement
CASES=(
  "W2-torch-t1|--workload W2 --threads 1 --peers torch --skip-sgemm --skip-inference"
  "W2-torch-t2|--workload W2 --threads 2 --peers torch --skip-sgemm --skip-inference --no-torch-variants"
  "sgemm|--workload W2 --threads 1,2 --peers= --skip-inference"
  "W1-numpy-torch|--workload W1 --threads 1,2 --peers numpy,torch --skip-sgemm --skip-inference --no-torch-variants"
  "W1-t1|--workload W1 --threads 1 --peers numpy,torch --skip-sgemm --skip-inference"
  "W2-numpy|--workload W2 --threads 1,2 --peers numpy --skip-sgemm --skip-inference"
)
thp() { grep -E '^thp_fault_alloc |^thp_fault_fallback ' /proc/vmstat | tr '\n' ' '; }
one() {  # one() CASE-NAME ARGS AB ROUND
  local hp=() file="$OUT/$1.$3.r$4.json"
  [ "$3" = B ] && hp=(--hugepages)
  echo "$(date -u +%T) $1 $3 round $4: load $(cut -d' ' -f1-3 /proc/loadavg); $(thp)" >>"$OUT/log.txt"
  # shellcheck disable=SC2086
  timeout 90 chrt -f 10 env -u GLIBC_TUNABLES /usr/bin/python3 "$ROOT/bench/peers/peers.py" $2 "${CORE[@]}" "${QUIET[@]}" \
      "${hp[@]}" --json-out "$file" >/dev/null 2>>"$OUT/stderr.txt"
  echo "$(date -u +%T)   after: $(thp)" >>"$OUT/log.txt"
  sleep 3   # let the neighbours run between real-time stretches
}
echo "hugepages-ab: $ROUNDS rounds, output in $OUT" >&2
{ lscpu | grep -E 'Model name|^Model:|^CPU\(s\)|Hypervisor'; uptime; ldd --version | head -1
  echo "THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled), defrag $(cat /sys/kernel/mm/transparent_hugepage/defrag)"; } >"$OUT/machine.txt"
for r in $(seq 1 "$ROUNDS"); do
  for c in "${CASES[@]}"; do
    name="${c%%|*}"; args="${c#*|}"
    [[ "$name" =~ $ONLY ]] || continue
    if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
    for ab in $order; do one "$name" "$args" "$ab" "$r"; done
  done
done
uptime >>"$OUT/machine.txt"
/usr/bin/python3 - "$OUT" <<'EOF'
import glob, json, os, statistics, sys
out = sys.argv[1]
rows = {}
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    name, ab, _, _ = os.path.basename(f).split(".")
    d = json.load(open(f))
    for r in d.get("training", []):
        key = "%s %s t=%d" % (r["workload"], r["label"], r["threads"])
        e = rows.setdefault(key, {"A": [], "B": [], "hp": {"A": [], "B": []}})
        e[ab] += [x["samples_per_s"] for x in r["runs"]]
        e["hp"][ab].append(r.get("memory_kb_after_runs", {}).get("AnonHugePages"))
    for s in d.get("sgemm", []):
        key = "sgemm step aggregate GFLOP/s t=%d" % s["threads"]
        e = rows.setdefault(key, {"A": [], "B": [], "hp": {"A": [], "B": []}})
        e[ab].append(s["aggregate_gflops_training_step"])
        e["hp"][ab].append(s.get("memory_kb_after_runs", {}).get("AnonHugePages"))
print("%-42s %12s %12s %7s   AnonHugePages kB (A / B)" % ("configuration", "A: default", "B: hugetlb=1", "B/A"))
for k, e in rows.items():
    a, b = statistics.median(e["A"]), statistics.median(e["B"])
    print("%-42s %12.1f %12.1f %7.3f   %s / %s   (A %s; B %s)" % (k, a, b, b / a,
          sorted(set(e["hp"]["A"])), sorted(set(e["hp"]["B"])), e["A"], e["B"]))
EOF
