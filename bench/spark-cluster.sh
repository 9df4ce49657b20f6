#!/usr/bin/env bash
# The cluster figures of docs/SCALING.md: a Spark 3.5.6 standalone cluster on this machine (spark/local-cluster.sh:
# one master, one worker with 2 cores, one executor JVM of 2 cores) against local[2] in the same run, on the MNIST
# subset in data/ (8,000 training, 2,000 test images), 784-100-10 (sigmoid hidden, softmax, cross-entropy).
#   1. cost of a step: ./nn train --spark, synchronous aggregation (batch 100, 2 epochs = 160 steps) and parameter
#      averaging every 10 local steps (2 epochs = 16 rounds), on the cluster and on local[2]; bytes shipped per step
#   2. time to accuracy (TARGETS, default 91,93.4) on the cluster: ours (TTA_RUNS) against MLlib's
#      MultilayerPerceptronClassifier (MLLIB_ITERATIONS), as bench/spark-scaling.sh tta does on local[2]
# Usage: bench/spark-cluster.sh [steps|tta|all]     (PORT: the master's port, default 7178)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WHAT="${1:-all}"
PORT="${PORT:-7178}"
DIR="$(mktemp -d)"
export SPARK_LOCAL_IP=127.0.0.1
./nn train --spark 'local[1]' --help >/dev/null          # builds the spark module first, outside the timings
trap 'spark/local-cluster.sh stop "$DIR/cluster" >/dev/null 2>&1; rm -rf "$DIR"' EXIT
URL="$(PORT=$PORT CORES=2 MEMORY=2g spark/local-cluster.sh start "$DIR/cluster")"
echo "cluster $URL; $(lscpu | grep 'Model name' | sed 's/  */ /g'); load: $(uptime | sed 's/.*load/load/')"
D=data
TRAIN="--data $D/mnist10k-train-images-idx3-ubyte.gz --labels $D/mnist10k-train-labels-idx1-ubyte.gz"
TEST="--test-data $D/mnist10k-test-images-idx3-ubyte.gz --test-labels $D/mnist10k-test-labels-idx1-ubyte.gz"
NET="--layers 100 --activation sigmoid --loss cross-entropy --batch-size 100 --epochs 2 --learning-rate 0.5 --seed 1 --partitions 2"
if [ "$WHAT" = steps ] || [ "$WHAT" = all ]; then
  for master in "$URL" 'local[2]'; do
    echo "== $master, synchronous aggregation, 160 steps"
    NN_JAVA_OPTS="-Dspark.executor.memory=1g" ./nn train --spark "$master" $TRAIN $TEST $NET --quiet --out "$DIR/sync.json"
    echo "== $master, parameter averaging every 10 local steps, 8 rounds"
    NN_JAVA_OPTS="-Dspark.executor.memory=1g" ./nn train --spark "$master" --strategy average --average-every 10 $TRAIN $TEST $NET \
        --quiet --out "$DIR/avg.json"
  done
fi
if [ "$WHAT" = tta ] || [ "$WHAT" = all ]; then
  TARGETS="${TARGETS:-91,93.4}"
  IMAGES="$D/mnist10k-train-images-idx3-ubyte.gz $D/mnist10k-train-labels-idx1-ubyte.gz $D/mnist10k-test-images-idx3-ubyte.gz $D/mnist10k-test-labels-idx1-ubyte.gz"
  FLAGS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
  # the drivers: the application jar shipped to the executor, which gets the Vector API module (as nn train --spark does)
  CONF="-Dspark.jars=$ROOT/spark/target/backprop4j-spark.jar -Dspark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector -Dspark.executor.memory=1g -Dlog4j2.configurationFile=$ROOT/spark/src/test/resources/log4j2.properties"
  echo "== ours on the cluster; test accuracy after every epoch"
  java --add-modules=jdk.incubator.vector $FLAGS $CONF -cp "spark/target/backprop4j-spark.jar:$(cat spark/target/spark-classpath.txt)" \
      org.backprop4j.spark.TimeToAccuracy "$URL" $IMAGES 100 "$TARGETS" ${TTA_RUNS:-average:80:sgd:1.0:50:15} 2> >(grep -v '^WARNING: Using incubator' >&2) \
      | tee "$DIR/ours"
  echo "== MLlib MultilayerPerceptronClassifier on the cluster, L-BFGS"
  java $FLAGS $CONF -cp "spark/target/backprop4j-spark.jar:$(cat spark/target/spark-classpath.txt)" \
      org.backprop4j.spark.MllibBaseline "$URL" $IMAGES 100 "${MLLIB_ITERATIONS:-30,40,50}" "$TARGETS" | tee "$DIR/mllib"
  IFS=, read -ra TS <<<"$TARGETS"
  for t in "${TS[@]}"; do
    o=$(grep -F "ours: time to >= $(printf '%.2f' "$t")%" "$DIR/ours" | sed 's/.*accuracy: //')
    m=$(grep -F "mllib: time to >= $(printf '%.2f' "$t")%" "$DIR/mllib" | sed 's/.*accuracy: //')
    echo "time to >= $t% accuracy on the cluster: ours $o, MLlib $m"
  done
fi
echo "load after: $(uptime | sed 's/.*load/load/')"
