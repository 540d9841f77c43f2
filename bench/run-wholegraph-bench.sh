#!/usr/bin/env bash
# Whole-index diffusion and offline rows on a real node (issue 13, items 3-4), beside scipy (docs/benchmarks.md).
#
#   bench/run-wholegraph-bench.sh [N] [QUERIES]     (run as a normal user: the node refuses root; default N 20000;
#                                                    PYTHON: a python3 with numpy and scipy)
#
# Builds the plugin zip, starts a node (scripts/node.sh, heap HEAP (default 2g), port 9250), runs bench/wholegraph_bench.py
# (index N x 128 with exact k=50 lists written as the storage contract defines them, then plain kNN, scope index, the
# offline rows build and offline queries, and scipy's CG on the same graph), and stops the node.
# SKIP_BUILD=1 reuses es-plugin/target's zip; KEEP_NODE=1 leaves the node running (bench/lib-node.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
N="${1:-20000}"
QUERIES="${2:-50}"
bench_build -pl es-plugin -am
bench_start_node "$BENCH_ROOT/target/wholegraph-bench-node" 9250 "${HEAP:-2g}"
uptime
${PYTHON:-python3} bench/wholegraph_bench.py --url http://127.0.0.1:9250 --n "$N" --queries "$QUERIES"
uptime
