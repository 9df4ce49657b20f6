"""Reads Backprop4j's `nn bench --json` lines and peers.py's JSON from one run, prints the ratios that
docs/PERFORMANCE.md quotes, and writes results.json and throughput.png into the output folder."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
from peers import WORKLOADS  # noqa: E402  (the workloads' layer sizes and flops per sample, one definition)

ours_path, peers_path, out_dir = sys.argv[1:4]
default_path = sys.argv[4] if len(sys.argv) > 4 else None     # peers as Debian has them: no OPENBLAS_CORETYPE, no huge pages
distance_path = sys.argv[5] if len(sys.argv) > 5 else None    # the cores' distance sampled around the peers' runs
GFLOPS_DEFINITION = ("GFLOP/s = the flops a training step performs in its matrix products (forward and weight gradient of "
                     "every layer, the backward product of every layer but the first; 2 per multiply-add) x samples/s / 1e9; "
                     "the same products as OpenBLAS sgemm's aggregate_gflops_training_step. *_nominal_6n: 6 x weights x "
                     "samples/s / 1e9, the figure of older results, which also counted the first layer's input delta")


def performed(r):
    """One nn bench line with gflops = the flops performed. An older nn bench (no gflops_nominal_6n) wrote the
    nominal 6 x weights figure as gflops: it is converted here, from the workload's layer sizes, and labelled."""
    if "gflops_nominal_6n" in r:
        return dict(r, gflops_source="nn bench")
    wl = WORKLOADS[r["workload"]]
    return dict(r, gflops=r["gflops"] * wl["step_flops_per_sample"] / (6.0 * wl["n_weights"]), gflops_nominal_6n=r["gflops"],
                gflops_source="converted here from an older nn bench's nominal 6 x weights figure")


# Several rounds per configuration: keep the median round (by training throughput) and all figures.
runs = [performed(r) for r in map(json.loads, open(ours_path))]    # in the order they ran
rounds = {}
for r in runs:
    rounds.setdefault((r["workload"], r["threads"]), []).append(r)
ours = {}
for key, rs in rounds.items():
    rs = sorted(rs, key=lambda r: r["samples_per_s"])
    ours[key] = dict(rs[len(rs) // 2], rounds_samples_per_s=[r["samples_per_s"] for r in rounds[key]],
                     rounds_latency_us=[r["latency_us"] for r in rounds[key]],
                     # the kernels' thread switch (nn bench since 2026-12-02): share of kernel time on one thread, switches
                     rounds_one_thread_share=[r.get("one_thread_share") for r in rounds[key]],
                     rounds_thread_switches=[r.get("thread_switches") for r in rounds[key]],
                     rounds_alloc_bytes_per_step=[r["alloc_bytes_per_step"] for r in rounds[key]],
                     # older nn bench results have no per-epoch figure (their per-step one included the epochs' bookkeeping)
                     rounds_alloc_bytes_per_epoch=[r.get("alloc_bytes_per_epoch") for r in rounds[key]],
                     # the mean over all steps beside the median epoch's (older results: the mean was the figure)
                     rounds_alloc_bytes_per_step_mean=[r.get("alloc_bytes_per_step_mean", r["alloc_bytes_per_step"]) for r in rounds[key]])
    # The latency is a measurement of its own: the median over the rounds, not the median round's.
    lat = sorted(r["latency_us"] for r in rs)
    ours[key]["latency_us"] = lat[len(lat) // 2]
peers = json.load(open(peers_path))
train = peers["summary"]["training"]
any_round = next(iter(ours.values()))
machine = peers.get("machine", {})
processor = {"cpu_model": any_round.get("cpu_model", machine.get("cpu_model")), "cpu_vendor": any_round.get("cpu_vendor"),
             "vector_bits": any_round.get("vector_bits"), "fma_units": any_round.get("fma_units"),
             "l1d_bytes": any_round.get("l1d_bytes"), "l2_bytes": any_round.get("l2_bytes"), "l3_bytes": any_round.get("l3_bytes"),
             "peak_gflops_per_core_by_round": sorted({round(r.get("peak_gflops_per_core") or 0, 1) for rs in rounds.values() for r in rs}),
             "variant": any_round.get("variant"), "variant_choice": any_round.get("variant_choice"),
             "openblas_coretype": machine.get("openblas_coretype"), "openblas_core": machine.get("openblas_core"),
             "peers_hugepages_for": machine.get("hugepages_for"),
             "peers_glibc_tunables_with_hugepages": machine.get("glibc_tunables_with_hugepages"),
             "transparent_hugepage": machine.get("transparent_hugepage"),
             # the JDK nn bench ran on (older nn bench results do not say)
             "java": sorted({r.get("java") or "?" for rs in rounds.values() for r in rs})}
peak_core = sorted(r.get("peak_gflops_per_core") or 0 for rs in rounds.values() for r in rs)
peak_core = peak_core[len(peak_core) // 2]
processor["peak_gflops_per_core_median"] = peak_core
# A cache line's round trip between two threads (nn bench measures it each round; older results lack it).
# The list keeps the runs' order; the median sorts a copy.
in_order = [r["core_round_trip_ns"] for r in runs if r.get("core_round_trip_ns")]
processor["core_round_trip_ns_by_run"] = [round(t) for t in in_order]
trips = sorted(in_order)
processor["core_round_trip_ns_median"] = trips[len(trips) // 2] if trips else None
print(f"processor: {processor['cpu_model']} ({processor['cpu_vendor']}), {processor['vector_bits']}-bit vectors, "
      f"{processor['fma_units']} FMA units per core, L2 {(processor['l2_bytes'] or 0) >> 10} KB; FMA peak measured by nn bench: "
      f"{peak_core:.0f} GFLOP/s per core (median over rounds); kernel variant {processor['variant']} ({processor['variant_choice']}); "
      f"Java {', '.join(processor['java'])}; cores "
      + (f"{processor['core_round_trip_ns_median']:.0f} ns apart (a cache line's round trip, median over rounds)"
         if processor['core_round_trip_ns_median'] else "apart by an unmeasured distance"))
around_peers = {}
if distance_path and os.path.exists(distance_path):
    for line in open(distance_path):
        stage, _, ns = line.strip().partition(" ")
        around_peers[stage] = None if ns in ("", "NaN") else float(ns)
processor["core_round_trip_ns_around_peers"] = around_peers
if around_peers:
    # rounds[key] holds the configuration's runs in the order they ran: round 1 (before the peers), 2, 3 (after)
    ours_trips = {f"{w} {t}t": " / ".join("?" if not r.get("core_round_trip_ns") else str(round(r["core_round_trip_ns"]))
                                          for r in rs) for (w, t), rs in rounds.items()}
    print("cores apart (a cache line's round trip, ns; the host moves the vCPUs and two-thread figures follow): peers' runs "
          + ", ".join(f"{k.replace('peers_', '')} {'?' if v is None else round(v)}" for k, v in around_peers.items())
          + "; ours by round (1 before the peers, 2 and 3 after): " + ", ".join(f"{k} {v}" for k, v in sorted(ours_trips.items())))
print(f"peers' OpenBLAS: OPENBLAS_CORETYPE={processor['openblas_coretype']}, core in use: {processor['openblas_core']}; "
      f"peers' huge pages: GLIBC_TUNABLES={processor['peers_glibc_tunables_with_hugepages']} for {processor['peers_hugepages_for']} "
      f"(kernel THP mode: {processor['transparent_hugepage']})")


def peer(workload, name, threads):
    return train.get(workload, {}).get(name, {}).get(f"threads={threads}", {}).get("median_samples_per_s")


rows = []
for (w, t), r in sorted(ours.items()):
    row = {"workload": w, "threads": t, "backprop4j": r["samples_per_s"], "backprop4j_gflops": r["gflops"],
           "backprop4j_gflops_nominal_6n": r["gflops_nominal_6n"], "backprop4j_gflops_source": r["gflops_source"],
           "backprop4j_rounds": r["rounds_samples_per_s"], "latency_rounds_us": r["rounds_latency_us"],
           "alloc_rounds_bytes_per_step": r["rounds_alloc_bytes_per_step"],
           "alloc_bytes_per_step": r["alloc_bytes_per_step"], "alloc_rounds_bytes_per_epoch": r["rounds_alloc_bytes_per_epoch"],
           "alloc_rounds_bytes_per_step_mean": r["rounds_alloc_bytes_per_step_mean"],
           "peak_heap_mb": r["peak_heap_bytes"] / 1e6,
           "kernels": r["kernels"],
           "one_thread_share_rounds": r["rounds_one_thread_share"], "thread_switches_rounds": r["rounds_thread_switches"]}
    for p in ("numpy", "torch", "sklearn"):
        row[p] = peer(w, p, t)
    rows.append(row)

sgemm = peers["summary"].get("sgemm", {})
inf = peers["summary"].get("inference", {})
print(GFLOPS_DEFINITION)
print("| workload | threads | Backprop4j samples/s | GFLOP/s performed | numpy | PyTorch | scikit-learn | vs best of numpy/PyTorch (same threads) | vs best of numpy/PyTorch (any threads) |")
print("|---|---|---|---|---|---|---|---|---|")
for row in rows:
    w, t = row["workload"], row["threads"]
    same = max(v for v in (row["numpy"], row["torch"]) if v)
    anyt = max(v for p in ("numpy", "torch") for v in (peer(w, p, 1), peer(w, p, 2)) if v)
    row["ratio_best_same_threads"] = row["backprop4j"] / same
    row["ratio_best_any_threads"] = row["backprop4j"] / anyt
    fmt = lambda v: f"{v:,.0f}" if v else "-"
    print(f"| {w} | {t} | {row['backprop4j']:,.0f} | {row['backprop4j_gflops']:.1f} | {fmt(row['numpy'])} | "
          f"{fmt(row['torch'])} | {fmt(row['sklearn'])} | {row['ratio_best_same_threads']:.2f}x | {row['ratio_best_any_threads']:.2f}x |")

# With more than one thread the kernels run each call on all threads or on the caller alone, whichever measured
# faster lately (math.vector.ThreadSwitch): how much of their time they spent on one, round by round.
for row in rows:
    shares = row["one_thread_share_rounds"]
    if row["threads"] > 1 and any(v is not None for v in shares):
        fmt = lambda v: "-" if v is None else f"{v:.2f}"
        print(f"{row['workload']}, {row['threads']} threads: share of the kernels' time on one thread by round "
              f"{', '.join(fmt(v) for v in shares)}; switches {', '.join(str(v) for v in row['thread_switches_rounds'])}")

# The former metric, for comparison with older results: the median of the first three measured epochs
# (nn bench measured three until 2026-11-30; W1's first epochs are the ones the JIT takes a core from).
for row in rows:
    r = ours[(row["workload"], row["threads"])]
    first = sorted(r.get("epoch_seconds", [])[:3])
    if len(first) == 3 and len(r["epoch_seconds"]) > 3:
        row["backprop4j_first3_epochs"] = r["samples"] / first[1]
        row["backprop4j_epochs"] = len(r["epoch_seconds"])
        row["backprop4j_epoch_jit_ms"] = r.get("epoch_jit_ms")
        print(f"{row['workload']}, {row['threads']} thread(s): median of all {len(r['epoch_seconds'])} measured epochs "
              f"{row['backprop4j']:,.0f} samples/s ({row['ratio_best_same_threads']:.2f}x); of the first three only "
              f"(the former metric) {row['backprop4j_first3_epochs']:,.0f} "
              f"({row['backprop4j_first3_epochs'] / row['backprop4j'] * row['ratio_best_same_threads']:.2f}x); "
              f"JIT ms per epoch {r.get('epoch_jit_ms')}")

summary = {"rows": rows, "gflops_definition": GFLOPS_DEFINITION, "peers_schema": peers.get("schema")}
for t in (1, 2):
    r = ours.get(("W2", t))
    s = sgemm.get(f"threads={t}", {}).get("aggregate_gflops_training_step")
    tp = peer("W2", "torch", t)
    if r and t == 1 and peak_core:
        summary["W2_threads1_of_peak"] = r["gflops"] / peak_core
        print(f"W2, 1 thread: {r['gflops']:.1f} GFLOP/s performed = {100 * r['gflops'] / peak_core:.0f}% of the measured FMA peak "
              f"of one core")
    if r and s:
        summary[f"W2_threads{t}_vs_sgemm"] = r["gflops"] / s
        summary[f"W2_threads{t}_vs_torch"] = r["samples_per_s"] / tp
        print(f"W2, {t} thread(s): {r['gflops']:.1f} GFLOP/s performed = {r['gflops'] / s:.2f} of OpenBLAS sgemm's {s:.1f} "
              f"on the step's products;"
              f" {r['samples_per_s'] / tp:.2f}x PyTorch")
r1 = ours.get(("W1", 1)) or next(iter(ours.values()))
torch_us = inf.get("torch", {}).get("W1_single_sample_median_us")
numpy_us = inf.get("numpy", {}).get("W1_single_sample_median_us")


def peer_latency(name, t):
    return inf.get(f"{name}_by_threads", {}).get(f"threads={t}", {}).get("W1_single_sample_median_us")


if r1 and torch_us:
    summary["latency_us"] = {"backprop4j": r1["latency_us"], "torch": torch_us, "numpy": numpy_us}
    # Per thread count, and best against best: the one-sample product is split over awake workers.
    by_threads = {}
    for t in (1, 2):
        r = ours.get(("W1", t))
        if r:
            by_threads[f"threads={t}"] = {"backprop4j": r["latency_us"], "torch": peer_latency("torch", t) or (torch_us if t == 1 else None),
                                          "numpy": peer_latency("numpy", t) or (numpy_us if t == 1 else None)}
    summary["latency_us_by_threads"] = by_threads
    for t, v in by_threads.items():
        line = f"single-sample prediction, W1 network, {t}: Backprop4j {v['backprop4j']:.2f} us"
        if v["torch"]:
            line += f", PyTorch {v['torch']:.2f} us ({v['torch'] / v['backprop4j']:.1f}x faster)"
        if v["numpy"]:
            line += f", numpy {v['numpy']:.2f} us"
        print(line)
    ours_best = min(v["backprop4j"] for v in by_threads.values())
    torch_best = min(v["torch"] for v in by_threads.values() if v["torch"])
    summary["latency_best_vs_best"] = torch_best / ours_best
    print(f"single-sample prediction, best of each: Backprop4j {ours_best:.2f} us, PyTorch {torch_best:.2f} us "
          f"({torch_best / ours_best:.1f}x faster)")
    b = inf.get("torch", {}).get("batch256_samples_per_s", {}).get("W1")
    print(f"batch-256 inference, W1 network: Backprop4j {r1['inference_samples_per_s']:,.0f} samples/s, PyTorch {b:,.0f}")
for row in rows:
    fmt = lambda v: "?" if v is None else f"{v:.1f}"
    print(f"{row['workload']} {row['threads']} thread(s): {fmt(row['alloc_bytes_per_step'])} bytes allocated per step "
          f"(the median epoch's; rounds: {', '.join(fmt(v) for v in row['alloc_rounds_bytes_per_step'])}; the mean over "
          f"all steps, epochs the JIT compiles in included: {', '.join(fmt(v) for v in row['alloc_rounds_bytes_per_step_mean'])}; per epoch in all, with its "
          f"bookkeeping: {', '.join('?' if v is None else f'{v:,.0f}' for v in row['alloc_rounds_bytes_per_epoch'])}), "
          f"peak heap {row['peak_heap_mb']:.0f} MB, kernels {row['kernels']}; samples/s by round: "
          f"{', '.join(f'{v:,.0f}' for v in row['backprop4j_rounds'])}")

if default_path:
    try:
        d = json.load(open(default_path))
        summary["peers_without_coretype"] = {"openblas_core": d.get("machine", {}).get("openblas_core"),
                                             "glibc_tunables": d.get("machine", {}).get("glibc_tunables"),
                                             "hugepages_for": d.get("machine", {}).get("hugepages_for"), "summary": d["summary"]}
        dtrain = d["summary"]["training"].get("W2", {}).get("torch", {})
        dsgemm = d["summary"].get("sgemm", {})
        for t in (1, 2):
            r = ours.get(("W2", t))
            tp = dtrain.get(f"threads={t}", {}).get("median_samples_per_s")
            sg = dsgemm.get(f"threads={t}", {}).get("aggregate_gflops_training_step")
            if r and tp and sg:
                print(f"W2, {t} thread(s), peers as Debian has them (OpenBLAS's own choice {summary['peers_without_coretype']['openblas_core']}, "
                      f"GLIBC_TUNABLES={summary['peers_without_coretype']['glibc_tunables']}): "
                      f"PyTorch {tp:,.0f} samples/s ({r['samples_per_s'] / tp:.2f}x), sgemm {sg:.1f} GFLOP/s ({r['gflops'] / sg:.2f}x)")
    except (OSError, KeyError, ValueError) as e:
        print(f"(no run with Debian's defaults: {e})")
summary["processor"] = processor
summary["peers"] = peers["summary"]
summary["versions"] = peers.get("versions")
summary["machine"] = peers.get("machine")
json.dump(summary, open(f"{out_dir}/results.json", "w"), indent=1)

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
for ax, w in zip(axes, ("W1", "W2")):
    names = ["backprop4j", "numpy", "torch", "sklearn"]
    labels = ["Backprop4j", "numpy", "PyTorch", "scikit-learn"]
    width = 0.2
    for i, (n, label) in enumerate(zip(names, labels)):
        vals = []
        for t in (1, 2):
            row = next((r for r in rows if r["workload"] == w and r["threads"] == t), None)
            vals.append((row[n] or 0) if row else 0)
        ax.bar([t - 1 + (i - 1.5) * width for t in (1, 2)], vals, width, label=label)
    ax.set_xticks([0, 1], ["1 thread", "2 threads"])
    ax.set_ylabel("training throughput (samples/s)")
    ax.set_title({"W1": "W1 seed: 784-100-10 sigmoid, mse, batch 32",
                  "W2": "W2 wide: 784-1024-1024-10 ReLU, softmax, batch 256"}[w], fontsize=10)
    ax.grid(axis="y", alpha=0.3)
axes[0].legend()
fig.suptitle(f"Training throughput, one run on {processor['cpu_model']} (2 cores; Backprop4j: median of 3 rounds; "
             f"peers' OpenBLAS core {processor['openblas_core']})", fontsize=9)
fig.tight_layout()
fig.savefig(f"{out_dir}/throughput.png", dpi=110)
print(f"wrote {out_dir}/results.json and {out_dir}/throughput.png")
