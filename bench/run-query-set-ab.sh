#!/usr/bin/env bash
# A/B latency of query-set expansion in one run: two plugin zips (e.g. main's and a branch's), alternating A B A B,
# each on a fresh node and a fresh index (bench/run-query-set-bench.sh --only latency), so that both see the same load.
#
#   bench/run-query-set-ab.sh A.zip B.zip [query_set_bench.py options, e.g. --repeat 100]
#
# The zips must be readable by the user retrieval-bench (as root the script reruns itself as that user). Each run's
# output is printed between "=== variant" lines with the load average; the JSON of each run is target/ab/<A|B>-<n>.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
bench_as_user bench/run-query-set-ab.sh "$@"
a="$1"
b="$2"
shift 2
mkdir -p target/ab es-plugin/target
cp "$a" target/ab/A.zip
cp "$b" target/ab/B.zip
n=0
for variant in A B A B; do
  n=$((n + 1))
  rm -f es-plugin/target/instance-retrieval-*.zip
  cp "target/ab/$variant.zip" es-plugin/target/instance-retrieval-0.1.0-SNAPSHOT.zip
  echo "=== variant $variant ($n) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)"
  SKIP_BUILD=1 bash bench/run-query-set-bench.sh --only latency "$@" --out "target/ab/$variant-$n.json" 2>&1 | grep -v '^\[' || true
  echo "=== end $variant ($n) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)"
done
