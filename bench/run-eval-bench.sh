#!/usr/bin/env bash
# GPR1200-scale exhaustive evaluation: Java (JMH, Temurin 25, Vector API) against numpy.
#
#   bench/run-eval-bench.sh [data-dir] [extra JMH options...]
#
# 1. writes the data (Gpr1200LikeData: 1,200 classes x 10 items x 768 dims, seeded, L2-normalised)
#    as raw little-endian float32/int32 into data-dir (default: bench-data/, git-ignored);
# 2. runs FullRankingEvaluationBenchmark on those files (lucene-ext -Pbench: Temurin 25 with
#    --add-modules=jdk.incubator.vector);
# 3. runs bench/gpr1200_reference.py (numpy) on the same files;
# 4. prints both times and mAPs, the mAP difference and the speed-up numpy time / Java time.
#
# Environment: GEN_ARGS (generator arguments after the directory, default "1200 10 768"),
# NUMPY_RUNS (default 3), NUMPY_KIND (quicksort = numpy's default, as the public evaluators call
# it; stable = the project's tie rule), MVN (default "mvn -q -B").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$(realpath -m "${1:-$ROOT/bench-data}")"
shift || true
JMH_EXTRA="$*"
GEN_ARGS="${GEN_ARGS:-1200 10 768}"
NUMPY_RUNS="${NUMPY_RUNS:-3}"
NUMPY_KIND="${NUMPY_KIND:-quicksort}"
MVN="${MVN:-mvn -q -B}"
OUT="$ROOT/lucene-ext/target/bench"
mkdir -p "$OUT"
cd "$ROOT"

echo "== generating data in $DATA ($GEN_ARGS)"
$MVN -pl lucene-ext -DskipTests test-compile exec:java \
  -Dexec.mainClass=org.instanceretrieval.bench.Gpr1200LikeData -Dexec.classpathScope=test \
  -Dexec.args="$DATA $GEN_ARGS"

echo "== Java: FullRankingEvaluationBenchmark"
$MVN -pl lucene-ext -Pbench -DskipTests verify \
  -Dbench.args="FullRankingEvaluationBenchmark -p dataDir=$DATA -rf json -rff $OUT/jmh-eval.json $JMH_EXTRA" \
  | tee "$OUT/jmh-eval.log"

echo "== numpy: bench/gpr1200_reference.py"
python3 "$ROOT/bench/gpr1200_reference.py" "$DATA" --runs "$NUMPY_RUNS" --kind "$NUMPY_KIND" | tee "$OUT/numpy-eval.log"

python3 - "$OUT/jmh-eval.json" "$OUT/jmh-eval.log" "$OUT/numpy-eval.log" <<'PY'
import json, re, sys
jmh = json.load(open(sys.argv[1]))[0]
java_s = jmh["primaryMetric"]["score"] / 1000.0  # SingleShotTime in ms/op
java_map = float(re.findall(r"java mAP=([0-9.eE+-]+)", open(sys.argv[2]).read())[-1])
line = [l for l in open(sys.argv[3]) if l.startswith("numpy ")][-1]
numpy_s = float(re.search(r"median_s=([0-9.]+)", line).group(1))
numpy_map = float(re.search(r"mAP=([0-9.eE+-]+)", line).group(1))
print(f"java : {java_s:.3f} s (JMH mean of single shots), mAP={java_map:.9f}")
print(f"numpy: {numpy_s:.3f} s (median of runs),          mAP={numpy_map:.9f}")
print(f"|mAP difference| = {abs(java_map - numpy_map):.2e}")
print(f"speed-up (numpy / java) = {numpy_s / java_s:.2f}x  (target >= 1.5x)")
PY
