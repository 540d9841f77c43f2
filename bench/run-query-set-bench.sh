#!/usr/bin/env bash
# Query-set expansion on a real node (bench/query_set_bench.py):
#   a. p50/p99 of plain kNN, retrieval_knn with AQE (n 10) and with query_set (pool 1,000 and 100),
#      50,000 x 128 by default;
#   b. mAP of the options of the seed's table 2 on manifold-style data (random walks on the sphere);
#   c. the first round's scan against its graph search (query_set pool 1,000 on 100,000 x 128).
#
#   bench/run-query-set-bench.sh [query_set_bench.py options, e.g. --docs 200000 --dims 512]
#
# Builds the plugin zip, fetches Elasticsearch 8.19.21 through Maven, starts a node with the
# plugin (scripts/node.sh, heap $BENCH_HEAP, default 4g; port $BENCH_HTTP_PORT, default 9260),
# runs the benchmark with python3 (needs numpy), stops the node. As root it reruns itself as the user retrieval-bench
# (scripts/as-unprivileged.sh), as Elasticsearch refuses root. Environment: MVN (default
# "mvn -q -B"), SKIP_BUILD=1 to reuse es-plugin/target's zip, PYTHON (default python3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
bench_as_user bench/run-query-set-bench.sh "$@"
bench_python_on_node bench-query-set 9260 4g bench/query_set_bench.py "$@"
