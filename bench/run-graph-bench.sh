#!/usr/bin/env bash
# Issue 13 on a real node, side by side with numpy / scipy in one run (bench/graph_bench.py):
# the neighbour-graph build (exact and hnsw, recall of hnsw), the diffusion rescorer on the
# stored graph, whole-index diffusion, offline rows and DBA from the graph, at 100,000 x 128.
#
#   bench/run-graph-bench.sh [graph_bench.py options, e.g. --docs 20000 --only build,rescore]
#
# Builds the plugin zip, fetches Elasticsearch 8.19.21 through Maven, starts a node with the
# plugin (scripts/node.sh, heap $BENCH_HEAP, default 4g; port $BENCH_HTTP_PORT, default 9270),
# runs the benchmark with $PYTHON (default python3; needs numpy and scipy), stops the node. As
# root, the build and the node run as the user retrieval-bench (scripts/as-unprivileged.sh, as
# Elasticsearch refuses root) in its copy of the repository, and the benchmark runs as root
# (whose python has numpy here).
# Environment: MVN (default "mvn -q -B"), SKIP_BUILD=1 to reuse es-plugin/target's zip, KEEP_NODE=1 to
# leave the node running (then rerun graph_bench.py with --keep and --only to reuse its index).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
port=${BENCH_HTTP_PORT:-9270}
if [ "$(id -u)" = 0 ] && [ "${NODE_ONLY:-0}" != 1 ]; then
  NODE_ONLY=1 "$BENCH_ROOT/scripts/as-unprivileged.sh" retrieval-bench env NODE_ONLY=1 bench/run-graph-bench.sh
  home=$(getent passwd retrieval-bench | cut -d: -f6)
  copy="$home/$(basename "$BENCH_ROOT")-work/$(basename "$BENCH_ROOT")"
  [ "${KEEP_NODE:-0}" = 1 ] || trap 'runuser -u retrieval-bench -- bash -c "cd $copy && scripts/node.sh stop --dir target/bench-graph/node" >/dev/null || true' EXIT
  "${PYTHON:-python3}" bench/graph_bench.py --url "http://127.0.0.1:$port" --out "$copy/target/bench-graph/results.json" "$@" \
    | tee "$copy/target/bench-graph/bench.log"
  exit 0
fi
out="$BENCH_ROOT/target/bench-graph"
mkdir -p "$out"
bench_build
[ "${NODE_ONLY:-0}" = 1 ] && KEEP_NODE=1
bench_start_node "$out/node" "$port" "${BENCH_HEAP:-4g}"
[ "${NODE_ONLY:-0}" = 1 ] && exit 0
"${PYTHON:-python3}" bench/graph_bench.py --url "http://127.0.0.1:$port" --out "$out/results.json" "$@" | tee "$out/bench.log"
