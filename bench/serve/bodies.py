"""Writes the request bodies of bench/serve-load.sh: the first 1 and the first 256 MNIST test images
of data/ as {"rows": [[784 pixels in [0,1]], ...]} (pixel / 255, as nn reads IDX images)."""
import gzip
import json
import sys

root, out = sys.argv[1], sys.argv[2]
with gzip.open(f"{root}/data/mnist10k-test-images-idx3-ubyte.gz", "rb") as f:
    data = f.read()
n, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
pixels = data[16:16 + 256 * rows * cols]
images = [[round(pixels[k * 784 + j] / 255, 6) for j in range(784)] for k in range(256)]
for count in (1, 256):
    with open(f"{out}/body{count}.json", "w") as f:
        json.dump({"rows": images[:count]}, f, separators=(",", ":"))
