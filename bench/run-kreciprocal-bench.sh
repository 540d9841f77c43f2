#!/usr/bin/env bash
# k-reciprocal re-ranking of one window side by side: Java (JMH KReciprocalBenchmark, the rescorer's window path) against the
# authors' numpy re_ranking (bench/kreciprocal_reference.py, one BLAS thread) on the same window of 1,000 clustered vectors
# of 128 and 2,048 dimensions, k1 20, k2 6, lambda 0.3.
#
#   bench/run-kreciprocal-bench.sh [extra JMH options...]
#
# Environment: MVN (default "mvn -q -B"), REPEAT (python repetitions, default 5), DIMS (default "128 2048").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MVN="${MVN:-mvn -q -B}"
REPEAT="${REPEAT:-5}"
DIMS="${DIMS:-128 2048}"
OUT="$ROOT/lucene-ext/target/bench"
mkdir -p "$OUT"
cd "$ROOT"

params=""
for d in $DIMS; do params="${params:+$params,}$d"; done
echo "== Java: KReciprocalBenchmark (dim $params)"
$MVN -pl lucene-ext -Pbench -DskipTests verify \
  -Dbench.args="KReciprocalBenchmark -p dim=$params -rf json -rff $OUT/jmh-kreciprocal.json $*" | tee "$OUT/jmh-kreciprocal.log"

: > "$OUT/python-kreciprocal.log"
for d in $DIMS; do
  echo "== numpy: bench/kreciprocal_reference.py (dim $d)"
  python3 "$ROOT/bench/kreciprocal_reference.py" --file "$ROOT/lucene-ext/target/kreciprocal-bench-1000x$d.f32" --dim "$d" \
    --repeat "$REPEAT" | tee -a "$OUT/python-kreciprocal.log"
done

python3 - "$OUT/jmh-kreciprocal.json" "$OUT/python-kreciprocal.log" <<'PY'
import json, re, sys
java = {int(r["params"]["dim"]): r["primaryMetric"]["score"] for r in json.load(open(sys.argv[1]))}
for m in re.finditer(r"window \d+ x (\d+): re_ranking ([0-9.]+) ms", open(sys.argv[2]).read()):
    dim, py = int(m.group(1)), float(m.group(2))
    print(f"dim {dim}: java {java[dim]:.1f} ms, numpy {py:.1f} ms -> numpy / java = {py / java[dim]:.2f}x")
PY
