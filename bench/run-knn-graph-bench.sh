#!/usr/bin/env bash
# Exact neighbour-graph compute side by side: Java BlockedKnnGraph (Temurin 25, Vector API
# kernel, all cores) against numpy + OpenBLAS (bench/knn_graph_reference.py) on the same
# clustered vectors (default 20,000 x 128, k = 50, blocks of 4,096).
#
#   bench/run-knn-graph-bench.sh [n dim k block]
#
# 1. compiles lucene-ext's tests and runs org.instanceretrieval.bench.BlockedKnnGraphBenchmark,
#    which writes lucene-ext/target/knn-bench-<n>x<dim>.f32 (+ .check, the first 200 lists);
# 2. runs bench/knn_graph_reference.py on that file (same k and block size);
# 3. prints both logs and the ratio java / numpy (issue 13 target: java <= 1.5x numpy).
# Environment: MVN (default "mvn -q -B -o"), JAVA (default Temurin 25), REPEAT (default 3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MVN="${MVN:-mvn -q -B -o}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
REPEAT="${REPEAT:-3}"
N="${1:-20000}"; DIM="${2:-128}"; K="${3:-50}"; BLOCK="${4:-4096}"
OUT="$ROOT/lucene-ext/target/bench"
mkdir -p "$OUT"
cd "$ROOT"

$MVN -pl lucene-ext test-compile
$MVN -pl lucene-ext dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
CP="lucene-ext/target/test-classes:lucene-ext/target/classes:$(cat "$OUT/classpath.txt")"

echo "== Java: BlockedKnnGraphBenchmark (load: $(cut -d' ' -f1-3 /proc/loadavg))"
"$JAVA" -Xmx2g --add-modules=jdk.incubator.vector -Dknn.bench.dir=lucene-ext/target -cp "$CP" \
  org.instanceretrieval.bench.BlockedKnnGraphBenchmark "$N" "$DIM" "$K" "$BLOCK" 1 "$REPEAT" 2>&1 \
  | grep -v -e WARNING -e VectorizationProvider | tee "$OUT/java-knn-graph.log"

echo "== numpy: bench/knn_graph_reference.py (load: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 bench/knn_graph_reference.py --file "lucene-ext/target/knn-bench-${N}x${DIM}.f32" --dim "$DIM" --k "$K" \
  --block "$BLOCK" --repeat "$REPEAT" | tee "$OUT/python-knn-graph.log"

python3 - "$OUT/java-knn-graph.log" "$OUT/python-knn-graph.log" <<'PY'
import re, sys
java = float(re.search(r"java blocked knn graph: min ([0-9.]+) s", open(sys.argv[1]).read()).group(1))
log = open(sys.argv[2]).read()
for name in ("full X @ X.T + argpartition", "blocked X_b @ X.T + argpartition"):
    m = re.search(re.escape(name) + r": min ([0-9.]+) s", log)
    if m is None:
        continue
    py = float(m.group(1))
    print(f"java {java:.3f} s vs numpy {name} {py:.3f} s -> java / numpy = {java / py:.2f} (target <= 1.5)")
PY
