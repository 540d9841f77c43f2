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
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
bench_as_user bench/run-dba-graph-bench.sh "$@"
bench_python_on_node --no-uptime bench-dba-graph 9280 4g bench/dba_graph_bench.py "$@"
