#!/usr/bin/env bash
# Query-set expansion on a real node (bench/query_set_bench.py):
#   a. p50/p99 of plain kNN, retrieval_knn with AQE (n 10) and with query_set (pool 1,000 and 100),
#      50,000 x 128 by default;
#   b. mAP of the options of the seed's table 2 on manifold-style data (random walks on the sphere).
#
#   bench/run-query-set-bench.sh [query_set_bench.py options, e.g. --docs 200000 --dims 512]
#
# Builds the plugin zip, fetches Elasticsearch 8.19.21 through Maven, starts a node with the
# plugin (scripts/node.sh, heap $BENCH_HEAP, default 4g; port $BENCH_HTTP_PORT, default 9260),
# runs the benchmark with python3 (needs numpy), stops the node. As root it reruns itself as the user retrieval-bench
# (scripts/as-unprivileged.sh), as Elasticsearch refuses root. Environment: MVN (default
# "mvn -q -B"), SKIP_BUILD=1 to reuse es-plugin/target's zip, PYTHON (default python3).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "$(id -u)" = 0 ]; then
  exec "$repo/scripts/as-unprivileged.sh" retrieval-bench bench/run-query-set-bench.sh "$@"
fi
cd "$repo"
MVN="${MVN:-mvn -q -B}"
PYTHON="${PYTHON:-python3}"
port=${BENCH_HTTP_PORT:-9260}
out="$repo/target/bench-query-set"
mkdir -p "$out"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building the plugin zip"
  $MVN -DskipTests package
fi
if [ ! -f "$out/elasticsearch-8.19.21.zip" ]; then
  $MVN -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.21:zip -DoutputDirectory="$out"
fi
trap 'scripts/node.sh stop --dir "$out/node" >/dev/null || true' EXIT
scripts/node.sh start --distribution "$out/elasticsearch-8.19.21.zip" --plugin "$(ls es-plugin/target/instance-retrieval-*.zip | grep -v gpu | head -1)" \
  --dir "$out/node" --http-port "$port" --transport-port $((port + 100)) --heap "${BENCH_HEAP:-4g}"
curl -s "http://127.0.0.1:$port/_cat/nodes?h=version,jdk,heap.max"
echo "== uptime: $(uptime)"
"$PYTHON" bench/query_set_bench.py --url "http://127.0.0.1:$port" --out "$out/results.json" "$@" | tee "$out/bench.log"
echo "== uptime: $(uptime)"
