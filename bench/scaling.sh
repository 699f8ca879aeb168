#!/usr/bin/env bash
# Scaling run: the fleet benchmark at 1,000 / 5,000 / 10,000 / 20,000 / 50,000 nodes (30 pods each, 15 s), one after
# the other, then the chart. Every size is run and recorded, also after one that fell behind (a size that falls
# behind is a result, not a reason to stop); only a run that fails outright (no result file) is skipped.
#   bench/scaling.sh [sizes...]          e.g. bench/scaling.sh 1000 5000
# Env: DURATION (default 2m), WARMUP (default 45s), QUERY_RATE (default 2), RESULTS (default bench/results),
#      AGGREGATOR_ENV (extra aggregator environment, "K=V;K=V"), SCENARIO (default scaling),
#      AGGREGATOR_JVM / GATEWAY_JVM (JVM flags besides -Xmx, replacing the G1 default), HEAP (-Xmx of both; default
#      grows with the fleet, see heap_for), LABEL (README row label prefix, default "scaling").
# With RESULTS=bench/results the README table is regenerated: the manifest bench/readme-table.tsv gets this run's
# files as its "$SCENARIO" rows (replacing that group's old rows), then ReadmeTableMain rewrites README's table.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000 5000 10000 20000 50000)
DURATION=${DURATION:-2m}
WARMUP=${WARMUP:-45s}
QUERY_RATE=${QUERY_RATE:-2}
RESULTS=${RESULTS:-bench/results}
AGGREGATOR_ENV=${AGGREGATOR_ENV:-}
SCENARIO=${SCENARIO:-scaling}
AGGREGATOR_JVM=${AGGREGATOR_JVM:-}
GATEWAY_JVM=${GATEWAY_JVM:-}
HEAP=${HEAP:-}
LABEL=${LABEL:-scaling}
CP_FILE=bench/target/runtime-classpath.txt
if [ ! -f "$CP_FILE" ] || [ ! -d bench/target/classes ]; then
  ./mvnw -B -q -pl bench -am package -DskipTests
fi
CP="bench/target/classes:$(cat "$CP_FILE")"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
FILES=()
heap_for() { # heap grows with the fleet: ~1.2 KB per pod stored in the aggregator, less in the gateway
  local pods=$(( $1 * 30 ))
  if [ "$pods" -le 60000 ]; then echo 768m; elif [ "$pods" -le 200000 ]; then echo 1g;
  elif [ "$pods" -le 350000 ]; then echo 1536m; elif [ "$pods" -le 700000 ]; then echo 2g; else echo 3g; fi
}
for n in "${SIZES[@]}"; do
  echo "=== $n nodes (load average: $(cut -d' ' -f1-3 /proc/loadavg)) ==="
  heap=${HEAP:-$(heap_for "$n")}
  extra=()
  [ -n "$AGGREGATOR_ENV" ] && extra+=(--aggregator-env "$AGGREGATOR_ENV")
  [ -n "$AGGREGATOR_JVM" ] && extra+=(--aggregator-jvm "$AGGREGATOR_JVM")
  [ -n "$GATEWAY_JVM" ] && extra+=(--gateway-jvm "$GATEWAY_JVM")
  out=$(java -cp "$CP" dev.metricsstream.bench.fleet.FleetBenchMain --nodes "$n" --pods-per-node 30 "${extra[@]}" \
      --resolution 15s --warmup "$WARMUP" --duration "$DURATION" --query-rate "$QUERY_RATE" \
      --aggregator-heap "$heap" --gateway-heap "$heap" --scenario "${SCENARIO}-${n}n" --results "$RESULTS" \
      2>&1 | tee /dev/stderr | grep '^result: ' | sed 's/^result: //') || true
  if [ -z "$out" ] || [ ! -f "$out" ]; then
    echo "=== $n nodes: the run failed (no result); going on with the next size ==="
    continue
  fi
  FILES+=("$out")
  p99=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['freshness'].get('p99Millis', 1e9))" "$out")
  if ! grep -q '"keptUp" : true' "$out"; then
    echo "=== $n nodes did not keep up (freshness p99 ${p99} ms); recorded, going on ==="
  else
    echo "=== $n nodes kept up (freshness p99 ${p99} ms) ==="
  fi
done
if [ ${#FILES[@]} -gt 0 ]; then
  java -Djava.awt.headless=true -cp "$CP" dev.metricsstream.bench.chart.ChartMain \
      "$RESULTS/$STAMP-$SCENARIO.png" "${FILES[@]}"
  if [ "$RESULTS" = bench/results ]; then
    manifest=bench/readme-table.tsv
    { grep -v "^${SCENARIO}"$'\t' "$manifest" || true; } > "$manifest.new"
    for f in "${FILES[@]}"; do
      printf '%s\t%s\t%s\n' "$SCENARIO" "$LABEL ($STAMP)" "$f" >> "$manifest.new"
    done
    mv "$manifest.new" "$manifest"
    java -cp "$CP" dev.metricsstream.bench.report.ReadmeTableMain "$manifest" README.md
  fi
fi
