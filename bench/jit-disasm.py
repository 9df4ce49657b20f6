#!/usr/bin/env python3
"""Disassembles the C2 code of one Java method from a HotSpot -XX:CompileCommand=print log.

Debian's hsdis (libhsdis0-fcml) prints AVX-512 instructions as raw bytes; objdump (binutils) reads them.
    java --add-modules jdk.incubator.vector -XX:PerMethodTrapLimit=1000 -XX:+UnlockDiagnosticVMOptions \\
         -XX:CompileCommand=print,org.backprop4j.math.vector.Dots::dot4x4Packed -cp bench/target/benchmarks.jar \\
         org.backprop4j.math.vector.DotTile packed > jit.log
    python3 bench/jit-disasm.py jit.log Dots::dot4x4Packed
Takes the last full (not on-stack-replacement) C2 compile of the method and prints objdump's Intel syntax.
"""
import os
import re
import subprocess
import sys
import tempfile


def main(log, method):
    lines = open(log, errors="replace").read().splitlines()
    starts = [i for i, l in enumerate(lines)
              if l.startswith("Compiled method (c2)") and method in l and " % " not in l]
    if not starts:
        sys.exit(f"jit-disasm: no C2 compile of {method} in {log}")
    code, base = bytearray(), None
    for l in lines[starts[-1] + 1:]:
        if l.startswith("Compiled method"):
            break
        m = re.match(r"\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8} ?\|? ?)+)$", l)
        if not m:
            continue
        addr, data = int(m.group(1), 16), bytes.fromhex(m.group(2).replace("|", "").replace(" ", ""))
        base = addr if base is None else base
        if addr - base > 1 << 20:
            break
        code[len(code):] = b"\x90" * max(0, addr - base - len(code))   # gaps (comments between rows): nops
        code[addr - base:addr - base + len(data)] = data
    if base is None:
        sys.exit(f"jit-disasm: the compile of {method} has no code bytes (is -XX:+UnlockDiagnosticVMOptions set?)")
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:      # objdump reads regular files only
        f.write(code)
    try:
        out = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-M", "intel",
                              f"--adjust-vma={base}", f.name], capture_output=True)
    finally:
        os.unlink(f.name)
    if out.returncode != 0:
        sys.exit("jit-disasm: objdump failed: " + out.stderr.decode(errors="replace").strip())
    sys.stdout.write(out.stdout.decode())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: jit-disasm.py LOG Class::method")
    main(sys.argv[1], sys.argv[2])
