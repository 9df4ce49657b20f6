#!/usr/bin/env bash
# The measurements of docs/SCALING.md: the MNIST subset in data/ (8,000 training, 2,000 test images),
# network 784-100-10 (sigmoid hidden, softmax output, cross-entropy), trained by
#   the single-machine trainer, Spark local[1] and local[2] with synchronous aggregation,
#   Spark local[2] with parameter averaging, and MLlib's MultilayerPerceptronClassifier (L-BFGS) on local[2].
# Prints, per run: wall time of training, bytes shipped per step, test accuracy.
# Usage: bench/spark-scaling.sh [EPOCHS] [BATCH]
#        bench/spark-scaling.sh tta [TARGETS]   time to accuracy against MLlib on local[2] (TARGETS default 91,93.4):
#   our Spark runs (TTA_RUNS, each strategy:averageEvery:optimizer:learningRate:batch:epochs) evaluated on the test set
#   after every epoch (evaluation not timed), MLlib fitted with each of MLLIB_ITERATIONS; then per target
#   "time to >= X% accuracy" for ours (the fastest run) and for MLlib. Both warm their JVM up with one untimed fit first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SPARK_FLAGS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
IMAGES="data/mnist10k-train-images-idx3-ubyte.gz data/mnist10k-train-labels-idx1-ubyte.gz data/mnist10k-test-images-idx3-ubyte.gz data/mnist10k-test-labels-idx1-ubyte.gz"
spark_java() {
  java --add-modules=jdk.incubator.vector $SPARK_FLAGS \
       -cp "spark/target/backprop4j-spark.jar:$(cat spark/target/spark-classpath.txt)" "$@" 2> >(grep -v '^WARNING: Using incubator' >&2)
}
if [ "${1:-}" = "tta" ]; then
  TARGETS="${2:-91,93.4}"
  RUNS="${TTA_RUNS:-average:80:sgd:1.0:50:25 average:40:sgd:0.5:100:30 average:10:sgd:0.5:100:15 average:40:adam:0.001:100:15 sync:0:adam:0.003:1000:15}"
  ./nn train --spark 'local[1]' --help >/dev/null   # builds the spark module first, outside the timings
  echo "== ours, Spark local[2], 784-100-10 sigmoid/softmax, cross-entropy; test accuracy after every epoch"
  spark_java org.backprop4j.spark.TimeToAccuracy 'local[2]' $IMAGES 100 "$TARGETS" $RUNS | tee /tmp/tta-ours.$$
  echo "== MLlib MultilayerPerceptronClassifier, local[2], 784-100-10 L-BFGS"
  spark_java org.backprop4j.spark.MllibBaseline 'local[2]' $IMAGES 100 "${MLLIB_ITERATIONS:-10,15,20,25,30,40,50}" "$TARGETS" \
    | tee /tmp/tta-mllib.$$
  echo "== summary"
  IFS=, read -ra TS <<<"$TARGETS"
  for t in "${TS[@]}"; do
    o=$(grep -F "ours: time to >= $(printf '%.2f' "$t")%" /tmp/tta-ours.$$ | sed 's/.*accuracy: //')
    m=$(grep -F "mllib: time to >= $(printf '%.2f' "$t")%" /tmp/tta-mllib.$$ | sed 's/.*accuracy: //')
    echo "time to >= $t% accuracy: ours $o, MLlib $m"
  done
  rm -f /tmp/tta-ours.$$ /tmp/tta-mllib.$$
  exit 0
fi
EPOCHS="${1:-10}"
BATCH="${2:-100}"
D=data
TRAIN="--data $D/mnist10k-train-images-idx3-ubyte.gz --labels $D/mnist10k-train-labels-idx1-ubyte.gz"
TEST="--test-data $D/mnist10k-test-images-idx3-ubyte.gz --test-labels $D/mnist10k-test-labels-idx1-ubyte.gz"
NET="--layers 100 --activation sigmoid --loss cross-entropy --batch-size $BATCH --epochs $EPOCHS --learning-rate 0.5 --seed 1"
OUT="$(mktemp -d)"

./nn train --spark 'local[1]' --help >/dev/null   # builds the spark module (and nn.jar) first, outside the timings

echo "== single machine (nn train, 1 kernel thread)"
s=$(date +%s.%N); ./nn train $TRAIN $TEST $NET --threads 1 --quiet --out "$OUT/single.json"; e=$(date +%s.%N)
echo "wall $(echo "$e - $s" | bc) s (JVM start and data loading included)"

for master in 'local[1]' 'local[2]'; do
  echo "== spark $master, synchronous aggregation"
  ./nn train --spark "$master" $TRAIN $TEST $NET --quiet --out "$OUT/sync.json"
done

echo "== spark local[2], parameter averaging every 10 local steps"
./nn train --spark 'local[2]' --strategy average --average-every 10 $TRAIN $TEST $NET --quiet --out "$OUT/avg.json"

echo "== MLlib MultilayerPerceptronClassifier, local[2], 784-100-10 L-BFGS"
java $SPARK_FLAGS \
     -cp "spark/target/backprop4j-spark.jar:$(cat spark/target/spark-classpath.txt)" org.backprop4j.spark.MllibBaseline 'local[2]' \
     $D/mnist10k-train-images-idx3-ubyte.gz $D/mnist10k-train-labels-idx1-ubyte.gz \
     $D/mnist10k-test-images-idx3-ubyte.gz $D/mnist10k-test-labels-idx1-ubyte.gz 100 "${MLLIB_ITERATIONS:-25,50,100}"
rm -rf "$OUT"
