#!/usr/bin/env bash
# Multi-image queries on a real node (bench/multi_image_bench.py):
#   a. p50/p99 of plain kNN and retrieval_knn with one query_vector against query_vectors of 1, 2 and 5
#      members (avg and max), 50,000 x 128 by default, interleaved in one run;
#   b. mAP of one image against a set of 2, 3 and 5 images of the same class (avg, max; also with AQE
#      and query-set expansion) on manifold-style data (random walks on the sphere).
#
#   bench/run-multi-image-bench.sh [multi_image_bench.py options, e.g. --only latency --repeat 300]
#
# Builds the plugin zip, fetches Elasticsearch 8.19.21 through Maven, starts a node with the
# plugin (scripts/node.sh, heap $BENCH_HEAP, default 4g; port $BENCH_HTTP_PORT, default 9260),
# runs the benchmark with python3 (needs numpy), stops the node. As root it reruns itself as the user retrieval-bench
# (scripts/as-unprivileged.sh), as Elasticsearch refuses root. Environment: MVN (default
# "mvn -q -B"), SKIP_BUILD=1 to reuse es-plugin/target's zip, PYTHON (default python3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
bench_as_user bench/run-multi-image-bench.sh "$@"
bench_python_on_node bench-multi-image 9260 4g bench/multi_image_bench.py "$@"
