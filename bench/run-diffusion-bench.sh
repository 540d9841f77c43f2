#!/usr/bin/env bash
# Diffusion side by side: Java (JMH DiffusionBenchmark, Temurin 25) against numpy/scipy
# (bench/diffusion_reference.py) on the same 5,000 x 512 clustered vectors, k = 50.
#
#   bench/run-diffusion-bench.sh [extra JMH options...]
#
# 1. runs DiffusionBenchmark (graph build; one query after the build), whose setup writes the
#    vectors to lucene-ext/target/diffusion-bench-5000x512.f32;
# 2. runs bench/diffusion_reference.py on that file (same k, kq, gamma, alpha, tolerance);
# 3. prints both times and the ratios reference / Java (targets: query <= 3 ms, build <= 2.5 s).
# Environment: MVN (default "mvn -q -B"), REPEAT (python repetitions, default 5).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MVN="${MVN:-mvn -q -B}"
REPEAT="${REPEAT:-5}"
OUT="$ROOT/lucene-ext/target/bench"
mkdir -p "$OUT"
cd "$ROOT"

echo "== Java: DiffusionBenchmark"
$MVN -pl lucene-ext -Pbench -DskipTests verify \
  -Dbench.args="DiffusionBenchmark -rf json -rff $OUT/jmh-diffusion.json $*" | tee "$OUT/jmh-diffusion.log"

echo "== numpy/scipy: bench/diffusion_reference.py"
python3 "$ROOT/bench/diffusion_reference.py" --file "$ROOT/lucene-ext/target/diffusion-bench-5000x512.f32" \
  --repeat "$REPEAT" | tee "$OUT/python-diffusion.log"

python3 - "$OUT/jmh-diffusion.json" "$OUT/python-diffusion.log" <<'PY'
import json, re, sys
java = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in json.load(open(sys.argv[1]))}
log = open(sys.argv[2]).read()
py_build = float(re.search(r"graph build: ([0-9.]+) ms", log).group(1))
py_query = float(re.search(r"query:\s+([0-9.]+) ms", log).group(1))
print(f"graph build: java {java['buildGraph']:.1f} ms, python {py_build:.1f} ms -> {py_build / java['buildGraph']:.2f}x (target java <= 2500 ms)")
print(f"one query  : java {java['query']:.3f} ms, python {py_query:.3f} ms -> {py_query / java['query']:.2f}x (target java <= 3 ms)")
PY
