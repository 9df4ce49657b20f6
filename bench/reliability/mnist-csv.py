#!/usr/bin/env python3
"""Writes a 60000 x 785 MNIST-shaped CSV (label, then 784 pixels 0..255, no header, as the common
mnist_train.csv) from the shipped MNIST IDX training files, repeated (cyclically) to 60000 rows: the reliability
benchmark's input (docs/RELIABILITY.md). Usage: mnist-csv.py OUT.csv"""
import gzip, struct, sys, os

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'data')
with gzip.open(os.path.join(root, 'mnist10k-train-images-idx3-ubyte.gz')) as f:
    _, n, rows, cols = struct.unpack('>IIII', f.read(16))
    pixels = f.read(n * rows * cols)
with gzip.open(os.path.join(root, 'mnist10k-train-labels-idx1-ubyte.gz')) as f:
    f.read(8)
    labels = f.read(n)
d = rows * cols
lines = [','.join([str(labels[i])] + [str(b) for b in pixels[i * d:(i + 1) * d]]) for i in range(n)]
with open(sys.argv[1], 'w') as out:
    for i in range(60000):
        out.write(lines[i % n])
        out.write('\n')
