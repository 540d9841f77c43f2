#!/usr/bin/env bash
# Model ensembles in the image_descriptor processor on a real node (bench/ensemble_bench.py): ingest
# throughput of a 2-member ensemble (one processor) against the same two recipes as two processors in
# sequence, and each alone.
#
#   bench/run-ensemble-bench.sh [ensemble_bench.py options, e.g. --images 200 --clients 4]
#
# Builds the plugin zip, fetches Elasticsearch 8.19.21 through Maven, starts a node with the
# plugin (scripts/node.sh, heap $BENCH_HEAP, default 2g; port $BENCH_HTTP_PORT, default 9261),
# runs the benchmark with python3 (standard library only), stops the node. As root it reruns itself
# as the user retrieval-bench (scripts/as-unprivileged.sh), as Elasticsearch refuses root.
# Environment: MVN (default "mvn -q -B"), SKIP_BUILD=1 to reuse es-plugin/target's zip, PYTHON (default python3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
bench_as_user bench/run-ensemble-bench.sh "$@"
bench_python_on_node bench-ensemble 9261 2g bench/ensemble_bench.py "$@"
