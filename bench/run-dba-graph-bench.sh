#!/usr/bin/env bash
# Issue 13, item 5 on a real node (bench/dba_graph_bench.py): the DBA job reading neighbours from a stored
# graph (numpy-built, indexed with the documents) against numpy and against the exact DBA job.
# Default 100,000 x 128, n 20, k 50; the exact job on the first 20,000.
#
#   bench/run-dba-graph-bench.sh [dba_graph_bench.py options, e.g. --docs 20000 --shards 3]
#
# Builds the plugin zip, fetches Elasticsearch 8.19.21 through Maven, starts a node with the
# plugin (scripts/node.sh, heap $BENCH_HEAP, default 4g; port $BENCH_HTTP_PORT, default 9280),
# runs the benchmark with python3 (numpy), stops the node. As root it reruns itself as
# the user retrieval-bench (scripts/as-unprivileged.sh), as Elasticsearch refuses root.
# Environment: MVN (default "mvn -q -B"), SKIP_BUILD=1 to reuse es-plugin/target's zip, PYTHON (default python3).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "$(id -u)" = 0 ]; then
  exec "$repo/scripts/as-unprivileged.sh" retrieval-bench bench/run-dba-graph-bench.sh "$@"
fi
cd "$repo"
MVN="${MVN:-mvn -q -B}"
port=${BENCH_HTTP_PORT:-9280}
out="$repo/target/bench-dba-graph"
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
"${PYTHON:-python3}" bench/dba_graph_bench.py --url "http://127.0.0.1:$port" --out "$out/results.json" "$@" | tee "$out/bench.log"
