#!/usr/bin/env python3
"""Which threads on this machine use CPU while nothing of ours runs: the noise that two-thread
benchmarks meet. Reads utime + stime of every thread from /proc twice, SECONDS apart (default 5),
and prints the busiest, in percent of one CPU.   usage: bench/idle-cpu.py [SECONDS]"""
import os
import sys
import time


def snapshot():
    ticks = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                stat = open(f"/proc/{pid}/task/{tid}/stat").read()
                name = stat[stat.index("(") + 1:stat.rindex(")")]
                fields = stat[stat.rindex(")") + 2:].split()
                ticks[(pid, tid, name, fields[36])] = int(fields[11]) + int(fields[12])  # utime + stime; last CPU
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return ticks


seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
hz = os.sysconf("SC_CLK_TCK")
before = snapshot()
time.sleep(seconds)
after = snapshot()
busy = sorted(((t - before.get(k, t), k) for k, t in after.items()), reverse=True)[:8]
for ticks, (pid, tid, name, cpu) in busy:
    if ticks > 0:
        print(f"{100.0 * ticks / hz / seconds:5.1f} %  {name} (pid {pid}, thread {tid}, last on CPU {cpu})")
