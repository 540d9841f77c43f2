#!/usr/bin/env bash
# Table-1 features on a real node, side by side in one run (bench/table1_bench.py):
#   a. p50/p99 of plain top-level kNN against retrieval_knn with AQE (n 10), 200,000 x 512;
#   b. retrieval_knn (k 1000) with and without the diffusion rescorer (window 1,000);
#   c. the DBA job (n 20) on 100,000 x 512 against brute-force faiss (numpy if faiss is missing).
#
#   bench/run-table1-bench.sh [table1_bench.py options, e.g. --docs 20000 --dba-docs 10000]
#
# Builds the plugin zip, fetches Elasticsearch 8.19.21 through Maven, starts a node with the
# plugin (scripts/node.sh, heap $BENCH_HEAP, default 4g; port $BENCH_HTTP_PORT, default 9260),
# runs the benchmark with python3 (needs numpy; faiss from Debian's python3-faiss is used for c.
# when importable), stops the node. As root it reruns itself as the user retrieval-bench
# (scripts/as-unprivileged.sh), as Elasticsearch refuses root. Environment: MVN (default
# "mvn -q -B"), SKIP_BUILD=1 to reuse es-plugin/target's zip, PYTHON (default python3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
bench_as_user bench/run-table1-bench.sh "$@"
bench_python_on_node bench-table1 9260 4g bench/table1_bench.py "$@"
