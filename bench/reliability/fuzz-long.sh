#!/usr/bin/env bash
# The long coverage-guided fuzz run of docs/RELIABILITY.md ("Fuzzing"): each target of ReaderFuzzTest (csv, model,
# libsvm, idx, decimals) fuzzed by Jazzer's JUnit integration for MINUTES minutes, one after another, at nice 19.
# The annotation's maxDuration (60 s, for a quick run in the build) is a compile-time constant, so a copy of the test
# with MINUTES in it is compiled into WORK; the run uses a copy of the seed corpus too, so the source tree is not
# touched: findings land in WORK/base/src/test/resources/.../ReaderFuzzTestInputs/<target>/ (crash-*, slow-unit-*),
# the corpus it grows in WORK/base/.cifuzz-corpus/. Copy findings worth keeping into the committed corpus by hand.
#
# Usage: bench/reliability/fuzz-long.sh WORK [MINUTES] [TARGETS...]     (e.g. fuzz-long.sh /tmp/fuzz 4 csv model)
set -euo pipefail
WORK=$1
MINUTES=${2:-4}
shift $(( $# >= 2 ? 2 : $# ))
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(csv model libsvm idx decimals)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
cd "$ROOT"
./mvnw -B -q -pl core -am test-compile
./mvnw -B -q -pl core dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test
JUNIT=$(tr ':' '\n' < "$WORK/cp.txt" | grep -m1 'junit-platform-engine' | sed 's/.*junit-platform-engine-\(.*\)\.jar/\1/')
./mvnw -B -q dependency:copy -Dartifact="org.junit.platform:junit-platform-launcher:$JUNIT" -DoutputDirectory="$WORK"
rm -rf "$WORK/classes" "$WORK/test-classes" "$WORK/base" && mkdir -p "$WORK/base/src/test" "$WORK/launch" "$WORK/run"
cp -r core/target/classes core/target/test-classes "$WORK/"
cp -r core/src/test/resources "$WORK/base/src/test/"
sed "s/@FuzzTest(maxDuration = \"60s\")/@FuzzTest(maxDuration = \"${MINUTES}m\")/" \
    core/src/test/java/org/backprop4j/fuzz/ReaderFuzzTest.java > "$WORK/ReaderFuzzTest.java"
cat > "$WORK/Launch.java" <<'EOF'
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import java.io.PrintWriter;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/** Runs one method of ReaderFuzzTest on the JUnit Platform (args[0]: name(parameter types)). */
public class Launch {
    public static void main(String[] args) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod("org.backprop4j.fuzz.ReaderFuzzTest#" + args[0]))
                .filters(EngineFilter.includeEngines("junit-jupiter")).build(), listener);
        PrintWriter out = new PrintWriter(System.out, true);
        listener.getSummary().printTo(out);
        listener.getSummary().printFailuresTo(out, 30);
    }
}
EOF
CP="$WORK/launch:$WORK/test-classes:$WORK/classes:$(cat "$WORK/cp.txt"):$WORK/junit-platform-launcher-$JUNIT.jar"
javac -d "$WORK/test-classes" -cp "$CP" "$WORK/ReaderFuzzTest.java"
javac -d "$WORK/launch" -cp "$CP" "$WORK/Launch.java"
lscpu > "$WORK/lscpu.txt"
cd "$WORK/base"
for t in "${TARGETS[@]}"; do
  m="$t(com.code_intelligence.jazzer.api.FuzzedDataProvider)"
  [ "$t" = model ] && m="model(byte[])"
  echo "=== $t start $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/summary.txt"
  set +e
  JAZZER_FUZZ=1 nice -n 19 java -Xmx1g -Djazzer.internal.basedir="$WORK/base" -cp "$CP" Launch "$m" > "$WORK/run/$t.log" 2>&1
  set -e
  { grep -E '^#[0-9]+.*(DONE|cov:)' "$WORK/run/$t.log" | tail -1
    grep -E 'Done [0-9]+ runs|tests (successful|failed)|FuzzTestFindingException' "$WORK/run/$t.log"
    echo "=== $t end $(date -u +%H:%M:%S)"; } | tee -a "$WORK/summary.txt"
done
