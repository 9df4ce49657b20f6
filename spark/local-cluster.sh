#!/usr/bin/env bash
# A Spark 3.5.6 standalone cluster on this machine, from the jars Maven resolved for the spark module
# (spark/target/spark-classpath.txt; nothing is downloaded): one master and one worker on 127.0.0.1,
# the worker starting each application's executors in JVMs of their own, as on a real cluster.
#
#   spark/local-cluster.sh start [DIR]   start them (state, logs and the Spark home in DIR, default
#                                        spark/target/local-cluster); prints the master's URL
#   spark/local-cluster.sh stop [DIR]    stop them (the worker stops its executors)
#
# Environment: PORT (master, default 7077), CORES (worker, default 2), MEMORY (worker, default 2g).
# DIR/spark-home is a Spark home (RELEASE, jars/, bin/spark-submit) the worker needs to start
# executors; DIR/spark-home/bin/spark-submit submits applications like Spark's own script.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ACTION="${1:-}"
DIR="$(mkdir -p "${2:-$ROOT/spark/target/local-cluster}" && cd "${2:-$ROOT/spark/target/local-cluster}" && pwd)"
PORT="${PORT:-7077}"
CORES="${CORES:-2}"
MEMORY="${MEMORY:-2g}"
CLASSPATH_FILE="$ROOT/spark/target/spark-classpath.txt"
# What Spark's own launcher passes on Java 17 (JavaModuleOptions)
FLAGS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"

# Waits until LOG holds TEXT (or the process PID is gone, or 60 s passed).
await() {
  local pid="$1" log="$2" text="$3"
  for _ in $(seq 1 600); do
    grep -q "$text" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "local-cluster: the process stopped; see $log" >&2; return 1; }
    sleep 0.1
  done
  echo "local-cluster: not ready after 60 s; see $log" >&2
  return 1
}

spark_home() {
  local home="$DIR/spark-home"
  rm -rf "$home"
  mkdir -p "$home/jars" "$home/bin" "$home/conf"
  echo "Spark 3.5.6 built for Hadoop 3.3.4 (jars from Backprop4j's spark/target/spark-classpath.txt)" >"$home/RELEASE"
  # Spark's jars only: the application's own (core, picocli and what they bring) travel in its jar
  tr ':' '\n' <"$CLASSPATH_FILE" | grep -v -e '/backprop4j-' -e '/picocli-' -e '/commons-csv-' -e '/jfreechart-' -e '/batik-' \
      -e '/xmlgraphics-commons-' | while read -r jar; do
    ln -s "$jar" "$home/jars/$(basename "$jar")"
  done
  cat >"$home/bin/spark-submit" <<EOF
#!/usr/bin/env bash
# spark-submit of this Spark home: what Spark's bin/spark-submit runs, with the flags it passes on Java 17
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP="\${SPARK_LOCAL_IP:-127.0.0.1}"
exec java $FLAGS \${SPARK_SUBMIT_JAVA_OPTS:-} -cp "$home/conf:$home/jars/*" org.apache.spark.deploy.SparkSubmit "\$@"
EOF
  chmod +x "$home/bin/spark-submit"
}

case "$ACTION" in
  start)
    if [ ! -f "$CLASSPATH_FILE" ]; then
      echo "local-cluster: building the spark module ..." >&2
      (cd "$ROOT" && ./mvnw -B -q -DskipTests -pl spark -am package) >&2
    fi
    if [ -f "$DIR/master.pid" ] && kill -0 "$(cat "$DIR/master.pid")" 2>/dev/null; then
      echo "local-cluster: already running (master pid $(cat "$DIR/master.pid")); stop it first" >&2
      exit 1
    fi
    spark_home
    export SPARK_HOME="$DIR/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$DIR"
    mkdir -p "$DIR/work"
    nohup java $FLAGS -Xmx256m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
        --host 127.0.0.1 --port "$PORT" --webui-port 0 >"$DIR/master.log" 2>&1 &
    echo $! >"$DIR/master.pid"
    await "$(cat "$DIR/master.pid")" "$DIR/master.log" "I have been elected leader"
    nohup java $FLAGS -Xmx256m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker \
        --host 127.0.0.1 --cores "$CORES" --memory "$MEMORY" --work-dir "$DIR/work" --webui-port 0 \
        "spark://127.0.0.1:$PORT" >"$DIR/worker.log" 2>&1 &
    echo $! >"$DIR/worker.pid"
    await "$(cat "$DIR/worker.pid")" "$DIR/worker.log" "Successfully registered with master"
    echo "spark://127.0.0.1:$PORT"
    ;;
  stop)
    for role in worker master; do
      if [ -f "$DIR/$role.pid" ]; then
        pid="$(cat "$DIR/$role.pid")"
        if kill "$pid" 2>/dev/null; then
          for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
          kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$DIR/$role.pid"
      fi
    done
    ;;
  *)
    echo "usage: spark/local-cluster.sh start|stop [DIR]   (env: PORT, CORES, MEMORY)" >&2
    exit 2
    ;;
esac
