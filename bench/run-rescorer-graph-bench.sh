#!/usr/bin/env bash
# Added latency of the diffusion (or, with --rescorer k_reciprocal, the k_reciprocal) rescorer on a stored neighbour graph (graph: stored) against plain retrieval_knn and
# against the window graph (graph: window), window 1000, on a real node (docs/api.md, "diffusion rescorer").
#
#   bench/run-rescorer-graph-bench.sh [options of bench/rescorer_graph_bench.py]   (as a normal user: the node refuses root)
#   e.g. bench/run-rescorer-graph-bench.sh --n 100000 --queries 200
#
# 1. builds the plugin zip and starts a node with it (scripts/node.sh, heap $HEAP (default 1g), port 9260);
# 2. bench/rescorer_graph_bench.py: N x D clustered vectors (default 20,000 x 128), their top-50 lists computed with numpy
#    and written as retrieval_graph.v with a done marker, then plain / stored / window queries interleaved;
# 3. stops the node (KEEP_NODE=1 leaves it running, to rerun the python script with --skip-index).
# NODE_ONLY=1 only starts the node (and keeps it), for running the python script as another user (e.g. where numpy is):
#   NODE_ONLY=1 bench/run-rescorer-graph-bench.sh; ${PYTHON:-python3} bench/rescorer_graph_bench.py ...;
#   scripts/node.sh stop --dir target/rescorer-graph-bench-node
# PYTHON (default python3) is the interpreter with numpy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
NODE_DIR="${NODE_DIR:-$BENCH_ROOT/target/rescorer-graph-bench-node}"
bench_build -pl es-plugin -am
[ "${NODE_ONLY:-0}" = 1 ] && KEEP_NODE=1
bench_start_node "$NODE_DIR" "${PORT:-9260}" "${HEAP:-1g}"
[ "${NODE_ONLY:-0}" = 1 ] && exit 0
uptime
${PYTHON:-python3} bench/rescorer_graph_bench.py --url "http://127.0.0.1:${PORT:-9260}" "$@"
uptime
