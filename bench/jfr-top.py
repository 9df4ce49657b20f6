#!/usr/bin/env python3
"""Where a JVM's time went, by JFR's execution samples: the share of samples per top frame (the method running).

The JDK's own sampler needs no agent and no hardware counters (this machine's Firecracker guest exposes none: no
`cpu` under /sys/bus/event_source/devices, so `perf` cannot sample cycles):
    java -XX:PerMethodTrapLimit=1000 -XX:+UseTransparentHugePages --add-modules jdk.incubator.vector \\
         -XX:StartFlightRecording=filename=w2.jfr,settings=profile \\
         -cp bench/target/benchmarks.jar org.backprop4j.bench.StepCalls W2 1 600
    python3 bench/jfr-top.py w2.jfr [rows] [--lines]
Prints each method's share of the samples, most first; with --lines, the top three frames with their line numbers
(which loop of a method, and who called it). Inlined methods count as themselves: JFR walks the compiled code's
debug information. The sampler takes a running Java thread about every 10 ms (settings=profile), so a run of a few
seconds gives some hundreds of samples: shares under 1 % are noise.
"""
import collections
import json
import subprocess
import sys


def frame(f, line):
    name = f["method"]["type"]["name"].split("/")[-1] + "." + f["method"]["name"]
    return name + (":" + str(f.get("lineNumber")) if line else "")


def main(path, rows, lines):
    try:
        result = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", path],
                                capture_output=True, text=True)
    except FileNotFoundError:
        sys.exit("jfr-top: the JDK's `jfr` tool is not on PATH")
    if result.returncode != 0:
        why = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()[0]
        sys.exit(f"jfr-top: {path}: jfr print failed: {why}")
    counts = collections.Counter()
    for event in json.loads(result.stdout)["recording"]["events"]:
        frames = event["values"]["stackTrace"]["frames"]
        if frames:
            counts[" < ".join(frame(f, lines) for f in frames[:3 if lines else 1])] += 1
    total = sum(counts.values())
    if total == 0:
        sys.exit(f"jfr-top: no execution samples in {path}")
    print(f"{total} samples")
    for key, n in counts.most_common(rows):
        print(f"{100.0 * n / total:5.1f} %  {key}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--lines"]
    if not args or len(args) > 2:
        sys.exit("usage: jfr-top.py RECORDING.jfr [rows] [--lines]")
    if len(args) == 2 and not (args[1].isdigit() and int(args[1]) > 0):
        sys.exit(f"jfr-top: rows must be a whole number above 0, got '{args[1]}'")
    main(args[0], int(args[1]) if len(args) == 2 else 25, "--lines" in sys.argv)
