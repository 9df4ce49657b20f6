#!/usr/bin/python3
"""Peer benchmark for Backprop4j: numpy (textbook), PyTorch and scikit-learn.

Run with the system interpreter (/usr/bin/python3, Debian packages; see
install-peers.sh).  Prints ONE JSON object to stdout; progress goes to stderr.
See README.md beside this file for the exact workload definitions.

Every measurement runs in its own subprocess of this script ("worker"), started
with OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS set to the thread
count *before* numpy or torch is imported, and with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed from its environment (OPENBLAS_CORETYPE set again with
--coretype; GLIBC_TUNABLES=glibc.malloc.hugetlb=1 added with --hugepages).
"""

import argparse
import contextlib
import datetime
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

PY = "/usr/bin/python3"
SCRIPT = os.path.abspath(__file__)
SCHEMA = "backprop4j-peers/2"   # 2: gflops count the flops a step performs (1: nominal 6 x n_weights)

DATA_SEED = 12345          # numpy.random.default_rng seed for the synthetic data
INIT_SEED = 54321          # numpy.random.default_rng seed for the initial weights
N_FULL = 60000
N_QUICK = 4096
N_IN = 784
N_CLASSES = 10

WORKLOADS = {
    "W1": {
        "name": "seed",
        "layers": [784, 100, 10],
        "hidden_activation": "sigmoid",
        "output": "sigmoid",
        "loss": "(1/K) sum_k 0.5*||a_k - y_k||^2 (mean over batch of half sum of squared errors)",
        "optimizer": "plain SGD: W -= lr*(grad_W + lambda*W); b -= lr*grad_b (no decay on biases)",
        "lr": 0.1,
        "l2_lambda": 1e-4,
        "batch": 32,
        "dtype": "float32",
    },
    "W2": {
        "name": "wide",
        "layers": [784, 1024, 1024, 10],
        "hidden_activation": "relu",
        "output": "softmax",
        "loss": "cross-entropy, mean over batch",
        "optimizer": "plain SGD: W -= lr*grad_W; b -= lr*grad_b",
        "lr": 0.01,
        "l2_lambda": 0.0,
        "batch": 256,
        "dtype": "float32",
    },
}
for _w in WORKLOADS.values():
    _l = _w["layers"]
    _w["n_weights"] = sum(_l[i] * _l[i + 1] for i in range(len(_l) - 1))
    # The flops a training step performs per sample in its products (2 per multiply-add): forward and
    # weight gradient of every layer, the backward product (W.T delta) of every layer but the first:
    # the inputs' delta is needed by no weight and no peer here computes it (see "definitions").
    _w["step_flops_per_sample"] = 2 * (3 * _w["n_weights"] - _l[0] * _l[1])
    _w["n_biases"] = sum(_l[1:])

STRIPPED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

# How PyTorch is threaded.  Debian's torch runs its own element-wise ops on an
# OpenMP (libgomp) pool and its matrix products through OpenBLAS's separate
# pthread pool; with the default libgomp spin-wait the two pools fight over
# the 2 cores, so the headline "torch" peer uses OMP_WAIT_POLICY=PASSIVE.
TORCH_MODES = {
    "passive": "torch.set_num_threads(n); OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=n; OMP_WAIT_POLICY=PASSIVE",
    "spin": "torch.set_num_threads(n); OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=n; libgomp default wait policy "
            "(spinning OpenMP threads compete with OpenBLAS's threads)",
    "blas-only": "torch.set_num_threads(1); OMP_NUM_THREADS=1; OPENBLAS_NUM_THREADS=n "
                 "(only the matrix products are multi-threaded)",
}
THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def log(*a):
    print("[peers]", *a, file=sys.stderr, flush=True)


def median(xs):
    return statistics.median(xs) if xs else None


# --------------------------------------------------------------------------
# small helpers usable in workers
# --------------------------------------------------------------------------

def read_cpu_ticks():
    """(busy, steal) jiffies summed over all CPUs, from /proc/stat.  busy =
    user+nice+system+irq+softirq; steal = time the hypervisor took away."""
    try:
        with open("/proc/stat") as f:
            parts = [int(x) for x in f.readline().split()[1:]]
        parts += [0] * (8 - len(parts))
        busy = parts[0] + parts[1] + parts[2] + parts[5] + parts[6]
        return busy, parts[7]
    except (OSError, ValueError):
        return 0, 0


def clk_tck():
    try:
        return os.sysconf("SC_CLK_TCK")
    except (ValueError, OSError, AttributeError):
        return 100


class RunTimer:
    """Wall time, this process's CPU time, and the machine's CPU time used by
    everything else (other processes) and stolen by the hypervisor during one
    timed run: the noise indicators of a shared machine."""

    def __enter__(self):
        self.faults0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        self.busy0, self.steal0 = read_cpu_ticks()
        self.cpu0 = time.process_time()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.cpu0
        busy1, steal1 = read_cpu_ticks()
        hz = clk_tck()
        self.other = (busy1 - self.busy0) / hz - self.cpu
        self.steal = (steal1 - self.steal0) / hz
        self.faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - self.faults0
        return False

    def record(self, samples, wl):
        sps = samples / self.wall
        return {
            "seconds": round(self.wall, 4),
            "samples": samples,
            "samples_per_s": round(sps, 1),
            "gflops": round(wl["step_flops_per_sample"] * sps / 1e9, 3),
            "gflops_nominal_6n": round(6.0 * wl["n_weights"] * sps / 1e9, 3),
            "process_cpu_seconds": round(self.cpu, 3),
            "cpu_utilisation": round(self.cpu / self.wall, 3) if self.wall > 0 else None,
            "other_processes_cpu_seconds": round(max(self.other, 0.0), 2),
            "steal_seconds_all_cpus": round(self.steal, 3),
            # page faults of this process during the run: memory freed and mapped again, step after step
            # (fewer with huge pages: one fault maps 2 MB instead of 4 KB)
            "minor_page_faults": self.faults,
        }


def other_cpu_load(interval=0.5):
    """Average number of cores used by other processes over `interval` s."""
    b0, _ = read_cpu_ticks()
    c0 = time.process_time()
    time.sleep(interval)
    b1, _ = read_cpu_ticks()
    return max(((b1 - b0) / clk_tck() - (time.process_time() - c0)) / interval, 0.0)


def smaps_rollup():
    """This process's resident memory and how much of it sits in transparent huge pages (kB, read
    after the timed runs, while the data is still alive): evidence of whether huge pages were used
    (numpy madvises its own large arrays; GLIBC_TUNABLES=glibc.malloc.hugetlb=1 makes malloc do it)."""
    out = {}
    try:
        with open("/proc/self/smaps_rollup") as f:
            for line in f:
                key = line.split(":", 1)[0]
                if key in ("Rss", "AnonHugePages"):
                    out[key] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return out


# Seconds this worker may still spend on noise handling (waiting for quiet and
# extra runs replacing contaminated ones); set from the parent's budget.
NOISE_BUDGET = {"left": 0.0, "used": 0.0}


def spend_noise_budget(seconds):
    NOISE_BUDGET["left"] -= seconds
    NOISE_BUDGET["used"] += seconds


def wait_quiet(max_wait, threshold=0.15):
    """Wait (at most max_wait s, within the noise budget) until other processes
    use < threshold cores.  Returns (seconds waited, last measured load)."""
    t0 = time.perf_counter()
    load = other_cpu_load(0.2)
    limit = min(max_wait, max(NOISE_BUDGET["left"], 0.0))
    while load >= threshold and time.perf_counter() - t0 < limit:
        load = other_cpu_load()
    waited = time.perf_counter() - t0
    spend_noise_budget(waited)
    return round(waited, 2), round(load, 2)


CONTAMINATION_LIMIT = 0.10   # other processes' CPU, in cores averaged over a run
CONTAMINATION_SLACK = 0.05   # seconds: /proc/stat counts in 10 ms ticks per CPU


def timed_runs(res, spec, wl, one_run, after_first=None):
    """Repeat one_run() (returns (samples, body)); time body().  A run during
    which other processes used more than CONTAMINATION_LIMIT cores on average
    is marked contaminated and, while attempts remain (2 x repeats), an extra
    run is made; the median is taken over clean runs when there are any."""
    R = spec["repeats"]
    attempts = 0
    while True:
        clean = [r for r in res["runs"] if not r["contaminated"]]
        if len(clean) >= R or attempts >= 2 * R:
            break
        if attempts >= R and NOISE_BUDGET["left"] <= 0:
            res["extra_runs_stopped"] = "noise budget exhausted"
            break
        waited, load = wait_quiet(spec.get("max_quiet_wait", 30))
        samples, body = one_run()
        with RunTimer() as t:
            body()
        rec = t.record(samples, wl)
        rec["waited_for_quiet_s"] = waited
        rec["other_load_before"] = load
        rec["contaminated"] = rec["other_processes_cpu_seconds"] > (CONTAMINATION_LIMIT * rec["seconds"]
                                                                    + CONTAMINATION_SLACK)
        res["runs"].append(rec)
        if attempts >= R:
            spend_noise_budget(rec["seconds"])
        if attempts == 0 and after_first is not None:
            after_first()
        attempts += 1
        log("  %s %s t=%d run %d: %.0f samples/s%s" % (
            spec["workload"], res.get("label", res["peer"]), spec["threads"], attempts - 1,
            rec["samples_per_s"], "  (contaminated: other processes %.2f cpu-s)" % rec["other_processes_cpu_seconds"]
            if rec["contaminated"] else ""))
    res["memory_kb_after_runs"] = smaps_rollup()
    clean = [r for r in res["runs"] if not r["contaminated"]]
    use = clean if clean else res["runs"]
    res["median_over"] = "clean runs (%d)" % len(clean) if clean else "all runs (none clean)"
    sps = [r["samples_per_s"] for r in use]
    res["median_samples_per_s"] = round(median(sps), 1)
    res["median_gflops"] = round(wl["step_flops_per_sample"] * median(sps) / 1e9, 3)
    res["median_gflops_nominal_6n"] = round(6.0 * wl["n_weights"] * median(sps) / 1e9, 3)


def make_data(n):
    """Synthetic data: X uniform [0,1) float32 (n x 784), labels uniform 0..9,
    Y one-hot float32. Same for every peer and workload."""
    import numpy as np
    rng = np.random.default_rng(DATA_SEED)
    X = rng.random((n, N_IN), dtype=np.float32)
    labels = rng.integers(0, N_CLASSES, size=n).astype(np.int64)
    Y = np.zeros((n, N_CLASSES), dtype=np.float32)
    Y[np.arange(n), labels] = 1.0
    return X, labels, Y


def init_params(layers, activation):
    """Initial weights, W[l] shaped (out, in), float32.  Glorot-uniform for
    sigmoid, He-normal for ReLU; biases zero.  Shared by numpy and torch."""
    import numpy as np
    rng = np.random.default_rng(INIT_SEED)
    Ws, bs = [], []
    for fan_in, fan_out in zip(layers[:-1], layers[1:]):
        if activation == "relu":
            W = rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_in)
        else:
            r = np.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-r, r, (fan_out, fan_in))
        Ws.append(np.ascontiguousarray(W, dtype=np.float32))
        bs.append(np.zeros(fan_out, dtype=np.float32))
    return Ws, bs


def blas_info():
    """What BLAS numpy actually loaded (threadpoolctl + OpenBLAS's own config)."""
    out = {}
    try:
        import threadpoolctl
        out["threadpoolctl"] = threadpoolctl.threadpool_info()
    except Exception as e:  # noqa: BLE001
        out["threadpoolctl_error"] = repr(e)
    try:
        import ctypes
        for lib in out.get("threadpoolctl", []):
            if lib.get("internal_api") == "openblas":
                h = ctypes.CDLL(lib["filepath"])
                h.openblas_get_config.restype = ctypes.c_char_p
                out["openblas_config"] = h.openblas_get_config().decode()
                if hasattr(h, "openblas_get_corename"):
                    h.openblas_get_corename.restype = ctypes.c_char_p
                    out["openblas_corename"] = h.openblas_get_corename().decode()
                h.openblas_get_num_threads.restype = ctypes.c_int
                out["openblas_num_threads"] = h.openblas_get_num_threads()
                break
    except Exception as e:  # noqa: BLE001
        out["openblas_ctypes_error"] = repr(e)
    return out


# --------------------------------------------------------------------------
# numpy, the textbook way
# --------------------------------------------------------------------------

def np_sigmoid(z):
    import numpy as np
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def numpy_train_step_w1(Ws, bs, x, y, lr, lam):
    """784-100-10 sigmoid/sigmoid, loss (1/K) sum 0.5||a-y||^2, L2 on weights."""
    W1, W2 = Ws
    b1, b2 = bs
    K = x.shape[0]
    a1 = np_sigmoid(x @ W1.T + b1)
    a2 = np_sigmoid(a1 @ W2.T + b2)
    d2 = (a2 - y) * a2 * (1.0 - a2) / K           # dL/dz2
    d1 = (d2 @ W2) * a1 * (1.0 - a1)               # dL/dz1
    gW2 = d2.T @ a1
    gb2 = d2.sum(axis=0)
    gW1 = d1.T @ x
    gb1 = d1.sum(axis=0)
    W2 -= lr * (gW2 + lam * W2)
    b2 -= lr * gb2
    W1 -= lr * (gW1 + lam * W1)
    b1 -= lr * gb1


def numpy_loss_w1(Ws, bs, x, y):
    a = x
    for W, b in zip(Ws, bs):
        a = np_sigmoid(a @ W.T + b)
    return float(0.5 * ((a - y) ** 2).sum() / x.shape[0])


def numpy_train_step_w2(Ws, bs, x, y, lr, lam):
    """784-1024-1024-10 ReLU, softmax + mean cross-entropy, plain SGD."""
    import numpy as np
    W1, W2, W3 = Ws
    b1, b2, b3 = bs
    K = x.shape[0]
    z1 = x @ W1.T + b1
    a1 = np.maximum(z1, 0.0)
    z2 = a1 @ W2.T + b2
    a2 = np.maximum(z2, 0.0)
    z3 = a2 @ W3.T + b3
    z3 -= z3.max(axis=1, keepdims=True)
    p = np.exp(z3)
    p /= p.sum(axis=1, keepdims=True)
    d3 = (p - y) / K                                # dL/dz3
    d2 = (d3 @ W3) * (z2 > 0)                       # dL/dz2
    d1 = (d2 @ W2) * (z1 > 0)                       # dL/dz1
    gW3 = d3.T @ a2
    gW2 = d2.T @ a1
    gW1 = d1.T @ x
    W3 -= lr * (gW3 + lam * W3) if lam else lr * gW3
    W2 -= lr * (gW2 + lam * W2) if lam else lr * gW2
    W1 -= lr * (gW1 + lam * W1) if lam else lr * gW1
    b3 -= lr * d3.sum(axis=0)
    b2 -= lr * d2.sum(axis=0)
    b1 -= lr * d1.sum(axis=0)


def numpy_loss_w2(Ws, bs, x, y):
    import numpy as np
    a = x
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = a @ W.T + b
        a = np.maximum(z, 0.0) if i < len(Ws) - 1 else z
    a = a - a.max(axis=1, keepdims=True)
    logp = a - np.log(np.exp(a).sum(axis=1, keepdims=True))
    return float(-(logp * y).sum() / x.shape[0])


def numpy_predict(Ws, bs, x, activation):
    """Forward pass; x may be (B, 784) or a single (784,) vector."""
    import numpy as np
    a = x
    last = len(Ws) - 1
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = a @ W.T + b
        if activation == "sigmoid":
            a = np_sigmoid(z)
        else:
            a = np.maximum(z, 0.0) if i < last else z   # logits suffice for argmax
    return a


# --------------------------------------------------------------------------
# PyTorch
# --------------------------------------------------------------------------

def torch_model(wl, Ws, bs):
    import torch
    from torch import nn
    layers = wl["layers"]
    mods = []
    for i in range(len(layers) - 1):
        lin = nn.Linear(layers[i], layers[i + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(Ws[i]))
            lin.bias.copy_(torch.from_numpy(bs[i]))
        mods.append(lin)
        if i < len(layers) - 2:
            mods.append(nn.Sigmoid() if wl["hidden_activation"] == "sigmoid" else nn.ReLU())
        elif wl["output"] == "sigmoid":
            mods.append(nn.Sigmoid())
    return nn.Sequential(*mods)


# --------------------------------------------------------------------------
# workers
# --------------------------------------------------------------------------

def worker_info(spec):
    import numpy as np
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            np.show_config()
        except Exception as e:  # noqa: BLE001
            print("show_config failed:", repr(e))
    info = {"numpy_show_config": buf.getvalue(), "blas": blas_info()}
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        import torch
        versions["torch"] = torch.__version__
        info["torch_config"] = torch.__config__.show()
        info["torch_parallel_info"] = torch.__config__.parallel_info()
    except Exception as e:  # noqa: BLE001
        versions["torch"] = "unavailable: %r" % (e,)
    try:
        import sklearn
        versions["sklearn"] = sklearn.__version__
    except Exception as e:  # noqa: BLE001
        versions["sklearn"] = "unavailable: %r" % (e,)
    try:
        import threadpoolctl
        versions["threadpoolctl"] = threadpoolctl.__version__
    except Exception:  # noqa: BLE001
        versions["threadpoolctl"] = None
    info["blas_after_torch_import"] = blas_info()
    info["versions"] = versions
    return info


def train_loop_batches(n, batch, rng):
    """Index arrays of one shuffled epoch over n samples (last batch may be short)."""
    perm = rng.permutation(n)
    return [perm[i:i + batch] for i in range(0, n, batch)]


def worker_train(spec):
    import numpy as np
    wl = WORKLOADS[spec["workload"]]
    peer = spec["peer"]
    threads = spec["threads"]
    n = spec["n_samples"]
    B = wl["batch"]
    lr, lam = wl["lr"], wl["l2_lambda"]
    warm = spec["warmup_batches"]
    measure_batches = spec.get("measure_batches")  # None = full epoch
    X, labels, Y = make_data(n)
    Ws, bs = init_params(wl["layers"], wl["hidden_activation"])
    rng = np.random.default_rng(7)
    res = {"workload": spec["workload"], "peer": peer, "label": spec.get("label", peer), "threads": threads,
           "batch": B, "n_dataset": n, "warmup_batches": warm, "runs": []}

    def epoch_batches():
        bl = train_loop_batches(n, B, rng)
        return bl if measure_batches is None else bl[:measure_batches]

    if peer == "numpy":
        step = numpy_train_step_w1 if spec["workload"] == "W1" else numpy_train_step_w2
        lossf = numpy_loss_w1 if spec["workload"] == "W1" else numpy_loss_w2
        for idx in train_loop_batches(n, B, rng)[:warm]:
            step(Ws, bs, X[idx], Y[idx], lr, lam)
        def one_run():
            bl = epoch_batches()

            def body():
                for idx in bl:
                    step(Ws, bs, X[idx], Y[idx], lr, lam)
            return sum(len(i) for i in bl), body

        def after_first():
            res["loss_after_first_run_first_1000"] = lossf(Ws, bs, X[:1000], Y[:1000])
        timed_runs(res, spec, wl, one_run, after_first)
        res["param_dtype"] = str(Ws[0].dtype)
        res["blas"] = blas_info()

    elif peer == "torch":
        import torch
        import torch.nn.functional as F
        mode = spec.get("torch_mode", "passive")
        torch.set_num_threads(1 if mode == "blas-only" else threads)
        res["torch_mode"] = mode
        res["torch_mode_definition"] = TORCH_MODES[mode]
        model = torch_model(wl, Ws, bs)
        weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
        biases = [m.bias for m in model if isinstance(m, torch.nn.Linear)]
        opt = torch.optim.SGD([{"params": weights, "weight_decay": lam},
                               {"params": biases, "weight_decay": 0.0}],
                              lr=lr, momentum=0.0)
        Xt = torch.from_numpy(X)
        Yt = torch.from_numpy(Y)
        Lt = torch.from_numpy(labels)
        mse = spec["workload"] == "W1"

        def step(idx):
            it = torch.from_numpy(idx)
            xb = Xt[it]
            opt.zero_grad(set_to_none=True)
            out = model(xb)
            if mse:
                loss = 0.5 * ((out - Yt[it]) ** 2).sum(dim=1).mean()
            else:
                loss = F.cross_entropy(out, Lt[it])
            loss.backward()
            opt.step()

        for idx in train_loop_batches(n, B, rng)[:warm]:
            step(idx)
        def one_run():
            bl = epoch_batches()

            def body():
                for idx in bl:
                    step(idx)
            return sum(len(i) for i in bl), body

        def after_first():
            with torch.no_grad():
                out = model(Xt[:1000])
                if mse:
                    fl = 0.5 * ((out - Yt[:1000]) ** 2).sum(dim=1).mean()
                else:
                    fl = F.cross_entropy(out, Lt[:1000])
            res["loss_after_first_run_first_1000"] = float(fl)
        timed_runs(res, spec, wl, one_run, after_first)
        res["torch_num_threads"] = torch.get_num_threads()
        res["param_dtype"] = str(weights[0].dtype)
        res["blas"] = blas_info()

    elif peer == "sklearn":
        import warnings
        from sklearn.neural_network import MLPClassifier
        from sklearn.exceptions import ConvergenceWarning
        warnings.simplefilter("ignore", ConvergenceWarning)
        # sklearn adds alpha*W/n_batch to the batch-mean gradient, so
        # alpha = lambda * batch gives the same effective decay lambda*W.
        alpha = lam * B
        clf = MLPClassifier(
            hidden_layer_sizes=tuple(wl["layers"][1:-1]),
            activation="logistic" if wl["hidden_activation"] == "sigmoid" else "relu",
            solver="sgd", alpha=alpha, batch_size=B, learning_rate="constant",
            learning_rate_init=lr, momentum=0.0, nesterovs_momentum=False,
            shuffle=True, random_state=0, max_iter=1, warm_start=True,
            early_stopping=False, tol=0.0, n_iter_no_change=10**9)
        classes = np.arange(N_CLASSES)
        clf.partial_fit(X[:warm * B], labels[:warm * B], classes=classes)
        n_meas = n if measure_batches is None else min(n, measure_batches * B)
        Xm, ym = X[:n_meas], labels[:n_meas]

        def one_run():
            # partial_fit = exactly one pass over the data it is given, in
            # shuffled mini-batches of batch_size (sklearn shuffles indices).
            return n_meas, lambda: clf.partial_fit(Xm, ym)
        timed_runs(res, spec, wl, one_run)
        res["sklearn_alpha"] = alpha
        res["sklearn_out_activation"] = clf.out_activation_
        res["sklearn_loss"] = clf.loss
        res["final_loss_running_epoch_mean"] = float(clf.loss_)
        res["param_dtype"] = str(clf.coefs_[0].dtype)
        res["blas"] = blas_info()
    else:
        raise ValueError(peer)

    full = measure_batches is None
    res["measured"] = ("one full epoch (%d samples) per run" % n) if full else \
        ("fixed %d batches (%d samples) per run, not a full epoch" % (measure_batches, res["runs"][0]["samples"]))
    res["full_epoch"] = full
    return res


SGEMM_SHAPES = [
    # name, A-shape-expr, B-shape-expr, in_training_step
    # Shapes are W2's layers with batch 256; W stored (out, in), C order,
    # exactly as the textbook numpy peer multiplies them.
    ("L1.fwd  X(256x784) @ W1.T(784x1024)", True),
    ("L2.fwd  A1(256x1024) @ W2.T(1024x1024)", True),
    ("L3.fwd  A2(256x1024) @ W3.T(1024x10)", True),
    ("L3.dX   D3(256x10) @ W3(10x1024)", True),
    ("L2.dX   D2(256x1024) @ W2(1024x1024)", True),
    ("L1.dX   D1(256x1024) @ W1(1024x784)  [not needed in training]", False),
    ("L3.gW   D3.T(10x256) @ A2(256x1024)", True),
    ("L2.gW   D2.T(1024x256) @ A1(256x1024)", True),
    ("L1.gW   D1.T(1024x256) @ X(256x784)", True),
]


def worker_sgemm(spec):
    import numpy as np
    rng = np.random.default_rng(99)
    f = np.float32
    B = 256
    X = rng.random((B, 784), dtype=f)
    A1 = rng.random((B, 1024), dtype=f)
    A2 = rng.random((B, 1024), dtype=f)
    W1 = rng.random((1024, 784), dtype=f) - 0.5
    W2 = rng.random((1024, 1024), dtype=f) - 0.5
    W3 = rng.random((10, 1024), dtype=f) - 0.5
    D1 = rng.random((B, 1024), dtype=f) - 0.5
    D2 = rng.random((B, 1024), dtype=f) - 0.5
    D3 = rng.random((B, 10), dtype=f) - 0.5
    operands = [(X, W1.T), (A1, W2.T), (A2, W3.T), (D3, W3), (D2, W2), (D1, W1),
                (D3.T, A2), (D2.T, A1), (D1.T, X)]
    min_t = spec["min_seconds"]
    shapes = []
    for (name, in_train), (a, b) in zip(SGEMM_SHAPES, operands):
        m, k = a.shape
        n = b.shape[1]
        flops = 2.0 * m * n * k
        out = np.empty((m, n), dtype=f)
        for _ in range(3):
            np.matmul(a, b, out=out)
        runs = []
        waits = []
        for _ in range(spec["repeats"]):
            waits.append(wait_quiet(spec.get("max_quiet_wait", 30)))
            calls = 0
            t0 = time.perf_counter()
            while True:
                np.matmul(a, b, out=out)
                calls += 1
                el = time.perf_counter() - t0
                if el >= min_t:
                    break
            runs.append(round(flops * calls / el / 1e9, 3))
        med = median(runs)
        shapes.append({"name": name, "m": m, "n": n, "k": k, "flops_per_call": flops,
                       "in_training_step": in_train, "gflops_runs": runs,
                       "waited_for_quiet_s_and_load": waits,
                       "median_gflops": med})
        log("  sgemm t=%d %-60s %.1f GFLOP/s" % (spec["threads"], name, med))

    memory = smaps_rollup()

    def agg(sel):
        tot = sum(s["flops_per_call"] for s in sel)
        tim = sum(s["flops_per_call"] / (s["median_gflops"] * 1e9) for s in sel)
        return round(tot / tim / 1e9, 3)

    return {"threads": spec["threads"], "shapes": shapes,
            "aggregate_gflops_training_step": agg([s for s in shapes if s["in_training_step"]]),
            "aggregate_gflops_all_shapes": agg(shapes),
            "aggregate_definition": "total flops / sum over shapes of (flops / median rate): the rate of doing each product once",
            "memory_kb_after_runs": memory,
            "blas": blas_info()}


def worker_inference(spec):
    import numpy as np
    peer = spec["peer"]
    n = spec["n_samples"]
    B = 256
    X, _, _ = make_data(n)
    res = {"peer": peer, "threads": spec["threads"], "batch": B, "n_samples": n,
           "batch_throughput": {}, "single_sample_latency": {}}
    nets = {}
    for wname in ("W1", "W2"):
        wl = WORKLOADS[wname]
        nets[wname] = init_params(wl["layers"], wl["hidden_activation"])

    if peer == "numpy":
        fns = {w: (lambda x, w=w: numpy_predict(nets[w][0], nets[w][1], x,
                                                 WORKLOADS[w]["hidden_activation"]))
               for w in nets}
        single_input = X[0].copy()  # (784,) vector
        ctx = contextlib.nullcontext
        to_in = lambda a: a  # noqa: E731
    else:
        import torch
        torch.set_num_threads(spec["threads"])
        models = {w: torch_model(WORKLOADS[w], *nets[w]).eval() for w in nets}
        fns = {w: models[w] for w in models}
        single_input = torch.from_numpy(X[0].copy())  # (784,) tensor
        ctx = torch.inference_mode
        to_in = torch.from_numpy

    batches = [X[i:i + B] for i in range(0, n, B)]
    with ctx():
        binputs = [to_in(b) for b in batches]
        for wname in ("W1", "W2"):
            f = fns[wname]
            for b in binputs[:5]:
                f(b)
            runs = []
            for _ in range(spec["repeats"]):
                wait_quiet(spec.get("max_quiet_wait", 30))
                t0 = time.perf_counter()
                for b in binputs:
                    f(b)
                runs.append(round(n / (time.perf_counter() - t0), 1))
            res["batch_throughput"][wname] = {"samples_per_s_runs": runs,
                                              "median_samples_per_s": median(runs)}
            log("  infer %s %s batch256: %.0f samples/s" % (peer, wname, median(runs)))

        f = fns["W1"]
        calls = spec["latency_calls"]
        pc = time.perf_counter_ns
        med_runs, p10_runs, p90_runs = [], [], []
        for _ in range(1000):
            f(single_input)
        for _ in range(spec["repeats"]):
            wait_quiet(spec.get("max_quiet_wait", 30))
            lat = []
            for _ in range(calls):
                t0 = pc()
                f(single_input)
                lat.append(pc() - t0)
            lat.sort()
            med_runs.append(round(lat[len(lat) // 2] / 1000.0, 3))
            p10_runs.append(round(lat[len(lat) // 10] / 1000.0, 3))
            p90_runs.append(round(lat[(len(lat) * 9) // 10] / 1000.0, 3))
        res["single_sample_latency"]["W1"] = {
            "input": "one (784,) vector, no batch dimension",
            "calls_per_run": calls,
            "median_us_runs": med_runs, "p10_us_runs": p10_runs, "p90_us_runs": p90_runs,
            "median_us": median(med_runs)}
        log("  infer %s W1 single sample: %.2f us" % (peer, median(med_runs)))
    res["blas"] = blas_info()
    return res


WORKERS = {"info": worker_info, "train": worker_train, "sgemm": worker_sgemm,
           "inference": worker_inference}


def worker_main(spec_json):
    spec = json.loads(spec_json)
    NOISE_BUDGET["left"] = float(spec.get("noise_budget", 0.0))
    res = WORKERS[spec["task"]](spec)
    res["noise_budget_used_s"] = round(NOISE_BUDGET["used"], 2)
    res["worker_env"] = {k: os.environ.get(k) for k in THREAD_ENV + STRIPPED_ENV + ("OMP_WAIT_POLICY", "GLIBC_TUNABLES")}
    sys.stdout.write(json.dumps(res) + "\n")
    sys.stdout.flush()


def openblas_core():
    """The core type OpenBLAS picks in the workers' environment (OPENBLAS_VERBOSE=2 prints it)."""
    env = child_env({}, 1)
    env["OPENBLAS_VERBOSE"] = "2"
    p = subprocess.run([PY, "-c", "import numpy; a = numpy.ones((64, 64), numpy.float32); a @ a"],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if line.startswith("Core:"):
            return line.split(":", 1)[1].strip()
    return None


# --------------------------------------------------------------------------
# orchestration (parent process)
# --------------------------------------------------------------------------

CORETYPE = [None]         # --coretype: OPENBLAS_CORETYPE for every worker (the fair kernels), else none
HUGEPAGES = [None]        # --hugepages: the workloads whose workers get malloc's huge pages ("all": every worker)
HUGETLB_TUNABLE = "glibc.malloc.hugetlb=1"


def wants_hugepages(spec):
    """--hugepages W2 (what bench/compare.sh's fair run gives): W2's training workers and the sgemm worker
    (W2's layer shapes); bare --hugepages: every worker. W1 is left out there because it measured no
    faster with them, and numpy's W1 now and then a third slower (docs/PERFORMANCE.md, "Huge pages for
    the peers")."""
    chosen = HUGEPAGES[0]
    if not chosen:
        return False
    if chosen == "all":
        return True
    return (spec.get("task") == "train" and spec.get("workload") in chosen) or \
        (spec.get("task") == "sgemm" and "W2" in chosen)


def hugepages_scope():
    """Which workers --hugepages gave huge pages, in words (None: none)."""
    chosen = HUGEPAGES[0]
    if not chosen:
        return None
    if chosen == "all":
        return "every worker"
    return "training of %s%s" % (",".join(sorted(chosen)), " and sgemm (W2's shapes)" if "W2" in chosen else "")


def glibc_tunables(hugepages):
    """GLIBC_TUNABLES of a worker: the parent's, plus malloc's huge pages where asked. With the kernel's THP
    mode "madvise" (Debian's default) a process gets huge pages only where it asks for them; numpy >= 1.16
    asks for its own arrays of 4 MB and more, Debian's PyTorch 1.13 does not, and this tunable (glibc >=
    2.35) makes malloc ask for the memory it maps."""
    tunables = [t for t in os.environ.get("GLIBC_TUNABLES", "").split(":") if t]
    if hugepages and HUGETLB_TUNABLE not in tunables:
        tunables.append(HUGETLB_TUNABLE)
    return ":".join(tunables) or None


def thp_mode():
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return f.read().strip()
    except OSError:
        return None


def child_env(spec, threads):
    env = dict(os.environ)
    for k in STRIPPED_ENV + ("OMP_WAIT_POLICY",):
        env.pop(k, None)
    if CORETYPE[0]:
        env["OPENBLAS_CORETYPE"] = CORETYPE[0]
    env.pop("GLIBC_TUNABLES", None)
    if glibc_tunables(wants_hugepages(spec)):
        env["GLIBC_TUNABLES"] = glibc_tunables(wants_hugepages(spec))
    for k in THREAD_ENV:
        env[k] = str(threads)
    mode = spec.get("torch_mode")
    if mode == "passive":
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    elif mode == "blas-only":
        env["OMP_NUM_THREADS"] = "1"
        env["MKL_NUM_THREADS"] = "1"
    return env


def run_worker(spec, threads):
    spec = dict(spec, threads=threads, noise_budget=max(NOISE_LEFT[0], 0.0))
    t0 = time.perf_counter()
    p = subprocess.run([PY, SCRIPT, "--worker", json.dumps(spec)],
                       env=child_env(spec, threads), stdout=subprocess.PIPE,
                       stderr=None, text=True)
    if p.returncode != 0:
        raise RuntimeError("worker failed (rc=%d): %s" % (p.returncode, json.dumps(spec)))
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["worker_wall_seconds"] = round(time.perf_counter() - t0, 2)
    NOISE_LEFT[0] -= res.get("noise_budget_used_s", 0.0)
    return res


NOISE_LEFT = [0.0]


def cpu_model():
    model, flags = None, []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model is None:
                    model = line.split(":", 1)[1].strip()
                elif line.startswith(("flags", "Features")) and not flags:   # x86, aarch64
                    flags = line.split(":", 1)[1].split()
    except OSError:
        pass
    simd = [x for x in flags if x.startswith(("avx", "fma", "sse4", "f16c", "asimd", "sve"))]
    return model, simd


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().strip()
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workload", default="all", choices=["W1", "W2", "all"])
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="smoke test: %d samples, short timings" % N_QUICK)
    ap.add_argument("--json-out", help="also write the JSON to this file")
    ap.add_argument("--peers", default="numpy,torch,sklearn", help="subset of numpy,torch,sklearn")
    ap.add_argument("--skip-sgemm", action="store_true")
    ap.add_argument("--skip-inference", action="store_true")
    ap.add_argument("--sklearn-w2-batches", type=int, default=0,
                    help="W2 sklearn runs measure this many batches instead of a full epoch (0 = full epoch)")
    ap.add_argument("--max-quiet-wait", type=float, default=20.0,
                    help="before each timed run wait up to this many seconds for other processes to go quiet")
    ap.add_argument("--noise-budget", type=float, default=None,
                    help="total seconds the whole benchmark may spend waiting for quiet and on extra runs "
                         "replacing contaminated ones (default 240, 10 with --quick)")
    ap.add_argument("--no-torch-variants", action="store_true",
                    help="with >1 thread, run only the headline torch set-up (not torch[spin], torch[blas-only])")
    ap.add_argument("--coretype", help="OPENBLAS_CORETYPE for every worker (e.g. SkylakeX, Zen): the kernels OpenBLAS "
                    "should pick for this processor; default: none, i.e. what Debian's OpenBLAS picks by itself")
    ap.add_argument("--hugepages", nargs="?", const="all", metavar="W1,W2",
                    help="run workers with GLIBC_TUNABLES=%s added: malloc asks for transparent huge pages "
                    "(numpy already does for its large arrays, Debian's PyTorch does not). With a list of "
                    "workloads, only their training workers (W2: and the sgemm worker, on W2's shapes); bare: "
                    "every worker; default: none (as the environment has it)" % HUGETLB_TUNABLE)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker_main(args.worker)
        return
    CORETYPE[0] = args.coretype
    if args.hugepages and args.hugepages != "all":
        HUGEPAGES[0] = {w.strip().upper() for w in args.hugepages.split(",") if w.strip()}
        if not HUGEPAGES[0] <= set(WORKLOADS):
            ap.error("--hugepages: expected workloads among %s, got %r" % (",".join(WORKLOADS), args.hugepages))
    else:
        HUGEPAGES[0] = args.hugepages

    started = datetime.datetime.now(datetime.timezone.utc)
    t_start = time.perf_counter()
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    workloads = ["W1", "W2"] if args.workload == "all" else [args.workload]
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    n = N_QUICK if args.quick else N_FULL
    warm = 5 if args.quick else 20
    R = max(1, args.repeats)
    NOISE_LEFT[0] = args.noise_budget if args.noise_budget is not None else (10.0 if args.quick else 240.0)
    noise_budget_total = NOISE_LEFT[0]

    model, simd = cpu_model()
    out = {
        "schema": SCHEMA,
        "command_line": [PY if sys.executable == PY else sys.executable] + sys.argv,
        "cwd": os.getcwd(),
        "started_utc": started.isoformat(timespec="seconds"),
        "options": {"workloads": workloads, "threads": threads, "repeats": R,
                    "quick": args.quick, "peers": peers, "n_samples": n,
                    "warmup_batches": warm, "max_quiet_wait": args.max_quiet_wait,
                    "noise_budget_s": noise_budget_total,
                    "sklearn_w2_batches": args.sklearn_w2_batches or None},
        "machine": {"cpu_model": model, "cpu_simd_flags": simd, "nproc": os.cpu_count(),
                    "openblas_coretype": CORETYPE[0], "openblas_core": openblas_core(),
                    "hugepages_for": hugepages_scope(), "glibc_tunables": glibc_tunables(False),
                    "glibc_tunables_with_hugepages": glibc_tunables(True) if HUGEPAGES[0] else None,
                    "transparent_hugepage": thp_mode(),
                    "platform": platform.platform(), "loadavg_start": loadavg()},
        "environment": {
            "parent_values_of_stripped_vars": {k: os.environ.get(k) for k in STRIPPED_ENV},
            "note": "every worker subprocess runs with %s removed (OPENBLAS_CORETYPE set again by --coretype) and %s set to "
                    "its thread count before numpy/torch import; GLIBC_TUNABLES the parent's "
                    "(machine.glibc_tunables), with %s added for the workers machine.hugepages_for names "
                    "(--hugepages; each worker's own value in its worker_env)" % (" and ".join(STRIPPED_ENV), ", ".join(THREAD_ENV), HUGETLB_TUNABLE),
        },
        "definitions": {
            "workloads": WORKLOADS,
            "data": "X = default_rng(%d).random((N,784), float32) in [0,1); labels = same rng .integers(0,10,N); "
                    "Y = one-hot float32; N = %d" % (DATA_SEED, n),
            "throughput": "steady-state training samples/s: after %d warm-up batches, time one shuffled epoch "
                          "(or a stated fixed number of batches), batch gathering included; median over repeats" % warm,
            "gflops": "the flops a training step performs in its matrix products, 2 per multiply-add: "
                      "step_flops_per_sample = 2 * (3 * n_weights - layers[0] * layers[1]) (forward product and weight "
                      "gradient of every layer, the backward product W.T @ delta of every layer but the first) "
                      "* samples_per_s / 1e9; biases and elementwise work not counted. No peer computes the first "
                      "layer's input delta: numpy's textbook step stops at d1; PyTorch's input batch does not require "
                      "grad, so autograd computes no gradient for it (its profiler shows no such mm); scikit-learn's "
                      "_backprop runs deltas[i - 1] = deltas[i] @ coefs_[i].T for i >= 1 only. gflops_nominal_6n = "
                      "6 * n_weights * samples_per_s / 1e9 is the figure of schema backprop4j-peers/1, which counted "
                      "that product too (17 % more than performed on W2, 49 % on W1)",
            "repeats": "repeats run back-to-back in one worker process after a single warm-up; before each "
                       "timed run the worker waits (up to --max-quiet-wait s, within --noise-budget) until other processes use < 0.15 "
                       "cores; a run during which other processes used more than %.2f cores on average (+0.05 cpu-s "
                       "for /proc/stat's tick granularity) is marked "
                       "contaminated and replaced by an extra run (at most 2 x repeats attempts, within --noise-budget); medians are over "
                       "the clean runs when there are any (see median_over)" % CONTAMINATION_LIMIT,
            "peers": {
                "numpy": "textbook: z = a @ W.T + b, W shaped (out,in), deltas backwards, gradients d.T @ a; "
                         "OpenBLAS threads via OPENBLAS_NUM_THREADS in the worker's environment",
                "torch": "nn.Sequential of nn.Linear (+ nn.Sigmoid/nn.ReLU); torch.optim.SGD momentum 0 with param "
                         "groups: weight_decay=lambda on weights, 0 on biases (SGD weight_decay adds lambda*W to grad, "
                         "identical to the workload); torch.set_num_threads(n) plus the thread env vars",
                "sklearn": "MLPClassifier(solver='sgd', momentum=0, nesterovs_momentum=False, learning_rate='constant', "
                           "batch_size, learning_rate_init=lr, alpha=lambda*batch (sklearn adds alpha*W/batch to the "
                           "mean gradient), activation logistic (W1) / relu (W2)); timed partial_fit over the "
                           "measured samples = one shuffled pass in mini-batches. APPROXIMATION for W1: sklearn's "
                           "classifier uses a softmax output with log-loss, not sigmoid output with squared error; it "
                           "also computes the loss and the L2 penalty every batch.",
            },
        },
    }

    log("info worker ...")
    info = run_worker({"task": "info"}, 1)
    out["versions"] = info.pop("versions")
    out["blas"] = info
    b = info.get("blas", {})
    log("numpy BLAS:", b.get("openblas_config"), "| core:", b.get("openblas_corename"))

    if not args.skip_sgemm:
        out["sgemm"] = []
        for t in threads:
            log("sgemm, threads=%d ..." % t)
            out["sgemm"].append(run_worker({"task": "sgemm", "repeats": R, "max_quiet_wait": args.max_quiet_wait,
                                            "min_seconds": 0.05 if args.quick else 0.3}, t))

    out["training"] = []
    for w in workloads:
        for t in threads:
            for p in peers:
                mb = None
                if p == "sklearn" and w == "W2" and args.sklearn_w2_batches:
                    mb = min(args.sklearn_w2_batches, -(-n // WORKLOADS[w]["batch"]))
                modes = [None]
                if p == "torch":
                    # the three thread set-ups only differ when t > 1
                    modes = ["passive"] + (["spin", "blas-only"] if t > 1 and not args.no_torch_variants else [])
                for mode in modes:
                    label = p if mode in (None, "passive") else "%s[%s]" % (p, mode)
                    log("train %s %s threads=%d ..." % (w, label, t))
                    spec = {"task": "train", "workload": w, "peer": p, "n_samples": n, "label": label,
                            "max_quiet_wait": args.max_quiet_wait,
                            "warmup_batches": warm, "repeats": R, "measure_batches": mb}
                    if mode:
                        spec["torch_mode"] = mode
                    out["training"].append(run_worker(spec, t))

    if not args.skip_inference:
        out["inference"] = []
        for p in [p for p in peers if p in ("numpy", "torch")]:
            for t in threads:
                log("inference %s threads=%d ..." % (p, t))
                spec = {"task": "inference", "peer": p, "n_samples": n, "repeats": R,
                        "max_quiet_wait": args.max_quiet_wait,
                        "latency_calls": 2000 if args.quick else 20000}
                if p == "torch":
                    spec["torch_mode"] = "passive"
                out["inference"].append(run_worker(spec, t))

    # compact summary of the medians
    summ = {"training": {}, "sgemm": {}, "inference": {}}
    for r in out["training"]:
        summ["training"].setdefault(r["workload"], {}).setdefault(r["label"], {})["threads=%d" % r["threads"]] = {
            "median_samples_per_s": r["median_samples_per_s"], "median_gflops": r["median_gflops"],
            "full_epoch": r["full_epoch"],
            "median_over": r["median_over"], "runs": len(r["runs"])}
    # numpy and torch start from the same weights and see the same batches, so
    # their losses after the warm-up and the first timed run must agree:
    # evidence that both do the same maths.
    checks = {}
    for w in workloads:
        for t in threads:
            ls = {r["label"]: r.get("loss_after_first_run_first_1000") for r in out["training"]
                  if r["workload"] == w and r["threads"] == t and r["peer"] in ("numpy", "torch")}
            if ls:
                checks["%s threads=%d" % (w, t)] = ls
    summ["loss_after_first_run_numpy_vs_torch"] = checks
    for s in out.get("sgemm", []):
        summ["sgemm"]["threads=%d" % s["threads"]] = {
            "aggregate_gflops_training_step": s["aggregate_gflops_training_step"],
            "aggregate_gflops_all_shapes": s["aggregate_gflops_all_shapes"],
            "per_shape_median_gflops": {x["name"]: x["median_gflops"] for x in s["shapes"]}}
    for r in out.get("inference", []):
        entry = {
            "batch256_samples_per_s": {w: v["median_samples_per_s"] for w, v in r["batch_throughput"].items()},
            "W1_single_sample_median_us": r["single_sample_latency"]["W1"]["median_us"]}
        summ["inference"].setdefault(r["peer"] + "_by_threads", {})["threads=%d" % r["threads"]] = entry
        if r["threads"] == 1:  # the flat entry stays the 1-thread figure, as before
            summ["inference"][r["peer"]] = entry
    out["summary"] = summ
    out["noise_budget_used_s"] = round(noise_budget_total - NOISE_LEFT[0], 1)
    summ["contaminated_runs"] = sum(1 for r in out["training"] for x in r["runs"] if x["contaminated"])
    summ["training_runs"] = sum(len(r["runs"]) for r in out["training"])
    out["machine"]["loadavg_end"] = loadavg()
    out["finished_utc"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    out["total_seconds"] = round(time.perf_counter() - t_start, 1)

    text = json.dumps(out, indent=1)
    sys.stdout.write(text + "\n")
    if args.json_out:
        with open(args.json_out, "w") as f:
            f.write(text + "\n")
    log("done in %.0f s" % out["total_seconds"])


if __name__ == "__main__":
    main()
