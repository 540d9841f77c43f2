#!/usr/bin/env bash
# GPR1200-scale full evaluation through the endpoint (engine exact) on a real node, beside the
# pure lucene-ext benchmark and numpy (docs/benchmarks.md, "Evaluation through the endpoint").
#
#   bench/run-eval-endpoint-bench.sh [data-dir]      (run as a normal user: the node refuses root)
#
# 1. writes the GPR1200-like data (Gpr1200LikeData, 12,000 x 768) into data-dir (default bench-data/);
# 2. builds the plugin zip and starts a node with it (scripts/node.sh, heap 2 GB, port 9250);
# 3. bench/eval_endpoint_bench.py: indexes the vectors, stores the ground truth, times
#    POST gpr-bench/_retrieval_eval {"engine": "exact"} (a warm-up, then RUNS runs) and numpy end to
#    end (vectors read back from the index over HTTP, then numpy's evaluation);
# 4. stops the node. Then run bench/run-eval-bench.sh for the pure lucene-ext and numpy figures.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
DATA="$(realpath -m "${1:-$BENCH_ROOT/bench-data}")"
RUNS="${RUNS:-5}"
NUMPY_E2E="${NUMPY_E2E:-1}"   # 0 skips numpy end to end
if [ ! -f "$DATA/shape.txt" ]; then
  $MVN -pl lucene-ext -DskipTests test-compile exec:java -Dexec.mainClass=org.instanceretrieval.bench.Gpr1200LikeData \
    -Dexec.classpathScope=test -Dexec.args="$DATA 1200 10 768"
fi
bench_build -pl es-plugin -am
bench_start_node "$BENCH_ROOT/target/eval-bench-node" 9250 2g
uptime
python3 bench/eval_endpoint_bench.py "$DATA" --url http://127.0.0.1:9250 --runs "$RUNS" $([ "$NUMPY_E2E" = 1 ] && echo --numpy-e2e)
uptime
