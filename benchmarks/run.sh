#!/usr/bin/env bash
# Performance figures of DESIGN.md §12, in one command (docs/PERFORMANCE.md explains method and results):
#   1. the chat proxy's own work per warm request, p99 (JMH ProxyWorkBenchmark.proxyWorkPerRequest, SampleTime);
#   2. assignment evaluations per second on one core, single thread (JMH AssignmentBenchmark.assign, Throughput);
#   3. cold start, JVM spawn to the first handled /chat event, chat-proxy Lambda jar vs a bare handler, alternating.
# Usage: benchmarks/run.sh [--quick]      (--quick: short JMH runs and fewer cold starts, ~3 minutes)
# Prints, last, exactly: overhead_p99_ms=…, assign_ops_per_s=…, coldstart_ratio=…
# Results and logs: benchmarks/target/results/. Set CANARY_BENCH_JAVA to run the measurements on another JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=false
for a in "$@"; do
  case "$a" in
    --quick) QUICK=true ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "usage: benchmarks/run.sh [--quick]" >&2; exit 2 ;;
  esac
done

. "$ROOT/.mvn/find-jdk.sh"
JAVA="${CANARY_BENCH_JAVA:-}"
if [ -z "$JAVA" ]; then
  # Lambda runs java21: measure on a JDK 21 when one is installed, else on the build JDK (said in the output).
  for d in /usr/lib/jvm/*21* /opt/java/*21* /opt/jdk*21*; do
    if [ -x "$d/bin/java" ]; then JAVA="$d/bin/java"; break; fi
  done
  JAVA="${JAVA:-$JAVA_HOME/bin/java}"
fi
OUT="$ROOT/benchmarks/target/results"
mkdir -p "$OUT"

echo "== build (chat-proxy Lambda jar, JMH jar, bare baseline jar, launcher)"
./mvnw -q -B -Pbenchmarks -pl benchmarks -am package -DskipTests
JMH_JAR="$ROOT/benchmarks/target/canary-benchmarks.jar"
PROXY_JAR="$ROOT/functions/chat-proxy/target/canary-chat-proxy-lambda.jar"

echo "== machine: $(nproc) cores, $(awk '{print $1" "$2" "$3}' /proc/loadavg) load average (1/5/15 min), $(uname -sr)"
echo "   measuring JDK: $("$JAVA" -version 2>&1 | head -n 1) ($JAVA)"
case "$("$JAVA" -version 2>&1 | head -n 1)" in
  *'"21'*) ;;
  *) echo "   note: Lambda's runtime is java21; no JDK 21 here, so these figures are from the JDK above." ;;
esac

if $QUICK; then
  JMH_OPTS=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
  CS_OPTS=(--runs 5 --primed-runs 2)
else
  JMH_OPTS=(-f 2 -wi 3 -w 2s -i 5 -r 2s)
  CS_OPTS=(--runs 15 --primed-runs 5 --also-flags "" --appcds true)
fi

echo "== JMH: proxy work per warm request (SampleTime) and assignment (Throughput, 1 thread)"
"$JAVA" -jar "$JMH_JAR" "ProxyWorkBenchmark.(proxyWorkPerRequest|handlerPerRequest)|AssignmentBenchmark.assign$" \
  "${JMH_OPTS[@]}" -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.log" 2>&1 \
  || { tail -n 40 "$OUT/jmh.log"; exit 1; }
grep -E "^Benchmark|proxyWorkPerRequest|handlerPerRequest|AssignmentBenchmark.assign|agent calls" "$OUT/jmh.log" \
  | grep -vE "p0\.(00|50|90|95|999|9999)|p1\.00|·p" || true

read -r OVERHEAD_P99_MS HANDLER_P99_MS ASSIGN_OPS < <(python3 - "$OUT/jmh.json" <<'PY'
import json, sys
runs = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
def p99_ms(name):  # SampleTime in µs/op
    return runs[name]["scorePercentiles"]["99.0"] / 1000.0
print(f'{p99_ms("proxyWorkPerRequest"):.4f} {p99_ms("handlerPerRequest"):.4f} {runs["assign"]["score"]:.0f}')
PY
)
echo "   proxyWorkPerRequest p99 = ${OVERHEAD_P99_MS} ms; handlerPerRequest p99 = ${HANDLER_P99_MS} ms; assign = ${ASSIGN_OPS} ops/s"

echo "== cold start (alternating runs; the machine may be shared: see the load average above and below)"
"$JAVA" -cp "$JMH_JAR" io.llmcanary.bench.coldstart.ColdStartRunner \
  --java "$JAVA" \
  --launcher-jar "$ROOT/benchmarks/target/canary-coldstart-launcher.jar" \
  --bare-jar "$ROOT/benchmarks/target/canary-bare-lambda.jar" \
  --subject-jar "$PROXY_JAR" \
  --event "$ROOT/events/chat-valid.json" \
  --out "$OUT/coldstart" "${CS_OPTS[@]}" | tee "$OUT/coldstart.log"
RATIO=$(sed -n 's/^coldstart_ratio=//p' "$OUT/coldstart.log" | tail -n 1)

echo "== function jars"
for j in "$ROOT"/functions/*/target/*-lambda.jar; do
  [ -f "$j" ] && printf '   %-48s %6d KiB\n' "${j#$ROOT/}" "$(( $(stat -c %s "$j") / 1024 ))"
done

echo "overhead_p99_ms=${OVERHEAD_P99_MS}"
echo "assign_ops_per_s=${ASSIGN_OPS}"
echo "coldstart_ratio=${RATIO}"
