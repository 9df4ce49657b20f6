#!/usr/bin/env bash
# Same bits on ARM: the project's jars on Debian's arm64 JDK 17, run on this x86 machine under qemu's user-mode
# emulation of three aarch64 processors, against the same runs on this machine's own JDK:
#   neoverse-n1    NEON only, 128-bit vectors (Graviton2, Ampere Altra; Apple's M cores have the same width)
#   max,sve256=on  SVE with 256-bit vectors (Graviton3)
#   max,sve512=on  SVE with 512-bit vectors (Fujitsu A64FX)
# Each runs three things and compares its hashes with this machine's: SameBitsEverywhereTest's main (NT products
# that reach every engine, a trained network, one-sample predictions, 60,000 compiled one-sample products); `nn`'s
# demo (MNIST, 10 epochs, weights 1fbca5eb...); MNIST with --batch-size 1 for an epoch (every forward product a
# one-sample product). qemu computes every float operation as IEEE 754 says, FMA included, so the bits are the
# bits of an ARM core running this code; its speed says nothing about one (hence no timings here).
#
#   bench/aarch64/run.sh            # all three processors: 11.4 minutes on 2 cores (AMD Zen 5, 2026-12-03)
#   CPUS=neoverse-n1 bench/aarch64/run.sh
#
# Installs qemu-user-static and openjdk-17-jre-headless:arm64 with apt-get when missing (root; adds the arm64
# architecture to dpkg). Debian keeps both architectures' JDK 17 at one version, so this may upgrade the amd64 one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ARM_JAVA=/usr/lib/jvm/java-17-openjdk-arm64/bin/java
CPUS=${CPUS:-"neoverse-n1 max,sve256=on max,sve512=on"}

if ! command -v qemu-aarch64-static >/dev/null; then
  apt-get install -y --no-install-recommends qemu-user-static >/dev/null
fi
if [ ! -x "$ARM_JAVA" ]; then
  dpkg --add-architecture arm64
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends openjdk-17-jre-headless:arm64 >/dev/null
fi

cd "$ROOT"
./mvnw -B -q -pl cli -am package -DskipTests
OUT="$ROOT/target/aarch64"
rm -rf "$OUT"
mkdir -p "$OUT"
CP="$ROOT/core/target/classes:$ROOT/core/target/test-classes"
D="$ROOT/data"
B1=(train --data "$D/mnist10k-train-images-idx3-ubyte.gz" --labels "$D/mnist10k-train-labels-idx1-ubyte.gz" --layers 100
    --activation sigmoid --output-activation sigmoid --loss mse --batch-size 1 --learning-rate 3.0 --epochs 1 --seed 1 --threads 2)

# checks DIR JAVA...: the three runs with the given java command, outputs in DIR
checks() {
  local dir=$1; shift
  mkdir -p "$dir"
  (cd "$dir" && "$@" --add-modules jdk.incubator.vector -cp "$CP" org.backprop4j.math.SameBitsEverywhereTest > samebits.txt 2> samebits.err)
  (cd "$dir" && "$@" --add-modules jdk.incubator.vector -Dnn.home="$ROOT" -jar "$ROOT/cli/target/nn.jar" > demo.txt 2>&1)
  (cd "$dir" && "$@" --add-modules jdk.incubator.vector -jar "$ROOT/cli/target/nn.jar" "${B1[@]}" --out "$dir/batch1.json" > batch1.txt 2>&1)
}
hash_of() { grep -o 'sha256 [0-9a-f]*' "$1" | tail -1 | cut -c8-; }

echo "this machine: $(java -version 2>&1 | head -1)"
checks "$OUT/native" java
printf '%-16s %-24s %-10s %-10s %-10s\n' processor kernels products demo batch-1
printf '%-16s %-24s %-10s %-10s %-10s\n' "this machine" "$(head -1 "$OUT/native/samebits.txt")" "-" "$(hash_of "$OUT/native/demo.txt" | cut -c1-8)" "$(hash_of "$OUT/native/batch1.txt" | cut -c1-8)"
status=0
for cpu in $CPUS; do
  dir="$OUT/${cpu//[,=]/_}"
  checks "$dir" qemu-aarch64-static -cpu "$cpu" "$ARM_JAVA"
  same() { if [ "$1" = "$2" ] && [ -n "$1" ]; then echo same; else echo DIFFERENT; fi; }
  products=$(same "$(tail -n +2 "$dir/samebits.txt" | sha256sum)" "$(tail -n +2 "$OUT/native/samebits.txt" | sha256sum)")
  demo=$(same "$(hash_of "$dir/demo.txt")" "$(hash_of "$OUT/native/demo.txt")")
  batch1=$(same "$(hash_of "$dir/batch1.txt")" "$(hash_of "$OUT/native/batch1.txt")")
  printf '%-16s %-24s %-10s %-10s %-10s\n' "$cpu" "$(head -1 "$dir/samebits.txt")" "$products" "$demo" "$batch1"
  case "$products $demo $batch1" in *DIFFERENT*) status=1 ;; esac
done
exit $status
