#!/usr/bin/env bash
# Whole-index diffusion and offline rows on a real node (issue 13, items 3-4), beside scipy (docs/benchmarks.md).
#
#   bench/run-wholegraph-bench.sh [N] [QUERIES]     (run as a normal user: the node refuses root; default N 20000;
#                                                    PYTHON: a python3 with numpy and scipy)
#
# Builds the plugin zip, starts a node (scripts/node.sh, heap HEAP (default 2g), port 9250), runs bench/wholegraph_bench.py
# (index N x 128 with exact k=50 lists written as the storage contract defines them, then plain kNN, scope index, the
# offline rows build and offline queries, and scipy's CG on the same graph), and stops the node.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-20000}"
QUERIES="${2:-50}"
HEAP="${HEAP:-2g}"
MVN="${MVN:-mvn -q -B}"
NODE_DIR="$ROOT/target/wholegraph-bench-node"
cd "$ROOT"
$MVN -pl es-plugin -am -DskipTests package
ZIP=$(ls es-plugin/target/instance-retrieval-*.zip | grep -v gpu | head -1)
DIST="$HOME/.m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch/8.19.21/elasticsearch-8.19.21.zip"
[ -f "$DIST" ] || $MVN dependency:get -Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.21:zip
scripts/node.sh start --distribution "$DIST" --plugin "$ZIP" --dir "$NODE_DIR" --http-port 9250 --transport-port 9350 --heap "$HEAP"
trap 'scripts/node.sh stop --dir "$NODE_DIR"' EXIT
uptime
${PYTHON:-python3} bench/wholegraph_bench.py --url http://127.0.0.1:9250 --n "$N" --queries "$QUERIES"
uptime
